import PipetopCore
import PipetopWire

/// Compares two Boards (as JSON) field by field, leaving out what legitimately moves with the
/// clock (the rule is documented on `BoardSoakTests`): each difference is a line naming the
/// field's path and both values.
enum BoardComparison {
    /// Fields that move with time, compared not at all.
    static let moving: Set<String> = ["finishAt", "stalledSince", "throughput", "rate"]
    /// Of an estimate only whether it is frozen is compared: its anchors are remade at a tick.
    static let estimate = "eta"
    /// The producer's clock, learned again from fewer arrivals (merged progress rows).
    static let skewTolerance = 0.1 + 1e-9

    static func differences(_ a: JSONValue, _ b: JSONValue) -> [String] {
        var out: [String] = []
        compare(unpromised(a), unpromised(b), path: "board", into: &out)
        return out
    }

    private static func compare(_ a: JSONValue, _ b: JSONValue, path: String, into out: inout [String]) {
        switch (a, b) {
        case (.object(let x), .object(let y)):
            var keys: [String] = []
            for (k, _) in x + y where !keys.contains(k) { keys.append(k) }
            for k in keys where !moving.contains(k) {
                var l = a[k] ?? .null, r = b[k] ?? .null
                if k == estimate {
                    l = l == .null ? .null : .bool(l["frozen"] == .bool(true))
                    r = r == .null ? .null : .bool(r["frozen"] == .bool(true))
                }
                if k == "skew", let p = l.number, let q = r.number, abs(p - q) <= skewTolerance { continue }
                compare(l, r, path: path + "." + k + label(l), into: &out)
            }
        case (.array(let x), .array(let y)) where !x.isEmpty && (x + y).allSatisfy({ $0["id"] != nil }):
            // Items with ids (jobs, phases, steps, alerts): the same order, and each item the same.
            let ids = { (items: [JSONValue]) in items.map { JSONWriter.string($0["id"]!) } }
            if ids(x) != ids(y) { out.append("\(path): in order \(ids(x)) before, \(ids(y)) after") }
            for item in x {
                guard let other = y.first(where: { $0["id"] == item["id"] }) else { continue }
                compare(item, other, path: path + label(item), into: &out)
            }
        case (.array(let x), .array(let y)):
            if x.count != y.count { out.append("\(path): \(x.count) items before, \(y.count) after: \(short(a)) / \(short(b))") }
            for i in 0..<min(x.count, y.count) { compare(x[i], y[i], path: path + "[\(i)]" + label(x[i]), into: &out) }
        default:
            if a != b { out.append("\(path): \(short(a)) before, \(short(b)) after") }
        }
    }

    /// The Board without its time and without the job that never syncs (`NoiseProducer`).
    private static func unpromised(_ board: JSONValue) -> JSONValue {
        let jobs = board["jobs"]?.arrayValue?.filter { $0["id"] != .string(NoiseProducer.job) } ?? []
        return board.setting("at", .null).setting("jobs", .array(jobs))
    }

    /// `(id)` of an item that has one, so that a path says which job, phase or alert.
    private static func label(_ v: JSONValue) -> String {
        if case .string(let id)? = v["id"] { return "(\(id))" }
        return ""
    }

    private static func short(_ v: JSONValue) -> String {
        let s = JSONWriter.string(v)
        return s.count > 200 ? String(s.prefix(200)) + "…" : s
    }
}
