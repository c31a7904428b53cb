import Foundation
import NIOCore
import NIOHTTP1
import PipetopCore
import PipetopStore
import PipetopWire

/// The web (`--http`): `/api/v1/board`, `/api/v1/jobs/ID`, `/api/v1/jobs/ID/export`,
/// `/api/v1/alerts`, the event stream `/api/v1/events`, and the one write, an alert's
/// acknowledgement (`POST /api/v1/alerts/ID/ack`, always with the token). All JSON (the
/// export JSON lines, the stream Server-Sent Events), every error `{"error": "a sentence"}`. On a listener beyond loopback every request needs the
/// token. No CORS headers: another site's script in a browser cannot read the answers.
public final class WebAPI: WebSocketService, Sendable {
    private let engine: Engine
    private let hub: SubscriberHub?
    let token: WebToken
    /// Every request needs the token (the listener is reachable from other hosts).
    let tokenRequired: Bool

    public init(engine: Engine, hub: SubscriberHub?, token: WebToken, tokenRequired: Bool) {
        self.engine = engine; self.hub = hub; self.token = token; self.tokenRequired = tokenRequired
        // Events are numbered and kept from the start, so a client can resume with `since`.
        if hub != nil { engine.keepEvents() }
    }

    public var served: String { "the web API under /api/v1/" }

    public func answer(_ request: HTTPRequest) -> HTTPAnswer? {
        guard request.path == "/api" || request.path.hasPrefix("/api/") else { return WebPage.answer(request) }
        if let refused = refusal(request, always: false) { return refused }
        let parts = request.path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        guard parts.count >= 3, parts[0] == "api", parts[1] == "v1" else { return unknown(request) }
        switch Array(parts.dropFirst(2)) {
        case ["board"]:
            return get(request) { .json(self.board(BoardOptions())) }
        case ["alerts"]:
            return get(request) { self.alerts(request) }
        case ["events"]:
            return get(request) { self.events(request) }
        case let p where p.count == 3 && p[0] == "alerts" && (p[2] == "ack" || p[2] == "silence"):
            guard request.method == .POST else {
                var a = HTTPAnswer.jsonError(.methodNotAllowed, "\(p[2] == "ack" ? "an acknowledgement" : "a silence") is sent with POST only, not \(request.sentMethod.rawValue)")
                a.headers.append(("Allow", "POST"))
                return a
            }
            if let refused = refusal(request, always: true) { return refused }
            let answer = WebAck(engine: engine).answer(alert: p[1], body: String(buffer: request.body), silence: p[2] == "silence")
            hub?.changed(news: true)
            return answer
        case let p where p.count == 2 && p[0] == "jobs":
            return get(request) { self.job(p[1]) }
        case let p where p.count == 3 && p[0] == "jobs" && p[2] == "export":
            return get(request) { self.export(p[1]) }
        default:
            return unknown(request)
        }
    }

