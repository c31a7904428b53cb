import PipetopCore

/// What the Boards a soak compared held, summed: a soak that compared empty Boards proves nothing.
struct SoakCoverage: CustomStringConvertible {
    var jobs = 0, reruns = 0, skewed = 0, phases = 0, steps = 0, checkpoints = 0, logs = 0
    var alerts = 0, acknowledged = 0, silenced = 0, fromRules = 0, paused = 0, failed = 0

    mutating func note(_ board: JSONValue) {
        for job in board["jobs"]?.arrayValue ?? [] where job["id"] != .string(NoiseProducer.job) {
            jobs += 1
            if job["state"] == .string("paused") { paused += 1 }
            if let run = job["run"]?.number, run > 1 { reruns += 1 }
            if let skew = job["skew"]?.number, abs(skew - 600) < 1 { skewed += 1 }
            if job["state"] == .string("failed") { failed += 1 }
            checkpoints += job["checkpoints"]?.arrayValue?.count ?? 0
            logs += job["logs"]?.arrayValue?.count ?? 0
            for phase in job["phases"]?.arrayValue ?? [] {
                phases += 1
                steps += phase["steps"]?["items"]?.arrayValue?.count ?? 0
            }
        }
        for alert in board["alerts"]?.arrayValue ?? [] {
            alerts += 1
            if let ack = alert["ack"], ack != .null { acknowledged += 1 }
            if let s = alert["silencedUntil"], s != .null { silenced += 1 }
            if case .string(let kind)? = alert["kind"], kind.hasPrefix("rule:") { fromRules += 1 }
        }
    }

    var description: String {
        "\(jobs) jobs (\(reruns) second runs or later, \(skewed) ten minutes behind, \(paused) paused, \(failed) failed), \(phases) phases, \(steps) steps, \(checkpoints) checkpoints, \(logs) log lines, "
            + "\(alerts) alerts (\(fromRules) from rules, \(acknowledged) acknowledged, \(silenced) silenced)"
    }
}
