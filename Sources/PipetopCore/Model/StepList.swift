/// The steps of a phase in the order they first appeared, with lookup by id, in bounded and
/// compact memory.
///
/// **What is kept in detail** (each with its id, state, times and detail): every running step,
/// every failed step, the newest `keepDone` steps that finished done (`keepDoneSettled` once
/// the phase has ended) and the `keepSlowest` slowest of the others. Older done steps are folded into `folded`: how many, their time in
/// all and the longest, so a view still says "1,000 steps, 980 done, longest 12s" while a
/// phase with a million steps costs as much as one with a few hundred. Past `limit` kept
/// steps (a phase with that many failures or steps running), the oldest failed ones are folded
/// too; running steps are never folded.
///
/// **How** (about 40 bytes a kept step instead of about 170 as an array of `Step` and a
/// dictionary index): the fields live in parallel arrays; times are `Float` seconds from the
/// phase's first step (exact to 1 ms for 4 hours, to 1/16 s after 11 days); details are bytes in
/// one buffer; the index is an open-addressing table of `Int32` slots, built only past a few steps.
public struct StepList: Sendable {
    /// Most steps kept in detail, whatever their state.
    public static let limit = 20_000
    /// Newest steps finished `done` kept in detail while the phase runs...
    public static let keepDone = 100
    /// ... and once it has ended (`settle()`): then failures and the slowest matter, not movement.
    public static let keepDoneSettled = 20
    /// Slowest older done steps kept in detail beside them.
    public static let keepSlowest = 10

    /// What older finished steps added up to once they were no longer kept in detail.
    public struct Folded: Sendable, Codable, Equatable {
        /// Steps folded (done, and failed or canceled ones past `limit`).
        public var count = 0
        /// Of them, failed.
        public var failed = 0
        /// Of them, canceled (nil in snapshots from before canceled steps: none).
        public var canceled: Int?
        /// Their durations, summed, and the longest.
        public var seconds = 0.0
        public var longest = 0.0
        public init() {}
    }

    private var ids: [String] = []
    /// Seconds after `base`; `ends` is NaN while a step runs.
    private var starts: [Float] = []
    private var ends: [Float] = []
    /// The step's state (`StepState` index), with `hasDetail` when it has a detail.
    private var flags: [UInt8] = []
    /// Where each step's detail lies in `text` (empty without one).
    private var spans: [Span] = []
    private var text: [UInt8] = []
    /// Bytes of `text` no step points to any more (details replaced).
    private var garbage = 0
    /// Open addressing: the index in `ids` or -1; empty while there are few steps.
    private var slots: [Int32] = []
    private var base: Double = 0
    public private(set) var runningCount = 0
    public private(set) var failedCount = 0
    /// Steps its job's cancel stopped (kept in detail; folded ones are in `folded`).
    public private(set) var canceledCount = 0
    private var doneCount = 0
    public private(set) var folded = Folded()
    /// The phase has ended: fewer done steps are kept (`keepDoneSettled`).
    public private(set) var settled = false

    private struct Span: Sendable, Equatable { var start: UInt32; var count: UInt32 }
    private static let hasDetail: UInt8 = 0x80
    /// By `StepState.index` (`unknown` last: only a newer engine's snapshot holds it).
    private static let states = StepState.allCases + [.unknown]
    /// Up to this many steps are found by a scan, with no index.
    private static let scanned = 8

    public init() {}

    /// Steps kept in detail.
    public var count: Int { ids.count }
    /// Every step seen: kept in detail, and folded.
    public var total: Int { ids.count + folded.count }
    /// Steps folded into `folded` (older done steps; failed ones past `limit`).
    public var dropped: Int { folded.count }
    /// Done steps kept in detail.
    public var doneKept: Int { doneCount }

    public subscript(id: String) -> Step? { find(id).map(step) }

    /// The kept steps, in the order they first appeared.
    public var items: [Step] { ids.indices.map(step) }

    /// The kept step at position `i` (0 ..< count).
    public func step(at i: Int) -> Step {
        let f = flags[i]
        var detail: String?
        if f & Self.hasDetail != 0 {
            let s = spans[i]
            detail = String(decoding: text[Int(s.start)..<Int(s.start + s.count)], as: UTF8.self)
        }
        let e = ends[i]
        return Step(id: ids[i], state: Self.states[Int(f & 0x7f)], startedAt: base + Double(starts[i]),
                    endedAt: e.isNaN ? nil : base + Double(e), detail: detail)
    }

    /// Seconds the kept step at `i` took (or has run, at `now`).
    public func duration(at i: Int, now: Double) -> Double {
        let e = ends[i]
        return max(0, (e.isNaN ? now - base : Double(e)) - Double(starts[i]))
    }

    /// The longest any finished step took, kept or folded (not a canceled one: it was stopped).
    public var longest: Double {
        var m = folded.longest
        let canceled = UInt8(StepState.canceled.index)
        for i in ids.indices where !ends[i].isNaN && flags[i] & 0x7f != canceled { m = Swift.max(m, Double(ends[i] - starts[i])) }
        return m
    }

