import PipetopCore

/// What changed between two JSON values, field by field: JSON Merge Patch (RFC 7396: an
/// object lists the members that changed, `null` removes one) with two forms for arrays, so a
/// progress update costs a few numbers on the wire, not a job:
///
/// - an array of objects that each have a unique `"id"` (jobs, phases, steps, alerts) changes
///   as `{"set": {ID: patch or whole item, ...}, "ids": [new order]}` (`ids` only when the
///   order or the set of ids changed; items missing from it are gone);
/// - an array of numbers that moved on (a timeline: oldest dropped, newest appended) changes as
///   `{"shift": K, "append": [...]}`.
///
/// Any other change replaces the value. Applying `diff(a, b)` to `a` gives `b` (members of
/// objects may come in another order).
public enum MergePatch {
    /// The patch from `old` to `new`; nil when they are equal.
    public static func diff(_ old: JSONValue, _ new: JSONValue) -> JSONValue? {
        switch (old, new) {
        case (.object(let a), .object(let b)):
            return objectDiff(a, b)
        case (.array(let a), .array(let b)):
            if a == b { return nil }
            if let ka = keyedIDs(a), let kb = keyedIDs(b) { return keyedDiff(a, ka, b, kb) }
            if let s = shiftDiff(a, b) { return s }
            return new
        default:
            return old == new ? nil : new
        }
    }

    /// `old` with `patch` applied.
    public static func apply(_ patch: JSONValue, to old: JSONValue) -> JSONValue {
        switch (old, patch) {
        case (.object(let a), .object(let p)):
            return .object(merge(a, p))
        case (.array(let a), .object):
            if let shift = patch["shift"] {
                guard case .int(let k) = shift, k >= 0, case .array(let tail)? = patch["append"] else { return patch }
                return .array(Array(a.dropFirst(k)) + tail)
            }
            if patch["set"] != nil || patch["ids"] != nil { return .array(keyedApply(a, patch)) }
            return patch
        default:
            return patch
        }
    }

    // MARK: objects

    static func objectDiff(_ a: [(String, JSONValue)], _ b: [(String, JSONValue)]) -> JSONValue? {
        var out: [(String, JSONValue)] = []
        let index = a.count > 12 ? Dictionary(a.enumerated().map { ($0.element.0, $0.offset) }, uniquingKeysWith: { f, _ in f }) : nil
        func old(_ k: String) -> JSONValue? {
            if let index { return index[k].map { a[$0].1 } }
            return a.first { $0.0 == k }?.1
        }
        var seen = 0
        for (k, v) in b {
            if let o = old(k) {
                seen += 1
                if let d = diff(o, v) { out.append((k, d)) }
            } else {
                out.append((k, v))
            }
        }
        if seen < a.count {
            let kept = Set(b.map(\.0))
            for (k, _) in a where !kept.contains(k) { out.append((k, .null)) }
        }
        return out.isEmpty ? nil : .object(out)
    }

    static func merge(_ a: [(String, JSONValue)], _ p: [(String, JSONValue)]) -> [(String, JSONValue)] {
        var out = a
        var index: [String: Int] = [:]
        if p.count > 2 || a.count > 12 { for (i, m) in a.enumerated() where index[m.0] == nil { index[m.0] = i } }
        func find(_ k: String) -> Int? { index.isEmpty ? out.firstIndex { $0.0 == k } : index[k] }
        var removed = false
        for (k, v) in p {
            if let i = find(k) {
                if v == .null { out[i].1 = .null; removed = true } else { out[i].1 = apply(v, to: out[i].1) }
            } else if v != .null {
                out.append((k, v))
            }
        }
        if removed { out.removeAll { $0.1 == .null } }
        return out
    }

    // MARK: arrays of objects with ids

    /// The ids of an array whose items are all objects with a unique string `id`.
    static func keyedIDs(_ items: [JSONValue]) -> [String]? {
        guard !items.isEmpty else { return [] }
        var ids: [String] = []
        ids.reserveCapacity(items.count)
        for item in items {
            guard case .string(let id)? = item["id"] else { return nil }
            ids.append(id)
        }
        return Set(ids).count == ids.count ? ids : nil
    }

    static func keyedDiff(_ a: [JSONValue], _ ka: [String], _ b: [JSONValue], _ kb: [String]) -> JSONValue? {
        var oldByID: [String: JSONValue] = [:]
        for (id, item) in zip(ka, a) { oldByID[id] = item }
        var set: [(String, JSONValue)] = []
        for (id, item) in zip(kb, b) {
            if let o = oldByID[id] {
                if let d = diff(o, item) { set.append((id, d)) }
            } else {
                set.append((id, item))
            }
        }
        var out: [(String, JSONValue)] = []
        if ka != kb { out.append(("ids", .array(kb.map(JSONValue.string)))) }
        if !set.isEmpty { out.append(("set", .object(set))) }
        return out.isEmpty ? nil : .object(out)
    }

    static func keyedApply(_ a: [JSONValue], _ p: JSONValue) -> [JSONValue] {
        var byID: [String: JSONValue] = [:]
        var order: [String] = []
        for item in a {
            guard case .string(let id)? = item["id"] else { continue }
            byID[id] = item
            order.append(id)
        }
        if case .object(let set)? = p["set"] {
            for (id, patch) in set { byID[id] = byID[id].map { apply(patch, to: $0) } ?? patch }
        }
        if case .array(let ids)? = p["ids"] {
            order = ids.compactMap { if case .string(let s) = $0 { return s } else { return nil } }
        }
        return order.compactMap { byID[$0] }
    }

    // MARK: arrays of numbers that move on

    /// The longest a shift looks for (a timeline moves on by a few points between frames).
    static let maxShift = 64

    static func shiftDiff(_ a: [JSONValue], _ b: [JSONValue]) -> JSONValue? {
        guard a.count > 4, a.allSatisfy({ $0.number != nil }), b.allSatisfy({ $0.number != nil }) else { return nil }
        for k in 0...min(a.count, maxShift) {
            let keep = a.count - k
            guard keep <= b.count, keep > 0 else { continue }
            if a[k...].elementsEqual(b[..<keep]) {
                return .object([("shift", .int(k)), ("append", .array(Array(b[keep...])))])
            }
        }
        return nil
    }
}
