import Foundation
import PipetopClient
import PipetopEngine
import PipetopCore
import PipetopWire
#if canImport(Glibc)
import Glibc
#endif

/// Reports to the engine when there is one; otherwise says so once and stays quiet, so the
/// command never fails because of pipetop.
final class Reporter: @unchecked Sendable {
    let job: String
    private let lock = NSLock()
    private var connection: EngineConnection?
    private var warned = false
    private let socket: String

    init(socket: String, job: String) {
        self.socket = socket
        self.job = job
        lastAttempt = Date().timeIntervalSince1970
        do { connection = try EngineConnection(path: socket) } catch { warn("\(error)") }
    }

    private func warn(_ why: String) {
        guard !warned else { return }
        warned = true
        SafeWrite.stderr("pipetop run: \(why); the command runs on, reported again when an engine answers\n")
    }

    func send(_ e: Event) { write(EventEncoder.line(e)) }

    /// A `PIPETOP {...}` line from the command: sent as is, with this job filled in.
    func sendRaw(_ json: JSONValue) {
        guard case .object(var members) = json else { return }
        if !members.contains(where: { $0.0 == "job" }) { members.append(("job", .string(job))) }
        write(JSONWriter.string(.object(members)) + "\n")
    }

    private var lastAttempt = 0.0
    /// Sent first on every new connection, so an engine that was not there (or restarted
    /// without history) learns the job before its progress.
    var preamble: [Event] = []

    private func write(_ line: String) {
        lock.withLock {
            // An engine that restarted (or started late) is picked up again, at most once a second.
            if connection == nil, Date().timeIntervalSince1970 - lastAttempt >= 1 {
                lastAttempt = Date().timeIntervalSince1970
                connection = try? EngineConnection(path: socket)
                if let c = connection, !preamble.isEmpty {
                    try? c.send(preamble.map(EventEncoder.line).joined())
                }
            }
            guard let c = connection else { return }
            do { try c.send(line) } catch {
                connection = nil
                // A refusal (another user's engine) says why; anything else is a lost engine.
                warn((error as? ClientError)?.refused == true ? "\(error)" : "lost the engine at \(socket)")
            }
        }
    }

    /// A sync, with a refusal by the engine reported (other failures stay quiet).
    private func syncLocked() {
        guard let c = connection else { return }
        do { _ = try c.sync(timeout: 3) } catch {
            if (error as? ClientError)?.refused == true {
                connection = nil
                warn("\(error)")
            }
        }
    }

    /// Waits (briefly) until the engine has applied everything sent so far.
    func sync() {
        lock.withLock { syncLocked() }
    }

    /// Waits (briefly) until the engine has applied everything sent.
    func finish() {
        lock.withLock {
            syncLocked()
            connection?.close()
            connection = nil
        }
    }
}