    /// Inserts or updates a step. Returns the step as stored.
    @discardableResult
    public mutating func upsert(id: String, state: StepState, detail: String?, at time: Double) -> Step {
        if ids.isEmpty && folded.count == 0 { base = time }
        let t = Float(time - base)
        if let i = find(id) {
            let old = Self.states[Int(flags[i] & 0x7f)]
            if old != state {
                if state == .running { starts[i] = t; ends[i] = .nan } else { ends[i] = t }
                count(old, -1)
                count(state, 1)
                flags[i] = (flags[i] & Self.hasDetail) | UInt8(state.index)
            }
            if let d = detail { setDetail(i, d) }
            // A failed step tried again: its old failure text no longer says what happened.
            else if old == .failed && state != .failed { clearDetail(i) }
            let s = step(at: i)
            if state == .done && old != .done { retain() } else { collectGarbage() }
            return s
        }
        ids.append(id)
        starts.append(t)
        ends.append(state == .running ? .nan : t)
        flags.append(UInt8(state.index))
        spans.append(Span(start: 0, count: 0))
        if let d = detail { setDetail(ids.count - 1, d) }
        count(state, 1)
        addToIndex(ids.count - 1)
        let s = step(at: ids.count - 1)
        retain()
        return s
    }

    private mutating func count(_ s: StepState, _ d: Int) {
        switch s {
        case .running: runningCount += d
        case .failed: failedCount += d
        case .done: doneCount += d
        case .canceled: canceledCount += d  // finished, neither done nor failed
        case .unknown: break
        }
    }

    private mutating func clearDetail(_ i: Int) {
        guard flags[i] & Self.hasDetail != 0 else { return }
        garbage += Int(spans[i].count)
        spans[i] = Span(start: 0, count: 0)
        flags[i] &= ~Self.hasDetail
    }

    /// Ends the steps still running when their phase or job ended: as `state`, with `detail`
    /// (they did not finish on their own, and nothing will say so later).
    public mutating func closeRunning(as state: StepState, detail: String, at time: Double) {
        guard runningCount > 0 else { return }
        let running = UInt8(StepState.running.index)
        // Ids first: closing one may fold older steps away and move the others.
        let open = ids.indices.filter { flags[$0] & 0x7f == running }.map { ids[$0] }
        for id in open { _ = upsert(id: id, state: state, detail: detail, at: time) }
    }

    private mutating func setDetail(_ i: Int, _ d: String) {
        if flags[i] & Self.hasDetail != 0 { garbage += Int(spans[i].count) }
        let start = text.count
        text.append(contentsOf: d.utf8)
        spans[i] = Span(start: UInt32(start), count: UInt32(text.count - start))
        flags[i] |= Self.hasDetail
    }

    /// Packs the details once replaced ones take more than half the buffer.
    private mutating func collectGarbage() {
        if garbage > 4_096 && garbage > text.count / 2 { rebuild(keeping: Array(ids.indices)) }
    }

    /// The phase ended: keep only the newest `keepDoneSettled` done steps (and the slowest).
    public mutating func settle() {
        guard !settled else { return }
        settled = true
        retain(slack: 0)
    }

    /// The phase runs again (a retry): the newest `keepDone` are kept from now on.
    public mutating func unsettle() { settled = false }

    private var newest: Int { settled ? Self.keepDoneSettled : Self.keepDone }

    /// Folds what the rules do not keep, once enough has piled up that the work is spread
    /// thin (every `slack` done steps, so about a dozen element moves per step).
    private mutating func retain(slack: Int? = nil) {
        let slack = slack ?? Swift.max(32, ids.count / 8)
        guard doneCount > newest + Self.keepSlowest + slack || ids.count > Self.limit else { collectGarbage(); return }
        var keep = [Bool](repeating: true, count: ids.count)
        var done = ids.indices.filter { flags[$0] & 0x7f == UInt8(StepState.done.index) }
        if done.count > newest + Self.keepSlowest {
            // Newest by the time they finished (ties: the later one).
            done.sort { ends[$0] != ends[$1] ? ends[$0] > ends[$1] : $0 > $1 }
            var older = Array(done[newest...])
            older.sort { dur($0) != dur($1) ? dur($0) > dur($1) : $0 > $1 }
            for i in older.dropFirst(Self.keepSlowest) { keep[i] = false }
        }
        var kept = keep.reduce(0) { $0 + ($1 ? 1 : 0) }
        if kept > Self.limit {
            // Too many failed (or running) steps: fold the oldest finished ones to 90% of the limit.
            for i in ids.indices where kept > Self.limit * 9 / 10 && keep[i] && !ends[i].isNaN {
                keep[i] = false
                kept -= 1
            }
        }
        for i in ids.indices where !keep[i] {
            let d = dur(i)
            folded.count += 1
            if flags[i] & 0x7f == UInt8(StepState.failed.index) { folded.failed += 1 }
            folded.seconds += d
            if flags[i] & 0x7f == UInt8(StepState.canceled.index) {
                folded.canceled = (folded.canceled ?? 0) + 1  // stopped: not the slowest
            } else {
                folded.longest = Swift.max(folded.longest, d)
            }
        }
        rebuild(keeping: ids.indices.filter { keep[$0] })
    }

