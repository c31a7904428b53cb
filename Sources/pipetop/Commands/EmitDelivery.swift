import Foundation
import PipetopClient
import PipetopSpool
import PipetopWire

/// How `pipetop emit` hands one line to the engine, and keeps it in the spool when no engine
/// takes it. Never blocks longer than `connectWait` + `answerWait`.
struct EmitDelivery {
    let socket: String
    let connectWait: Double
    let answerWait: Double

    enum Result: Equatable {
        /// The engine applied it.
        case applied
        /// The engine read it and refused it (a bad field): the reason.
        case refused(String)
        /// The engine took the line but did not answer in time: it is in its socket.
        case unanswered(String)
        /// No engine got it (none, another user's, one that takes no connections): why.
        case undelivered(String)
        /// Earlier events still wait in the spool: it goes behind them (said when they were kept).
        case behindSpool
    }

    /// `behindSpool`: when earlier events still wait in the spool for this socket (the engine
    /// takes them within a second of starting or coming back), this one joins them there, so
    /// they apply in the order they were emitted (a `job.start` spooled a moment before the
    /// engine was up, then its `phase.start` delivered live, was "unknown job").
    func deliver(_ line: String, behindSpool: Bool = true) -> Result {
        if behindSpool && Spool(socket: socket).hasEvents() {
            return .behindSpool
        }
        let conn: EngineConnection
        do { conn = try EngineConnection(path: socket, connectTimeout: connectWait) } catch {
            return .undelivered("\(error)")
        }
        defer { conn.close() }
        do {
            // Another user's engine may refuse us: nothing of ours goes to it before it has
            // answered once (its refusal throws, and the event is spooled).
            if !conn.peerIsOwn { _ = try conn.sync(timeout: answerWait, durable: false) }
            try conn.send(line)
            // Applied is enough: the journal's disk write is not waited for.
            let replies = try conn.sync(timeout: answerWait, durable: false)
            if case .error(_, let reason)? = replies.first { return .refused(reason) }
            return .applied
        } catch let e as ClientError where e.timedOut {
            return .unanswered(e.description)
        } catch {
            return .undelivered("\(error)")
        }
    }

    /// Puts the line in the spool; says what became of it, and whether this client should
    /// say it (the first of an outage does; the events after it are kept quietly).
    /// `why` nil: it goes behind events kept before it, whose outage was said already.
    func keep(_ line: String, because why: String?) -> (String, say: Bool) {
        let spool = Spool(socket: socket)
        do {
            switch try spool.append(line) {
            case .kept:
                return ("the event is kept in \(spool.directory) for the next engine on this socket "
                        + "(said once until an engine takes them)", why.map(spool.firstToSay) ?? false)
            case .dropped(let first):
                return (first ? "the spool \(spool.root) is full (\(spool.limit >> 20) MiB): this event and the next are dropped until an engine takes them"
                    : "the spool is full: the event is dropped", first)
            }
        } catch {
            return ("the event is lost: \(error)", true)
        }
    }
}
