import Foundation
import PipetopEngine
import PipetopCore

/// Turns the command's output lines into events for the run's job, for both streams (each
/// relay thread calls it with its own stream's lines, so it holds a lock): progress goes to
/// the phase that runs (`PhaseCursor`); make's targets and parallel's joblog entries become
/// steps; `PIPETOP` lines from the stream `--progress-from` names are passed on.
///
/// Once a known tool's format has been seen, prose counts (`3/4` in a sentence, a date) no
/// longer move the bar. Counts are absolute, so of many lines only the last few that may hold
/// progress are read (oldest first, so that nested bars drawn together are all seen), at most
/// every `interval` seconds a stream (the rest is kept and read when the stream goes quiet):
/// a command printing fast is never slowed by parsing.
final class ProgressReader: @unchecked Sendable {
    private let job: String
    private let queue: ReportQueue
    private let hints: CommandHints
    private let lock = NSLock()
    private var cursor: PhaseCursor
    private var noted = false
    private var sawTool = false
    /// Per phase, its bars (nested ones made one count) and the last count sent.
    private var bars: [String: NestedBars] = [:]
    private var unitSent: Set<String> = []
    private var runningTargets: [String] = []
    private var failedTargets: Set<String> = []
    /// Per stream: when progress was last parsed, and the lines not parsed since.
    private var lastParse: [Int32: Double] = [:]
    private var deferred: [Int32: [[UInt8]]] = [:]
    static let interval = 0.05

    init(job: String, phases: [String], queue: ReportQueue, hints: CommandHints = CommandHints(argv: [])) {
        self.job = job
        self.queue = queue
        self.hints = hints
        cursor = PhaseCursor(declared: phases)
    }

    /// Complete lines of one stream (ended by `\n` or by a bar's `\r`, without the last end).
    /// Lines that count each (events, make's targets) are taken in order; of the lines
    /// between them only the last few that may hold progress are read.
    func lines(_ bytes: ArraySlice<UInt8>, stream: Int32, reading: ProgressParser.Reading) {
        lock.lock(); defer { lock.unlock() }
        var segmentStart = bytes.startIndex
        for e in Self.eachLines(bytes, events: reading.chosen) {
            lastProgress(in: bytes[segmentStart..<e.lowerBound], stream: stream, reading: reading, force: true)
            eachLine(bytes[e], reading: reading)
            segmentStart = min(e.upperBound + 1, bytes.endIndex)
        }
        lastProgress(in: bytes[segmentStart...], stream: stream, reading: reading, force: false)
    }

    /// The stream has been quiet: what was put off is read now, and the line still being
    /// drawn (a bar that redraws with `\r` before, not after, its text) if a tool's format
    /// reads it whole.
    func quiet(stream: Int32, partial: ArraySlice<UInt8>, reading: ProgressParser.Reading) {
        lock.lock(); defer { lock.unlock() }
        if let d = deferred.removeValue(forKey: stream) { _ = readProgress(d.map { $0[...] }, reading: reading) }
        guard !partial.isEmpty, partial.count <= ProgressParser.longestLine,
              let p = ProgressParser.progress(String(decoding: partial, as: UTF8.self), reading: reading),
              !GenericCounts.isGeneric(p) else { return }
        progress([p])
    }

    /// A job parallel wrote to its joblog: a step, failed when it did.
    func finished(_ entry: ParallelJoblog.Entry) {
        lock.lock(); defer { lock.unlock() }
        step("job \(entry.seq): \(entry.command)", entry.failed ? .failed : .done, detail: entry.detail)
    }

    static func endsLine(_ b: UInt8) -> Bool { b == 0x0A || b == 0x0D }

    private static let prefix = Array(ProgressParser.eventPrefix.utf8)
    private static let needles = MakeTrace.needles.map { Array($0.utf8) }

    /// The lines that start with `PIPETOP `.
    static func eventLines(_ bytes: ArraySlice<UInt8>) -> [Range<Int>] {
        eachLines(bytes, events: true).filter { bytes[$0].starts(with: prefix) }
    }

