import Foundation
import PGKit

// pgkit-bench setup URL | pgkit-bench quiesce URL | pgkit-bench URL W1..W7|R1 | pgkit-bench report FILE
let arguments = CommandLine.arguments.dropFirst()
do {
    switch (arguments.first, arguments.dropFirst().first) {
    case ("report", let path?):
        try BenchReport.run(path)
    case ("quiesce", let url?):
        let conn = try await PGConnection.connect(try PGConfig(url))
        await BenchData.quiesce(conn)
        await conn.close()
    case ("setup", let url?):
        let conn = try await PGConnection.connect(try PGConfig(url))
        try await BenchData.setUp(conn)
        await conn.close()
    case (let url?, let workload?):
        let config = try PGConfig(url)
        switch workload {
        case "W1": try await Workloads.w1(config)
        case "W2": try await Workloads.w2(config)
        case "W3": try await Workloads.w3(config)
        case "W4": try await Workloads.w4(config)
        case "W5": try await Workloads.w5(config)
        case "W6": try await Workloads.w6(config)
        case "W7": try await ScaleWorkload.run(config)
        case "R1": try await RealTimeWorkload.run(config)
        default: throw PGError(.invalidConfiguration, "unknown workload \(workload)")
        }
    default:
        FileHandle.standardError.write(Data("usage: pgkit-bench setup URL | pgkit-bench URL W1..W7|R1 | pgkit-bench report FILE\n".utf8))
        exit(2)
    }
} catch {
    FileHandle.standardError.write(Data("pgkit-bench: \(error)\n".utf8))
    exit(1)
}