    /// 401 when the request needs the token and does not carry it (`always`: even on
    /// loopback, for what changes the engine).
    func refusal(_ request: HTTPRequest, always: Bool) -> HTTPAnswer? {
        guard always || tokenRequired, !token.admits(authorization: request.headers.first(name: "authorization")) else { return nil }
        var a = HTTPAnswer.jsonError(.unauthorized, "this needs the engine's token: send `Authorization: Bearer TOKEN` (`pipetop token` prints it on the engine's host)")
        a.headers.append(("WWW-Authenticate", #"Bearer realm="pipetop""#))
        return a
    }

    private func get(_ request: HTTPRequest, _ make: () -> HTTPAnswer) -> HTTPAnswer {
        guard request.method == .GET else {
            var a = HTTPAnswer.jsonError(.methodNotAllowed, "\(request.path) is read with GET (or HEAD), not \(request.method.rawValue)")
            a.headers.append(("Allow", "GET, HEAD"))
            return a
        }
        return make()
    }

    private func unknown(_ request: HTTPRequest) -> HTTPAnswer {
        .jsonError(.notFound, "pipetop's web API has no \(request.path): it serves /api/v1/board, /api/v1/alerts, /api/v1/events, /api/v1/jobs/ID and /api/v1/jobs/ID/export")
    }

    /// The Board as JSON (`WebBoardJSON`: with each job's and phase's progress as the
    /// dashboard shows it), its jobs in attention order (`Board.byAttention`, the dashboard's
    /// default order), so the page shows the same rows and figures as the terminal.
    private func board(_ options: BoardOptions) -> JSONValue {
        let (_, state) = engine.snapshot()
        let now = engine.clock.now()
        var b = BoardProjector.board(state, now: now, options: options)
        b.jobs = b.byAttention
        return WebBoardJSON.encode(b, now: now)
    }

    /// The alerts, all or (`?job=ID` or name, repeatable) of those jobs.
    private func alerts(_ request: HTTPRequest) -> HTTPAnswer {
        var jobs: Set<String>?
        for pair in Self.query(request).split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard kv[0] == "job" else { return .jsonError(.badRequest, "/api/v1/alerts takes job (an id or name), not \(kv[0])") }
            guard let value = (kv.count > 1 ? String(kv[1]) : "").replacingOccurrences(of: "+", with: " ").removingPercentEncoding else {
                return .jsonError(.badRequest, "the value of job is not valid percent-encoding")
            }
            let state = engine.snapshot().state
            jobs = (jobs ?? []).union(value.split(separator: ",").map { state.jobID(for: String($0)) ?? String($0) })
        }
        let (_, state) = engine.snapshot()
        let b = BoardProjector.board(state, now: engine.clock.now(), options: BoardOptions(timelinePoints: 0, logLines: 0))
        let listed = jobs.map { j in b.alerts.filter { j.contains($0.job) } } ?? b.alerts
        let open = jobs == nil ? b.unacknowledged : listed.filter(\.needsAttention).count
        return .json(.object([("at", .double(b.at)), ("alerts", (try? JSONValueEncoder.encode(listed)) ?? .array([])), ("unacknowledged", .int(open))]))
    }

    /// The job an address names (its id or name, percent-encoded; nil: not valid encoding).
    private func resolve(_ raw: String) -> (id: String?, reference: String)? {
        guard let reference = raw.removingPercentEncoding, !reference.isEmpty else { return nil }
        return (engine.snapshot().state.jobID(for: reference), reference)
    }

    private func badJob(_ raw: String) -> HTTPAnswer {
        .jsonError(.badRequest, "the job in the address is not a valid percent-encoded id or name: \(raw)")
    }

    private func job(_ raw: String) -> HTTPAnswer {
        guard let r = resolve(raw) else { return badJob(raw) }
        guard let id = r.id else { return noJob(r.reference) }
        // Projected with the job focused: its phases' steps, timelines, checkpoints, log.
        guard case .object(let b) = board(BoardOptions(focusJob: id, checkpointData: true)),
              case .array(let jobs)? = b.first(where: { $0.0 == "jobs" })?.1,
              let job = jobs.first(where: { if case .object(let m) = $0 { return m.contains { $0.0 == "id" && $0.1 == .string(id) } }; return false })
        else { return noJob(r.reference) }
        return .json(job)
    }

    private func export(_ raw: String) -> HTTPAnswer {
        guard let r = resolve(raw) else { return badJob(raw) }
        guard let store = engine.journal?.store else {
            return .jsonError(.notFound, "this engine keeps no record of events (it runs with --db :memory:), so there is nothing to export")
        }
        var entries: [Store.Entry] = []
        do {
            entries = try store.entries(job: r.id ?? r.reference)
        } catch {
            return .jsonError(.internalServerError, "the engine's database could not be read: \(ErrorText.sentence(error))")
        }
        guard !entries.isEmpty else { return noJob(r.reference) }
        // As `pipetop export` writes them: each event with `ts` set to when it was applied.
        var out = ""
        for e in entries {
            guard case .object(var m) = (try? JSONParser.parse(e.line)) ?? .null else { continue }
            if !m.contains(where: { $0.0 == "ts" }) { m.append(("ts", .double(e.at))) }
            out += JSONWriter.string(.object(m)) + "\n"
        }
        return .jsonText(out, type: "application/x-ndjson; charset=utf-8")
    }

    /// A WebSocket on `/api/v1/events`, with what the SSE form takes (token, filters). Both
    /// are checked here, before the upgrade takes one of the stream places: a request refused
    /// is answered as plain HTTP (401 or 400 with the sentence, as the SSE form is), so a
    /// client without the token or with a bad filter never holds a place.
    public func takesWebSocket(_ request: HTTPRequest) -> Bool {
        guard hub != nil, request.method == .GET, request.path == "/api/v1/events" else { return false }
        return refusal(request, always: false) == nil && (try? filter(request)) != nil
    }

    /// The connection is a WebSocket now: the stream goes on it (`takesWebSocket` took it).
    public func startWebSocket(_ request: HTTPRequest, on channel: Channel) {
        guard let hub, let filter = try? filter(request) else { return channel.close(promise: nil) }
        EventStream(engine: engine, hub: hub, filter: filter, framing: .webSocket).start(on: channel)
    }

    private func filter(_ request: HTTPRequest) throws(EventFilter.FilterError) -> EventFilter {
        var f = try EventFilter(query: Self.query(request), lastEventID: request.headers.first(name: "last-event-id"))
        // A job by its name too, as /api/v1/jobs/ID takes it (its newest run); an id not
        // known yet stays, for a job that starts later.
        if let jobs = f.jobs {
            let state = engine.snapshot().state
            f.jobs = Set(jobs.map { state.jobID(for: $0) ?? $0 })
        }
        return f
    }

    static func query(_ request: HTTPRequest) -> String {
        request.uri.split(separator: "?", maxSplits: 1).dropFirst().first.map(String.init) ?? ""
    }

    /// The event stream (Server-Sent Events), filtered as the query asks.
    private func events(_ request: HTTPRequest) -> HTTPAnswer {
        guard let hub else { return .jsonError(.notFound, "this engine has no event stream") }
        let filter: EventFilter
        do { filter = try self.filter(request) } catch {
            return .jsonError(.badRequest, error.sentence)
        }
        var a = HTTPAnswer(status: .ok, contentType: "text/event-stream; charset=utf-8")
        a.stream = EventStream(engine: engine, hub: hub, filter: filter)
        return a
    }

    private func noJob(_ reference: String) -> HTTPAnswer {
        .jsonError(.notFound, "no job with the id or name '\(reference)'")
    }
}