    /// The lines to read each: those that start with `PIPETOP ` and those that hold make's
    /// markers, found with memmem, so output without them is passed over at memory speed.
    static func eachLines(_ bytes: ArraySlice<UInt8>, events: Bool) -> [Range<Int>] {
        bytes.withUnsafeBufferPointer { b -> [Range<Int>] in
            guard b.count > 0 else { return [] }
            var starts = Set<Int>()
            func lineStart(_ k: Int) -> Int { ByteSearch.lastLineEnd(in: b, to: k).map { $0 + 1 } ?? 0 }
            if events {
                var i = 0
                while let k = ByteSearch.find(prefix, in: b, from: i) {
                    i = k + 1
                    if k == 0 || endsLine(b[k - 1]) { starts.insert(k) }
                }
            }
            for n in needles {
                var i = 0
                while let k = ByteSearch.find(n, in: b, from: i) {
                    let s = lineStart(k)
                    starts.insert(s)
                    // The rest of this line holds nothing more to find.
                    i = ByteSearch.firstLineEnd(in: b, from: k) ?? b.count
                }
            }
            return starts.sorted().map { s in
                let end = ByteSearch.firstLineEnd(in: b, from: s) ?? b.count
                return (bytes.startIndex + s)..<(bytes.startIndex + end)
            }
        }
    }

    /// The last line of `bytes` that holds progress, from the end; a line with none of `/`,
    /// `%`, `━` (rich) nor, for pv, a digit at its end cannot, and is passed over unread.
    private func lastProgress(in bytes: ArraySlice<UInt8>, stream: Int32, reading: ProgressParser.Reading, force: Bool) {
        guard !bytes.isEmpty else { return }
        let lines = Self.candidates(bytes, pv: reading.pv != nil)
        let now = Date().timeIntervalSinceReferenceDate
        if !force, let last = lastParse[stream], now - last < Self.interval {
            // Put off: only the lines that may hold progress are kept (a few short copies), newer
            // first, with those that wait already (these may hold no progress at all).
            if !lines.isEmpty { deferred[stream] = Array((lines.map { Array(bytes[$0]) } + (deferred[stream] ?? [])).prefix(8)) }
            return
        }
        lastParse[stream] = now
        // Lines put off before these are older: read before them.
        let older = deferred.removeValue(forKey: stream) ?? []
        _ = readProgress(lines.map { bytes[$0] } + older.map { $0[...] }, reading: reading)
    }

    /// The progress in `lines` (newest first) is taken, oldest first, and sent as one count:
    /// nested bars drawn in the same moment (an outer bar that ticked just before the inner
    /// one redrew) are all seen. False when none has any.
    private func readProgress(_ lines: [ArraySlice<UInt8>], reading: ProgressParser.Reading) -> Bool {
        let readings = lines.compactMap { ProgressParser.progress(String(decoding: $0, as: UTF8.self), reading: reading) }
        return take(readings.reversed())
    }

    /// How far back pv's bare digits are looked for (digits are everywhere: a byte loop).
    static let scanWindow = 2 * ProgressParser.longestLine
    /// Most marks looked at in one run of lines (binary output is full of them).
    static let mostProbes = 64

    /// The last lines of `bytes` (at most 4, newest first) that may hold progress: those with a
    /// `/`, `%`, `━` (rich) or, for pv, a digit in its last `scanWindow` bytes, not longer than
    /// a bar can be, and with no NUL (binary output is no bar). The marks are found through
    /// memrchr, at most `mostProbes` of them.
    static func candidates(_ bytes: ArraySlice<UInt8>, pv: Bool) -> [Range<Int>] {
        bytes.withUnsafeBufferPointer { b -> [Range<Int>] in
            var out: [Range<Int>] = []
            // "━" is E2 94 81: its last byte stands for it.
            let marks: [UInt8] = [0x2F, 0x25, 0x81]
            var at = marks.map { ByteSearch.last($0, in: b) }
            let floor = pv ? max(0, b.count - scanWindow) : 0
            var k = b.count - 1, probes = 0
            while k >= floor && out.count < 4 && probes < mostProbes {
                probes += 1
                // Marks past k were passed: look for them again before it.
                for i in at.indices { if let p = at[i], p > k { at[i] = ByteSearch.last(marks[i], in: b, to: k + 1) } }
                if pv {
                    let c = b[k]
                    guard marks.contains(c) || (c >= 0x30 && c <= 0x39) else { k -= 1; probes -= 1; continue }
                } else {
                    guard let m = at.compactMap({ $0 }).max() else { break }
                    k = m
                }
                let lo = max(0, k - ProgressParser.longestLine)
                guard let start = ByteSearch.lastLineEnd(in: b, from: lo, to: k).map({ $0 + 1 }) ?? (lo == 0 ? 0 : nil) else {
                    k = lo - 1  // inside a line too long to be a bar
                    continue
                }
                k = start - 1
                let end = ByteSearch.firstLineEnd(in: b, from: start, to: min(b.count, start + ProgressParser.longestLine + 1))
                    ?? (b.count - start <= ProgressParser.longestLine ? b.count : start + ProgressParser.longestLine + 1)
                guard end - start <= ProgressParser.longestLine, ByteSearch.first(0, in: b, from: start, to: end) == nil else { continue }
                out.append((bytes.startIndex + start)..<(bytes.startIndex + end))
            }
            return out
        }
    }

