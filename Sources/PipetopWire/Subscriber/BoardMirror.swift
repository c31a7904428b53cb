import PipetopCore

/// A viewer's copy of the engine's Board, kept up to date from `board.delta`s: only the jobs a
/// delta names are patched and decoded again (decoding all 50 jobs of a busy Board at every
/// frame was most of an attached dashboard's time), the rest of the Board field by field.
public struct BoardMirror: Sendable {
    public private(set) var board: Board
    /// Each job as the engine sent it (what its patches apply to), by id, and the patches
    /// applied to the typed job but not yet to this value (applied when it is needed, or when
    /// `maxPending` of them wait).
    private var jobValues: [String: JSONValue]
    private var pending: [String: [JSONValue]] = [:]
    /// The alerts and the host as the engine sent them (their patches apply to these).
    private var alertsValue: JSONValue
    private var hostValue: JSONValue
    static let maxPending = 64

    public init(_ value: JSONValue) throws {
        board = try JSONValueDecoder.decode(Board.self, from: value)
        jobValues = [:]
        alertsValue = value["alerts"] ?? .array([])
        hostValue = value["host"] ?? .object([])
        if case .array(let jobs)? = value["jobs"] {
            for j in jobs { if case .string(let id)? = j["id"] { jobValues[id] = j } }
        }
    }

    /// Applies one delta (`MergePatch` of the engine's Board). Throws when what results does not
    /// decode: the viewer then waits for the next whole Board.
    public mutating func apply(_ changes: JSONValue) throws {
        guard case .object(let members) = changes else { throw WireError("a Board delta must be an object") }
        var next = board
        for (key, patch) in members {
            switch key {
            case "at": next.at = try JSONValueDecoder.decode(Double.self, from: patch)
            case "unacknowledged": next.unacknowledged = try JSONValueDecoder.decode(Int.self, from: patch)
            case "alerts":
                alertsValue = MergePatch.apply(patch, to: alertsValue)
                next.alerts = try JSONValueDecoder.decode([Alert].self, from: alertsValue)
            case "host":
                hostValue = MergePatch.apply(patch, to: hostValue)
                next.host = try JSONValueDecoder.decode(BoardHost.self, from: hostValue)
            case "jobs": next.jobs = try jobs(patched: patch)
            case "serviceLevels":
                next.serviceLevels = patch == .null ? nil : try JSONValueDecoder.decode([BoardServiceLevel].self, from: patch)
            default: continue  // a field this viewer does not know: an engine newer than it
            }
        }
        board = next
    }

    /// The jobs after a patch of the jobs array: those it names decoded again, the others kept.
    private mutating func jobs(patched patch: JSONValue) throws -> [BoardJob] {
        guard case .object = patch, patch["shift"] == nil else {
            // Replaced whole (ids not unique, say): decode it all.
            let jobs = try JSONValueDecoder.decode([BoardJob].self, from: patch)
            jobValues = [:]
            pending = [:]
            if case .array(let values) = patch { for v in values { if case .string(let id)? = v["id"] { jobValues[id] = v } } }
            return jobs
        }
        var byID: [String: BoardJob] = [:]
        for j in board.jobs { byID[j.id] = j }
        if case .object(let set)? = patch["set"] {
            for (id, p) in set {
                // Most deltas change a few figures: applied to the typed job, kept for later.
                if var job = byID[id], jobValues[id] != nil, BoardFieldPatch.apply(p, to: &job) {
                    byID[id] = job
                    pending[id, default: []].append(p)
                    if pending[id]!.count >= Self.maxPending { _ = value(of: id) }
                    continue
                }
                let patched = jobValues[id] == nil ? p : MergePatch.apply(p, to: value(of: id))
                byID[id] = try JSONValueDecoder.decode(BoardJob.self, from: patched)
                jobValues[id] = patched
            }
        }
        var order = board.jobs.map(\.id)
        if case .array(let ids)? = patch["ids"] {
            order = ids.compactMap { if case .string(let s) = $0 { return s } else { return nil } }
            let kept = Set(order)
            for id in jobValues.keys where !kept.contains(id) { jobValues[id] = nil; pending[id] = nil }
        }
        return order.compactMap { byID[$0] }
    }

    /// A job's value with the patches still pending applied (and none pending any more).
    private mutating func value(of id: String) -> JSONValue {
        var v = jobValues[id] ?? .object([])
        for p in pending[id] ?? [] { v = MergePatch.apply(p, to: v) }
        pending[id] = nil
        jobValues[id] = v
        return v
    }

}
