import Foundation
import NIOCore
import NIOPosix
import PipetopCore
import PipetopSpool
import PipetopWire
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The tracker engine's listening socket. Starts on a Unix socket path, refuses to take over
/// a live engine's socket, replaces a stale one, and leaves the socket at mode 0600 (0660 and
/// the allowed group's when `peerPolicy` lets a group in). Every connection's peer is checked
/// (SO_PEERCRED) before any of its lines is read: see `PeerPolicy`.
public final class EngineServer: @unchecked Sendable {
    public let engine: Engine
    public let socketPath: String
    public let hub: SubscriberHub
    private let group: MultiThreadedEventLoopGroup
    public let host = ProcessInfo.processInfo.hostName
    private var channel: Channel?

    /// Samples /proc for the host and each job's process tree (nil when sampling is off).
    public let sampler: Sampler?

    /// The engine's periodic work (sampling, estimates and rules, the spool, viewers'
    /// frames and heartbeats, notifications) on one timer; runs on `beatThread` unless a
    /// dashboard in this process hosts it (`beat.host()`).
    public let beat: EngineBeat
    private let beatThread: BeatThread

    /// Sends alerts to webhooks, commands, Alertmanager (nil: none configured).
    public let notifier: Notifier?

    /// Who may connect besides the engine's user and root.
    public let peerPolicy: PeerPolicy

    /// Applies events spooled for this socket, looked for at every beat while the engine runs
    /// (set before `start`; nil: the spool is not looked at).
    public var spoolDrain: SpoolDrain?

    /// `sampleInterval` 0 turns sampling off.
    public init(engine: Engine, socketPath: String, threads: Int = System.coreCount, sampleInterval: Double = 0, notifier: Notifier? = nil,
                peerPolicy: PeerPolicy = .ownerOnly) {
        self.engine = engine
        self.peerPolicy = peerPolicy
        self.notifier = notifier
        self.socketPath = socketPath
        self.group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, threads))
        let host = ProcessInfo.processInfo.hostName
        let hub = SubscriberHub(engine: engine, hello: .init(engine: "pipetop \(pipetopVersion)", host: host, socket: socketPath),
                                loop: group.next())
        self.hub = hub
        let sampler = sampleInterval > 0 ? Sampler(engine: engine, interval: sampleInterval) : nil
        self.sampler = sampler
        // Estimates move with time, not only with events: a stall must show though nothing
        // comes. They are refreshed on the beat, right after a sample: viewers get one change a
        // beat from both, not two (each wakes every idle dashboard).
        beat = EngineBeat(engine: engine, sampler: sampler, hub: hub, notifier: notifier)
        beatThread = BeatThread(beat: beat)
        engine.attachHealth(sampler: sampler, notifier: notifier, socket: socketPath) { [weak hub] in hub?.count ?? 0 }
    }

    public func start() throws {
        // Checked before anything is made: a path that cannot be a socket leaves no directory behind.
        let length = socketPath.utf8.count
        guard length <= ErrorText.maxSocketPathBytes else {
            throw SocketPathError("cannot listen on \(socketPath): the path is \(length) bytes, and a Unix socket's may have at most "
                                  + "\(ErrorText.maxSocketPathBytes); choose a shorter --socket or PIPETOP_SOCKET")
        }
        switch SocketPath.probe(socketPath) {
        case .live:
            throw SocketPathError("an engine is already listening on \(socketPath) (attach with `pipetop`, or choose another --socket)")
        case .blocked(let why):
            throw SocketPathError("cannot listen on \(socketPath): \(why)")
        case .stale:
            unlink(socketPath)
        case .absent:
            break
        }
        let sharedGroup = peerPolicy.group?.gid
        try SocketPath.prepareDirectory(for: socketPath, group: sharedGroup)
        let engine = self.engine, hub = self.hub, policy = peerPolicy, log = refusalLog
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            // A client may close its sending side and still wait for answers (sync, resume).
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .childChannelInitializer { channel in
                // The peer is checked before the connection gets the engine's handler: a refused
                // one never has a line read.
                Self.refusal(of: channel, policy: policy).flatMapThrowing { refusal in
                    if let refusal {
                        log.note(refusal)
                        try channel.pipeline.syncOperations.addHandler(RefusingHandler(reason: refusal.reason))
                    } else {
                        try channel.pipeline.syncOperations.addHandler(ConnectionHandler(engine: engine, hub: hub))
                    }
                }
            }
        // Not through umask: it is the whole process's, and a child started meanwhile by another
        // thread would inherit it (tests saw executables written 0600). The socket lives in a
        // private directory, is chmod'ed at once, and every peer's uid is checked anyway.
        do {
            channel = try bootstrap.bind(unixDomainSocketPath: socketPath, cleanupExistingSocketFile: false).wait()
        } catch {
            throw SocketPathError("cannot listen on \(socketPath): \(ErrorText.sentence(error))")
        }
        if let gid = sharedGroup {
            // connect() needs write permission on the socket file: the group gets read and write.
            chown(socketPath, uid_t.max, gid)
            chmod(socketPath, 0o660)
        } else {
            chmod(socketPath, 0o600)
        }
        beat.watch(spoolDrain)
        beatThread.start()
    }

    /// Refused connections, logged on standard error (at most once a minute per uid).
    private let refusalLog = RefusalLog()

    struct Refusal { var uid: uid_t; var pid: pid_t; var reason: String }

    /// Why the peer of `channel` may not use the engine (nil: it may). A peer whose credentials
    /// cannot be read is refused.
    static func refusal(of channel: Channel, policy: PeerPolicy) -> EventLoopFuture<Refusal?> {
        guard let provider = channel as? SocketOptionProvider else { return channel.eventLoop.makeSucceededFuture(nil) }
        let cred: EventLoopFuture<PeerCredentials> = provider.unsafeGetSocketOption(level: SocketOptionLevel(SOL_SOCKET),
                                                                                    name: SocketOptionName(SO_PEERCRED))
        return cred.map { c -> Refusal? in
            guard let why = policy.refusal(uid: c.uid, gid: c.gid, pid: c.pid) else { return nil }
            return Refusal(uid: c.uid, pid: c.pid, reason: why)
        }.recover { error in
            Refusal(uid: uid_t.max, pid: 0, reason: "the engine could not read the peer's credentials (SO_PEERCRED: \(ErrorText.sentence(error)))")
        }
    }

    /// Stops listening, closes every connection, and removes the socket file.
    public func stop() {
        beatThread.stop()
        notifier?.stop()
        try? channel?.close().wait()
        channel = nil
        unlink(socketPath)
        // A loop held back for the disk must not keep the shutdown waiting.
        engine.journal?.stopHoldingBack()
        try? group.syncShutdownGracefully()
        engine.close()
    }
}

/// Writes refused connections to standard error, once a minute per uid at most (a client
/// that retries every second must not flood the log).
final class RefusalLog: Sendable {
    private let last = Mutex<[uid_t: Double]>([:])

    func note(_ r: EngineServer.Refusal) {
        let now = Date().timeIntervalSince1970
        let due = last.withLock { m -> Bool in
            if let t = m[r.uid], now - t < 60 { return false }
            m[r.uid] = now
            return true
        }
        if due { SafeWrite.stderr("pipetop: refused a connection from pid \(r.pid): \(r.reason)\n") }
    }
}

public let pipetopVersion = "0.1.0"
