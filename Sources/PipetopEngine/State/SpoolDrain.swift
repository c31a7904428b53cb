import Foundation
import PipetopCore
import PipetopSpool
import PipetopWire
import Synchronization

/// Hands spooled events (kept by clients while no engine answered) to the engine: through
/// the decoder and the one reducer, journaled like any line, with their own `ts`.
///
/// When: once at start (after the state is restored from the database and before jobs whose
/// process died are failed, so a spooled `job.end` is what gets recorded), then at every beat
/// of the engine (a second apart at most) that finds a spool file or the `full` marker
/// (`hasWork`). The engine looks (two stats a beat) rather than waiting for
/// a client to hand the spool over: a client that spooled may never come back (a script that
/// ended), and the Python client and `emit` need no part in delivery.
public final class SpoolDrain: Sendable {
    public let spool: Spool
    /// Writes what a drain has to say (standard error by default).
    private let say: @Sendable (String) -> Void

    public init(spool: Spool, say: @escaping @Sendable (String) -> Void = { SafeWrite.stderr("pipetop: \($0)\n") }) {
        self.spool = spool
        self.say = say
    }

    /// The line as the journal keeps it: `"spooled":true` added, so that a restart replaying it
    /// knows it came late on purpose (an event line is a JSON object: it starts with `{`).
    static func markedSpooled(_ line: String) -> String {
        guard let brace = line.firstIndex(of: "{") else { return line }
        return line[...brace] + #""spooled":true,"# + line[line.index(after: brace)...]
    }

    /// Whether a drain has anything to do: a spool file with events, or the `full` marker to
    /// report (two `lstat`s, cheap on every beat).
    public var hasWork: Bool { spool.hasEvents() || spool.isMarkedFull() }

    /// What one drain did.
    public struct Outcome: Equatable, Sendable {
        public var applied = 0
        public var refused = 0
    }

    /// Claims and applies what waits in the spool. Events the engine refuses are counted and
    /// said once per drain; they are not retried (the claimed file is removed either way).
    @discardableResult
    public func drain(into engine: Engine) -> Outcome {
        var outcome = Outcome()
        // One drain at a time: the spool's events apply in the order they were written.
        guard !draining.exchange(true, ordering: .acquiring) else { return outcome }
        defer { draining.store(false, ordering: .releasing) }
        if spool.clearFullMarker() {
            say("the spool \(spool.root) was full (\(spool.limit >> 20) MiB): some events reported while no engine ran were dropped")
        }
        guard spool.hasEvents() || hasClaims() else { return outcome }
        let claims: [SpoolClaim]
        do { claims = try spool.claim() } catch {
            say("\(error)")
            return outcome
        }
        var firstRefusal: String?
        for claim in claims {
            var events: [Event] = [], lines: [String] = []
            for line in claim.lines {
                var bytes = Array(line.utf8)
                let decoded = bytes.withUnsafeMutableBytes { EventDecoder.decode(UnsafeRawBufferPointer($0)) }
                switch decoded {
                case .success(.event(var e)):
                    e.spooled = true  // late on purpose: not a sign of the producer's clock
                    events.append(e)
                    lines.append(Self.markedSpooled(line))
                case .success:
                    continue  // sync, subscribe...: nothing to deliver
                case .failure(let e):
                    outcome.refused += 1
                    engine.countRefusedLine()
                    firstRefusal = firstRefusal ?? e.reason
                }
            }
            let refused = engine.apply(events, lines: engine.journal == nil ? nil : lines)
            outcome.applied += events.count - refused.count
            outcome.refused += refused.count
            if let r = refused.first { firstRefusal = firstRefusal ?? r.1.reason }
            // The file goes once its events are on disk: an engine killed before that leaves
            // it claimed, and the next engine takes it again.
            if let journal = engine.journal {
                // (Not while the disk fails: the file is kept, so the events are not lost if
                // this engine dies before it can write them.)
                journal.whenCommitted(through: engine.lastSeq) { unsaved in if unsaved == nil { claim.remove() } }
            } else {
                claim.remove()
            }
        }
        if outcome.applied > 0 || outcome.refused > 0 {
            var text = "delivered \(outcome.applied) event\(outcome.applied == 1 ? "" : "s") kept in the spool for \(spool.socket)"
            if outcome.refused > 0 { text += "; refused \(outcome.refused) (the first because: \(firstRefusal ?? "?"))" }
            say(text)
        }
        return outcome
    }

    /// Files claimed by an engine that died (looked for at start only: cheap enough then).
    private func hasClaims() -> Bool {
        !checkedClaims.withLock { done in defer { done = true }; return done }
    }

    private let checkedClaims = Mutex(false)
    private let draining = Atomic<Bool>(false)
}
