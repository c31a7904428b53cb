import PipetopCore

/// The ingest hot path: a `progress` line in its plain form (ASCII strings without escapes,
/// whole-number counts, only the fields progress takes) decoded straight from the bytes,
/// without building a JSON tree. Anything else, including every line that would be refused,
/// returns nil and goes through `EventDecoder`'s general path, so errors and edge cases have
/// one implementation. A test checks both paths agree on every line it tries.
enum ProgressFastPath {
    private static let maxCount = Fields.maxCount
    private enum Key { case type, job, phase, done, inc, failed, skipped, total, ts, seq, v }

    static func decode(_ b: UnsafeBufferPointer<UInt8>) -> WireMessage? {
        var i = 0
        let n = b.count
        @inline(__always) func skipSpace() {
            while i < n, b[i] == 0x20 || b[i] == 0x09 { i += 1 }
        }
        /// A string of printable ASCII without escapes; the bytes between the quotes.
        @inline(__always) func plainString() -> UnsafeBufferPointer<UInt8>? {
            guard i < n, b[i] == UInt8(ascii: "\"") else { return nil }
            i += 1
            let start = i
            while i < n {
                let c = b[i]
                if c == UInt8(ascii: "\"") {
                    i += 1
                    return UnsafeBufferPointer(rebasing: b[start..<(i - 1)])
                }
                if c < 0x20 || c > 0x7E || c == UInt8(ascii: "\\") { return nil }
                i += 1
            }
            return nil
        }
        /// A whole number of at most 16 digits (exact as a Double, as counts must be).
        @inline(__always) func wholeNumber() -> Int? {
            var negative = false
            if i < n, b[i] == UInt8(ascii: "-") { negative = true; i += 1 }
            let start = i
            var v = 0
            while i < n, b[i] >= 0x30 && b[i] <= 0x39 { v = v &* 10 &+ Int(b[i] &- 0x30); i += 1 }
            let digits = i - start
            guard digits > 0 && digits <= 16, digits == 1 || b[start] != 0x30 else { return nil }
            if i < n, b[i] == UInt8(ascii: ".") || b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E") { return nil }
            return negative ? -v : v
        }
        /// Seconds: a whole number or a decimal, read as the general parser reads it.
        @inline(__always) func seconds() -> Double? {
            let start = i
            while i < n, (b[i] >= 0x30 && b[i] <= 0x39) || b[i] == UInt8(ascii: ".") { i += 1 }
            guard i > start, i - start <= 32, b[start] != UInt8(ascii: "."),
                  b[start] != 0x30 || i - start == 1 || b[start + 1] == UInt8(ascii: "."),
                  b[i - 1] != UInt8(ascii: ".") else { return nil }
            if i < n, b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E") || b[i] == UInt8(ascii: "-") { return nil }
            return Double(String(decoding: UnsafeBufferPointer(rebasing: b[start..<i]), as: UTF8.self))
        }

        skipSpace()
        guard i < n, b[i] == UInt8(ascii: "{") else { return nil }
        i += 1
        var seen: UInt16 = 0
        var isProgress = false
        var job: String?, phase: String?, ts: Double?, seq: Int?
        var done: Int?, inc: Int?, failed: Int?, skipped: Int?, total: Int?
        while true {
            skipSpace()
            guard let name = plainString(), let key = key(name) else { return nil }
            let bit: UInt16 = 1 << keyIndex(key)
            guard seen & bit == 0 else { return nil }  // the general path says which one wins
            seen |= bit
            skipSpace()
            guard i < n, b[i] == UInt8(ascii: ":") else { return nil }
            i += 1
            skipSpace()
            switch key {
            case .type:
                guard let s = plainString(), equals(s, "progress") else { return nil }
                isProgress = true
            case .job, .phase:
                guard let s = plainString(), s.count > 0, s.count <= EventDecoder.maxIdBytes else { return nil }
                let text = String(decoding: s, as: UTF8.self)
                if key == .job { job = text } else { phase = text }
            case .ts:
                guard let t = seconds(), t < Event.latestTimestamp else { return nil }
                ts = t
            case .v:
                guard wholeNumber() == protocolVersion else { return nil }
            case .seq:
                guard let s = wholeNumber() else { return nil }
                seq = s
            case .inc:
                guard let c = wholeNumber(), abs(c) <= maxCount else { return nil }
                inc = c
            case .done, .failed, .skipped, .total:
                guard let c = wholeNumber(), c >= 0, c <= maxCount else { return nil }
                switch key {
                case .done: done = c
                case .failed: failed = c
                case .skipped: skipped = c
                default: total = c
                }
            }
            skipSpace()
            guard i < n else { return nil }
            if b[i] == UInt8(ascii: ",") { i += 1; continue }
            guard b[i] == UInt8(ascii: "}") else { return nil }
            i += 1
            break
        }
        skipSpace()
        guard i == n, isProgress, let job, let phase, job != Event.anyJob else { return nil }
        guard done != nil || inc != nil || failed != nil || skipped != nil || total != nil, done == nil || inc == nil else { return nil }
        return .event(Event(job: job, ts: ts, seq: seq, .progress(.init(phase: phase, done: done, inc: inc, failed: failed,
                                                                            skipped: skipped, total: total))))
    }

    private static func equals(_ s: UnsafeBufferPointer<UInt8>, _ word: StaticString) -> Bool {
        guard s.count == word.utf8CodeUnitCount else { return false }
        let w = word.utf8Start
        for k in 0..<s.count where s[k] != w[k] { return false }
        return true
    }

    private static func key(_ s: UnsafeBufferPointer<UInt8>) -> Key? {
        switch s.count {
        case 1: return s[0] == UInt8(ascii: "v") ? .v : nil
        case 2: return equals(s, "ts") ? .ts : nil
        case 3: return equals(s, "job") ? .job : equals(s, "inc") ? .inc : equals(s, "seq") ? .seq : nil
        case 4: return equals(s, "type") ? .type : equals(s, "done") ? .done : nil
        case 5: return equals(s, "phase") ? .phase : equals(s, "total") ? .total : nil
        case 6: return equals(s, "failed") ? .failed : nil
        case 7: return equals(s, "skipped") ? .skipped : nil
        default: return nil
        }
    }

    private static func keyIndex(_ k: Key) -> UInt16 {
        switch k {
        case .type: 0
        case .job: 1
        case .phase: 2
        case .done: 3
        case .inc: 4
        case .failed: 5
        case .skipped: 6
        case .total: 7
        case .ts: 8
        case .seq: 9
        case .v: 10
        }
    }
}
