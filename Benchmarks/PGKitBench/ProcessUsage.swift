import Glibc

/// What the benchmark process spent: CPU time (user + system, every thread) and context
/// switches, from getrusage, as the C baseline reports them. (The PostgresNIO peer compiles this
/// same file: Benchmarks/PostgresNIOPeer links to it.)
struct ProcessUsage {
    var cpuSeconds: Double
    /// The part of `cpuSeconds` spent outside the kernel.
    var userSeconds: Double
    var voluntary: Int
    var involuntary: Int

    /// The same, per statement.
    struct PerStatement {
        var cpuMicroseconds: Double
        var userMicroseconds: Double
        var voluntary: Double
        var involuntary: Double
    }

    static func now() -> ProcessUsage {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let user = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
        let cpu = user + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
        return ProcessUsage(cpuSeconds: cpu, userSeconds: user, voluntary: usage.ru_nvcsw, involuntary: usage.ru_nivcsw)
    }

    func since(_ before: ProcessUsage, statements: Int) -> PerStatement {
        let count = Double(statements)
        return PerStatement(cpuMicroseconds: (cpuSeconds - before.cpuSeconds) * 1e6 / count,
                            userMicroseconds: (userSeconds - before.userSeconds) * 1e6 / count,
                            voluntary: Double(voluntary - before.voluntary) / count,
                            involuntary: Double(involuntary - before.involuntary) / count)
    }
}
