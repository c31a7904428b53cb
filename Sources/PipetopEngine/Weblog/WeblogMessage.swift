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
            throw WeblogError("the body is not JSON: \(error.message) at byte \(error.column); pipetop takes Nextflow's weblog events here")
        }
        guard case .object = v else {
            throw WeblogError("a weblog event is a JSON object with runName, runId and event; this body is a JSON \(v.typeName)")
        }
        func required(_ key: String) throws(WeblogError) -> String {
            guard let s = v[key].flatMap(WeblogTrace.text) else {
                throw WeblogError("a weblog event has a runName, a runId and an event; this one has no \(key)")
            }
            guard s.utf8.count <= 200 else { throw WeblogError("the \(key) of this weblog event is longer than 200 bytes") }
            return s
        }
        let runName = try required("runName"), runId = try required("runId"), event = try required("event")
        var m = WeblogMessage(runName: runName, runId: runId, kind: .started)
        m.kind = Kind(rawValue: event)
        m.eventName = event
        if case .string(let t)? = v["utcTime"] { m.time = iso8601(t) }
        if let t = v["trace"], case .object = t { m.trace = WeblogTrace(t) }
        if let md = v["metadata"], case .object = md { m.workflow = WeblogWorkflow(md) }
        if m.kind == .processSubmitted || m.kind == .processStarted || m.kind == .processCompleted, m.trace == nil {
            throw WeblogError("a \(event) weblog event carries the task's trace; this one has none")
        }
        return m
    }

    /// "2018-10-07T11:42:08Z" (Nextflow's Const.ISO_8601_DATETIME_FORMAT), fractions allowed.
    static func iso8601(_ text: String) -> Double? {
        let f = ISO8601DateFormatter()
        if let d = f.date(from: text) { return d.timeIntervalSince1970 }
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.date(from: text)?.timeIntervalSince1970
    }
}