    private func dur(_ i: Int) -> Double { Double(ends[i] - starts[i]) }

    /// Keeps only the steps at `indices` (in order), packs the details and rebuilds the index.
    private mutating func rebuild(keeping indices: [Int]) {
        var n = StepList()
        n.base = base
        n.folded = folded
        n.settled = settled
        n.ids.reserveCapacity(indices.count + 16)
        n.starts.reserveCapacity(indices.count + 16)
        n.ends.reserveCapacity(indices.count + 16)
        n.flags.reserveCapacity(indices.count + 16)
        n.spans.reserveCapacity(indices.count + 16)
        for i in indices {
            n.ids.append(ids[i])
            n.starts.append(starts[i])
            n.ends.append(ends[i])
            n.flags.append(flags[i])
            let s = spans[i]
            if flags[i] & Self.hasDetail != 0 {
                let start = n.text.count
                n.text.append(contentsOf: text[Int(s.start)..<Int(s.start + s.count)])
                n.spans.append(Span(start: UInt32(start), count: s.count))
            } else {
                n.spans.append(s)
            }
            n.count(Self.states[Int(flags[i] & 0x7f)], 1)
        }
        n.reindex()
        self = n
    }

    // MARK: the index

    private func find(_ id: String) -> Int? {
        if slots.isEmpty { return ids.firstIndex(of: id) }
        let mask = slots.count - 1
        var h = id.hashValue & mask
        while true {
            let s = slots[h]
            if s < 0 { return nil }
            if ids[Int(s)] == id { return Int(s) }
            h = (h + 1) & mask
        }
    }

    private mutating func addToIndex(_ i: Int) {
        guard ids.count > Self.scanned else { return }
        if slots.count * 2 < ids.count * 3 { reindex(); return }
        place(i)
    }

    private mutating func place(_ i: Int) {
        let mask = slots.count - 1
        var h = ids[i].hashValue & mask
        while slots[h] >= 0 { h = (h + 1) & mask }
        slots[h] = Int32(i)
    }

    /// Sizes the table to at least twice the steps (at most two thirds full between
    /// rebuilds, so lookups stay short) and fills it.
    private mutating func reindex() {
        guard ids.count > Self.scanned else { slots = []; return }
        var size = 16
        while size < ids.count * 2 { size *= 2 }
        slots = [Int32](repeating: -1, count: size)
        for i in ids.indices { place(i) }
    }
}

extension StepState {
    var index: Int {
        switch self {
        case .running: 0
        case .done: 1
        case .failed: 2
        case .canceled: 3
        case .unknown: 4
        }
    }
}

extension StepList: Equatable {
    public static func == (a: StepList, b: StepList) -> Bool {
        guard a.count == b.count, a.folded == b.folded, a.settled == b.settled else { return false }
        if a.base == b.base && a.ids == b.ids && a.starts.elementsEqual(b.starts, by: Self.same) && a.ends.elementsEqual(b.ends, by: Self.same)
            && a.flags == b.flags && a.spans == b.spans && a.text == b.text {
            return true
        }
        return a.ids.indices.allSatisfy { a.step(at: $0) == b.step(at: $0) }
    }

    /// Equal, NaN (running) included.
    private static func same(_ x: Float, _ y: Float) -> Bool { x == y || (x.isNaN && y.isNaN) }
}

/// Stored as `{"items": [Step], "dropped": n, "folded": {...}}`: snapshots written before steps
/// were folded (items and dropped only) read as they are, and the rules apply from then on.
extension StepList: Codable {
    private enum CodingKeys: String, CodingKey { case items, dropped, folded, settled }
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let items = try c.decode([Step].self, forKey: .items)
        if let f = try c.decodeIfPresent(Folded.self, forKey: .folded) {
            folded = f
        } else {
            folded.count = try c.decodeIfPresent(Int.self, forKey: .dropped) ?? 0
        }
        settled = try c.decodeIfPresent(Bool.self, forKey: .settled) ?? false
        base = items.first?.startedAt ?? 0
        for s in items {
            ids.append(s.id)
            starts.append(Float(s.startedAt - base))
            ends.append(s.endedAt.map { Float($0 - base) } ?? .nan)
            flags.append(UInt8(s.state.index))
            spans.append(Span(start: 0, count: 0))
            if let d = s.detail { setDetail(ids.count - 1, d) }
            count(s.state, 1)
        }
        reindex()
        retain(slack: 0)  // a snapshot from before the rules is made as small as a live list
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(items, forKey: .items)
        try c.encode(folded.count, forKey: .dropped)
        if folded != Folded() { try c.encode(folded, forKey: .folded) }
        if settled { try c.encode(true, forKey: .settled) }
    }
}
