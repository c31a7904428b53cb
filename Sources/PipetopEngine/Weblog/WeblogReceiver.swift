import NIOCore
import NIOHTTP1
import PipetopCore
import Synchronization

/// Nextflow's weblog on the engine's HTTP listener: every POST (to any path: Nextflow posts
/// to the URL it is given, `/` for `http://127.0.0.1:PORT`) is one event, mapped to pipetop
/// events and applied through the engine like socket events (journaled, seen by every viewer
/// and /metrics). The answer comes as soon as they are applied: 200 with an empty body; 400
/// with a sentence for a body that is not a weblog event. Never a 5xx: Nextflow retries those
/// and waits for its weblog at exit, so an answer that asks again would slow the run.
public final class WeblogReceiver: HTTPService, Sendable {
    private let engine: Engine
    /// The runs being mapped, by job id.
    private let runs = Mutex<[String: WeblogRun]>([:])
    /// Runs mapped at once; past it the ones that ended are forgotten first.
    static let maxRuns = 1_000

    public init(engine: Engine) { self.engine = engine }

    public var served: String { "Nextflow's weblog (POST)" }

    public func answer(_ request: HTTPRequest) -> HTTPAnswer? {
        guard request.method == .POST else { return nil }
        let message: WeblogMessage
        do {
            message = try WeblogMessage.decode(Array(request.body.readableBytesView))
        } catch {
            return .text(.badRequest, error.description)
        }
        let refused = take(message)
        guard refused.isEmpty else {
            return .text(.unprocessableEntity, "pipetop took this weblog event only in part: " + refused.joined(separator: "; "))
        }
        return HTTPAnswer(status: .ok)
    }

    /// Maps and applies one event; the engine's reasons for refusing any of its parts.
    /// The mapping and the apply happen under the runs' lock, so two POSTs of one run (two
    /// connections) are applied in the order they were mapped.
    func take(_ message: WeblogMessage) -> [String] {
        runs.withLock { runs in
            let id = WeblogRun.jobID(runName: message.runName, runId: message.runId)
            var run = runs[id] ?? {
                var r = WeblogRun(runName: message.runName, runId: message.runId)
                if let known = engine.snapshot().state[job: id] { r.resume(from: known) }
                return r
            }()
            let events = run.events(for: message)
            runs[id] = run
            if runs.count > Self.maxRuns, let gone = runs.first(where: { $0.value.ended })?.key ?? runs.keys.first(where: { $0 != id }) {
                runs[gone] = nil
            }
            guard !events.isEmpty else { return [] }
            return engine.apply(events, lines: nil).map { $0.1.reason }
        }
    }
}
