import Foundation

/// Reads the JSON lines of a `scripts/bench` run and prints the medians and a table of
/// PGKit / C ratios per metric (and, when PostgresNIO's lines are there, a second table with
/// its medians and ratios).
enum BenchReport {
    static func run(_ path: String) throws {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var samples: [String: [String: [String: [Double]]]] = [:]  // workload -> impl -> metric -> values
        for line in text.split(separator: "\n") {
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let impl = object["impl"] as? String, let workload = object["workload"] as? String else { continue }
            for (key, value) in object where key != "impl" && key != "workload" {
                if let number = value as? Double { samples[workload, default: [:]][impl, default: [:]][key, default: []].append(number) }
            }
        }
        func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
        print("")
        print("workload  metric               libpq-c        pgkit   pgkit/c")
        print("--------  -----------------  ----------  ----------  -------")
        for workload in samples.keys.sorted() {
            let c = samples[workload]?["libpq-c"] ?? [:]
            let pgkit = samples[workload]?["pgkit"] ?? [:]
            for metric in Set(c.keys).union(pgkit.keys).sorted() {
                let left = c[metric].map(median), right = pgkit[metric].map(median)
                let ratio = (left != nil && right != nil && left! > 0) ? String(format: "%.2f", right! / left!) : "-"
                // Small values (R1's latencies in ms) keep three decimals.
                func shown(_ value: Double?) -> String { value.map { String(format: abs($0) < 10 ? "%.3f" : "%.1f", $0) } ?? "-" }
                let cells = [workload.padding(8), metric.padding(17), shown(left).leftPadding(10),
                             shown(right).leftPadding(10), ratio.leftPadding(7)]
                print(cells.joined(separator: "  "))
            }
        }
        // W6's second target compares PGKit's pipelined qps with C's pipelined batches.
        if let pipelined = samples["W6"]?["libpq-c"]?["pipeline_qps"].map(median), let qps = samples["W6"]?["pgkit"]?["qps"].map(median), pipelined > 0 {
            print("W6 pgkit qps / libpq-c pipeline_qps: " + String(format: "%.2f", qps / pipelined))
        }
        // W1's C side also runs spinning for each reply as PGKit does by default: PGKit's own
        // cost per statement, with the wait taken out of the comparison.
        if let spinning = samples["W1"]?["libpq-c"]?["spin_qps"].map(median), let qps = samples["W1"]?["pgkit"]?["qps"].map(median), spinning > 0 {
            print("W1 pgkit qps / libpq-c spin_qps: " + String(format: "%.2f", qps / spinning))
        }
        peers(samples, median)
    }

    /// With `scripts/bench --peers`: PostgresNIO's medians beside the other two, PGKit /
    /// PostgresNIO and PostgresNIO / C, for the metrics PostgresNIO reports.
    static func peers(_ samples: [String: [String: [String: [Double]]]], _ median: ([Double]) -> Double) {
        guard samples.values.contains(where: { $0["postgresnio"] != nil }) else { return }
        func cell(_ value: Double?) -> String { value.map { String(format: abs($0) < 10 ? "%.3f" : "%.1f", $0) } ?? "-" }
        func ratio(_ top: Double?, _ bottom: Double?) -> String {
            guard let top, let bottom, bottom > 0 else { return "-" }
            return String(format: "%.2f", top / bottom)
        }
        print("")
        print("workload  metric               libpq-c        pgkit  postgresnio  pgkit/nio  nio/c")
        print("--------  -----------------  ----------  ----------  -----------  ---------  -----")
        for workload in samples.keys.sorted() {
            guard let nio = samples[workload]?["postgresnio"] else { continue }
            let c = samples[workload]?["libpq-c"] ?? [:]
            let pgkit = samples[workload]?["pgkit"] ?? [:]
            for metric in nio.keys.sorted() {
                let left = c[metric].map(median), middle = pgkit[metric].map(median), right = nio[metric].map(median)
                let cells = [workload.padding(8), metric.padding(17), cell(left).leftPadding(10), cell(middle).leftPadding(10),
                             cell(right).leftPadding(11), ratio(middle, right).leftPadding(9), ratio(right, left).leftPadding(5)]
                print(cells.joined(separator: "  "))
            }
        }
        // PostgresNIO does not pipeline across callers: like for like, W6 is PGKit's exclusive pool.
        if let exclusive = samples["W6"]?["pgkit"]?["exclusive_qps"].map(median), let nio = samples["W6"]?["postgresnio"]?["qps"].map(median), nio > 0 {
            print("W6 pgkit exclusive_qps / postgresnio qps: " + String(format: "%.2f", exclusive / nio))
        }
    }
}

private extension String {
    func padding(_ width: Int) -> String { self + String(repeating: " ", count: max(0, width - count)) }
    func leftPadding(_ width: Int) -> String { String(repeating: " ", count: max(0, width - count)) + self }
}