    /// A line read on its own: an event or one of make's.
    private func eachLine(_ bytes: ArraySlice<UInt8>, reading: ProgressParser.Reading) {
        let text = String(decoding: bytes, as: UTF8.self)
        if reading.chosen && text.hasPrefix(ProgressParser.eventPrefix) {
            switch ProgressParser.parse(text, reading: reading) {
            case .event(let json)?:
                switch CommandEvent.event(from: json, job: job) {
                case .success(let e):
                    for before in cursor.observe(e) { queue.offer(before) }
                    queue.offer(e)
                case .failure(let why):
                    ignored(why.reason)
                }
            case .unreadable(let why)?:
                ignored(why)
            default:
                break
            }
            return
        }
        if let m = MakeTrace.read(ProgressParser.stripEscapes(text)) { target(m) }
    }

    /// make's target `m` started or failed. Without -j a target's start means the one before
    /// it ended well (make runs one recipe at a time and stops at an error).
    private func target(_ m: MakeTrace.Line) {
        sawTool = true
        if let error = m.error {
            runningTargets.removeAll { $0 == m.target }
            failedTargets.insert(m.target)
            step(m.target, .failed, detail: error)
            return
        }
        if hints.makeSerial {
            for t in runningTargets { step(t, .done, detail: nil) }
            runningTargets.removeAll()
        }
        // stdout (the trace) and stderr (the error) are read apart: the error may come first.
        if failedTargets.contains(m.target) { return }
        runningTargets.append(m.target)
        step(m.target, .running, detail: nil)
    }

    /// Progress from a tool's format, or prose counts while no tool has been seen (oldest
    /// first); false when none is taken.
    private func take(_ readings: [ToolProgress]) -> Bool {
        if readings.contains(where: { !GenericCounts.isGeneric($0) }) { sawTool = true }
        let taken = sawTool ? readings.filter { !GenericCounts.isGeneric($0) } : readings
        guard !taken.isEmpty else { return false }
        progress(taken)
        return true
    }

    /// Readings (oldest first) of the phase that runs, sent as one count.
    private func progress(_ readings: [ToolProgress]) {
        if readings.contains(where: { !GenericCounts.isGeneric($0) }) { sawTool = true }
        guard let (phase, start) = cursor.phaseForProgress(job: job) else { return }
        for e in start { queue.offer(e) }
        // Nested bars (epochs and batches) make one count; a count lower than the last one
        // sent is a new bar (a second rsync): it starts the count again, which the engine
        // takes only when told.
        var phaseBars = bars[phase] ?? NestedBars()
        for p in readings {
            switch p.amount {
            case .counts(let done, let total):
                // The tool's unit goes to the phase once, as the protocol's phase.start carries it.
                if let unit = p.unit, unitSent.insert(phase).inserted { queue.offer(Event(job: job, .phaseStart(.init(phase: phase, unit: unit)))) }
                phaseBars.observe(done: done, total: total, nests: NestedBars.nestingTools.contains(p.tool))
            case .percent(let v):
                phaseBars.observe(done: Int(v.rounded(.down)), total: 100, nests: false)
            case .bytes(let n):
                // Bytes with no total: the phase counts in bytes (its rate reads "MB/s").
                if unitSent.insert(phase).inserted { queue.offer(Event(job: job, .phaseStart(.init(phase: phase, unit: "B")))) }
                phaseBars.observe(done: n)
            }
        }
        let c = phaseBars.count()
        bars[phase] = phaseBars
        if let c { queue.offer(Event(job: job, .progress(.init(phase: phase, done: c.done, total: c.total, reset: c.reset)))) }
    }

    private func step(_ name: String, _ state: StepState, detail: String?) {
        guard let (phase, start) = cursor.phaseForProgress(job: job) else { return }
        for e in start { queue.offer(e) }
        queue.offer(Event(job: job, .step(.init(phase: phase, step: name, state: state, detail: detail))))
    }

    /// Said once: output is not trusted, and a line that looked like an event but was not
    /// taken should not pass unseen.
    private func ignored(_ why: String) {
        guard !noted else { return }
        noted = true
        let kinds = CommandEvent.allowed.joined(separator: ", ")
        SafeWrite.stderr(
            "pipetop run: ignored a PIPETOP line of the command's output: \(why) (only \(kinds) events about this run's job are taken; said once)\n")
    }
}
