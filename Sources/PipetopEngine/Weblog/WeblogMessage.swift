import Foundation
import PipetopCore
import PipetopWire

/// One weblog POST of Nextflow's nf-weblog plugin (WebLogObserver, plugin 1.1.2): a JSON object
/// `{runName, runId, event, utcTime, trace | metadata}`.
public struct WeblogMessage: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case started
        case processSubmitted = "process_submitted"
        case processStarted = "process_started"
        case processCompleted = "process_completed"
        case error
        case completed
    }

    public var runName: String
    /// The session's UUID (the same for a `-resume` of the run; the run name is new each time).
    public var runId: String
    /// Nil for an event name this version does not know (taken and ignored).
    public var kind: Kind?
    public var eventName: String
    /// `utcTime`, epoch seconds (whole seconds on the wire).
    public var time: Double?
    public var trace: WeblogTrace?
    public var workflow: WeblogWorkflow?

    public init(runName: String, runId: String, kind: Kind, time: Double? = nil, trace: WeblogTrace? = nil, workflow: WeblogWorkflow? = nil) {
        self.runName = runName; self.runId = runId; self.kind = kind; self.eventName = kind.rawValue
        self.time = time; self.trace = trace; self.workflow = workflow
    }

    /// Reads a POST body; the error says in a sentence why it is not a weblog event.
    public static func decode(_ bytes: [UInt8]) throws(WeblogError) -> WeblogMessage {
        let v: JSONValue
        do {
            v = try JSONParser.parse(bytes)
        } catch {
            // Nextflow's SimpleHttpClient sends the body with DataOutputStream.writeBytes, which
            // keeps the low byte of each character: "ü" arrives as 0xFC, not UTF-8. Read as
            // Latin-1, such a body is what Nextflow meant for every character up to U+00FF.
            let latin1 = String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) }))
            guard bytes.contains(where: { $0 >= 0x80 }), let again = try? JSONParser.parse(Array(latin1.utf8)) else {
                throw WeblogError("the body is not JSON: \(error.message) at byte \(error.column); pipetop takes Nextflow's weblog events here")
            }
            v = again
        }
        guard case .object = v else {
            throw WeblogError("a weblog event is a JSON object with runName, runId and event; this body is a JSON \(v.typeName)")
        }
        func required(_ key: String) throws(WeblogError) -> String {
            guard let s = v[key].flatMap(WeblogTrace.text) else {
                throw WeblogError("a weblog event has a runName, a runId and an event; this one has no \(key)")
            }
            return try checked(s, key, limit: 200)
        }
        let runName = try required("runName"), runId = try required("runId"), event = try required("event")
        var m = WeblogMessage(runName: runName, runId: runId, kind: .started)
        m.kind = Kind(rawValue: event)
        m.eventName = event
        if case .string(let t)? = v["utcTime"] { m.time = iso8601(t) }
        if let t = v["trace"], case .object = t {
            let trace = WeblogTrace(t)
            // They become a phase's and a step's ids: the limits of ids on the socket hold.
            for (key, value) in [("process", trace.process), ("tag", trace.tag), ("name", trace.name)] {
                if let value { _ = try checked(value, "trace's " + key, limit: EventDecoder.maxIdBytes) }
            }
            m.trace = trace
        }
        if let md = v["metadata"], case .object = md { m.workflow = WeblogWorkflow(md) }
        if m.kind == .processSubmitted || m.kind == .processStarted || m.kind == .processCompleted, m.trace == nil {
            throw WeblogError("a \(event) weblog event carries the task's trace; this one has none")
        }
        return m
    }

    /// `s` when it can be an id: no control characters (it is printed on terminals), at most
    /// `limit` bytes.
    static func checked(_ s: String, _ key: String, limit: Int) throws(WeblogError) -> String {
        if s.unicodeScalars.contains(where: { $0.value < 0x20 || (0x7F..<0xA0).contains($0.value) }) {
            throw WeblogError("the \(key) of this weblog event holds control characters")
        }
        guard s.utf8.count <= limit else { throw WeblogError("the \(key) of this weblog event is longer than \(limit) bytes") }
        return s
    }

    /// "2018-10-07T11:42:08Z" (Nextflow's Const.ISO_8601_DATETIME_FORMAT, UTC), a fraction of
    /// a second allowed; read by hand (a Foundation formatter made per event cost most of a
    /// POST's time).
    static func iso8601(_ text: String) -> Double? {
        let b = Array(text.utf8)
        guard b.count >= 20, b.last == UInt8(ascii: "Z"), b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"),
              b[10] == UInt8(ascii: "T"), b[13] == UInt8(ascii: ":"), b[16] == UInt8(ascii: ":") else { return nil }
        func number(_ r: Range<Int>) -> Int? {
            var n = 0
            for i in r {
                guard (48...57).contains(b[i]) else { return nil }
                n = n * 10 + Int(b[i] - 48)
            }
            return n
        }
        guard let y = number(0..<4), let mo = number(5..<7), let d = number(8..<10), let h = number(11..<13),
              let mi = number(14..<16), let s = number(17..<19), (1...12).contains(mo), (1...31).contains(d), h < 24, mi < 60, s < 61 else { return nil }
        var fraction = 0.0
        if b.count > 20 {
            guard b[19] == UInt8(ascii: "."), b.count - 21 <= 9, let f = number(20..<(b.count - 1)) else { return nil }
            fraction = Double(f) / pow(10, Double(b.count - 21))
        } else if b.count != 20 {
            return nil
        }
        // Days since the epoch of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
        let yy = mo <= 2 ? y - 1 : y
        let era = (yy >= 0 ? yy : yy - 399) / 400
        let yoe = yy - era * 400
        let doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146_097 + doe - 719_468
        return Double(days * 86_400 + h * 3600 + mi * 60 + s) + fraction
    }
}
