import Foundation
import PipetopCore
import PipetopWire

/// `POST /api/v1/alerts/ID/ack` with `{"by": "NAME", "comment": "..."}` (both optional): the
/// one thing the web changes. It needs the token even on loopback (any local user can reach a
/// loopback port) and is recorded as acknowledged by "web:NAME".
struct WebAck {
    let engine: Engine

    /// Longest name taken (it is shown on every screen beside the alert).
    static let maxName = 64

    func answer(alert raw: String, body: String) -> HTTPAnswer {
        guard let id = raw.removingPercentEncoding, !id.isEmpty else {
            return .jsonError(.badRequest, "the alert in the address is not a valid percent-encoded id: \(raw)")
        }
        var name = "anonymous", comment: String?
        if !body.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            guard case .object(let m)? = try? JSONParser.parse(body) else {
                return .jsonError(.badRequest, #"the body is not a JSON object (send {"by": "NAME", "comment": "..."} or nothing)"#)
            }
            for (k, v) in m {
                switch (k, v) {
                case ("by", .string(let s)): name = s
                case ("comment", .string(let s)): comment = s
                case ("comment", .null): break
                default: return .jsonError(.badRequest, "an acknowledgement takes \"by\" and \"comment\" as strings, not \(k)")
                }
            }
        }
        guard !name.isEmpty, name.count <= Self.maxName, !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            return .jsonError(.badRequest, "\"by\" wants a name of 1 to \(Self.maxName) characters without control characters")
        }
        guard let alert = engine.snapshot().state.alerts[id] else {
            return .jsonError(.notFound, "no alert with the id '\(id)'")
        }
        if let e = engine.apply(Event(job: alert.job, .ack(.init(alert: alert.id, by: "web:" + name, comment: comment)))) {
            return .jsonError(.conflict, "the engine refused the acknowledgement: \(e.reason)")
        }
        return .json(.object([("acknowledged", .string(alert.id)), ("by", .string("web:" + name))]))
    }
}
