import Foundation
import PipetopCore
import PipetopWire

/// `POST /api/v1/alerts/ID/ack` with `{"by": "NAME", "comment": "..."}` (both optional), and
/// `.../silence` with `"for": SECONDS` too: what the web changes. Both need the token even on
/// loopback (any local user can reach a loopback port) and are recorded as by "web:NAME".
struct WebAck {
    let engine: Engine

    /// Longest name taken (it is shown on every screen beside the alert).
    static let maxName = 64

    /// Longest silence taken from the web (30 days).
    static let maxSilence = 30 * 86_400.0

    /// `silence`: mute the alert's rule for its job this long instead of acknowledging it.
    func answer(alert raw: String, body: String, silence: Bool = false) -> HTTPAnswer {
        guard let id = raw.removingPercentEncoding, !id.isEmpty else {
            return .jsonError(.badRequest, "the alert in the address is not a valid percent-encoded id: \(raw)")
        }
        var name = "anonymous", comment: String?, seconds: Double?
        if !body.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            guard case .object(let m)? = try? JSONParser.parse(body) else {
                return .jsonError(.badRequest, #"the body is not a JSON object (send {"by": "NAME", "comment": "..."} or nothing)"#)
            }
            for (k, v) in m {
                switch (k, v) {
                case ("by", .string(let s)): name = s
                case ("comment", .string(let s)): comment = s
                case ("comment", .null): break
                case ("for", .int(let n)) where silence: seconds = Double(n)
                case ("for", .double(let d)) where silence: seconds = d
                default:
                    return .jsonError(.badRequest, silence ? "a silence takes \"for\" (seconds), \"by\" and \"comment\", not \(k)"
                                                           : "an acknowledgement takes \"by\" and \"comment\" as strings, not \(k)")
                }
            }
        }
        guard !name.isEmpty, name.count <= Self.maxName, !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            return .jsonError(.badRequest, "\"by\" wants a name of 1 to \(Self.maxName) characters without control characters")
        }
        guard let alert = engine.snapshot().state.alerts[id] else {
            return .jsonError(.notFound, "no alert with the id '\(id)'")
        }
        if silence {
            guard let seconds, seconds > 0, seconds <= Self.maxSilence else {
                return .jsonError(.badRequest, "a silence wants \"for\": the seconds it lasts, more than 0 and at most 30 days (2592000)")
            }
            let request = Event(job: alert.job, .silence(.init(rule: alert.ruleName, seconds: seconds, by: "web:" + name, comment: comment)))
            if let e = engine.apply(request) { return .jsonError(.conflict, "the engine refused the silence: \(e.reason)") }
            return .json(.object([("silenced", .string(alert.id)), ("rule", .string(alert.ruleName)), ("job", .string(alert.job)),
                                  ("seconds", .double(seconds)), ("by", .string("web:" + name))]))
        }
        // Said, not answered 200 for a change that is not made (the CLI refuses the same).
        if let ack = alert.ack {
            return .jsonError(.conflict, "alert '\(alert.id)' is already acknowledged by \(ack.by)")
        }
        if alert.resolvedAt != nil {
            return .jsonError(.conflict, "alert '\(alert.id)' is resolved: there is nothing to acknowledge")
        }
        if let e = engine.apply(Event(job: alert.job, .ack(.init(alert: alert.id, by: "web:" + name, comment: comment)))) {
            return .jsonError(.conflict, "the engine refused the acknowledgement: \(e.reason)")
        }
        return .json(.object([("acknowledged", .string(alert.id)), ("by", .string("web:" + name))]))
    }
}
