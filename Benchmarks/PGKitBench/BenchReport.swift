import Foundation

/// Reads the JSON lines of a `scripts/bench` run and prints the medians and a table of
/// PGKit / C ratios per metric.
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
    }
}

private extension String {
    func padding(_ width: Int) -> String { self + String(repeating: " ", count: max(0, width - count)) }
    func leftPadding(_ width: Int) -> String { String(repeating: " ", count: max(0, width - count)) + self }
}
