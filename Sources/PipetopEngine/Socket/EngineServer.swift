import Foundation
import NIOCore
import NIOPosix
import PipetopCore
import PipetopWire
#if canImport(Glibc)
import Glibc
#endif

/// The tracker engine's listening socket. Starts on a Unix socket path, refuses to take over
/// a live engine's socket, replaces a stale one, and leaves the socket at mode 0600.
public final class EngineServer: @unchecked Sendable {
    public let engine: Engine
    public let socketPath: String
    public let hub: SubscriberHub
    private let group: MultiThreadedEventLoopGroup
    public let host = ProcessInfo.processInfo.hostName
    private var channel: Channel?
    private var estimates: RepeatedTask?

    /// Samples /proc for the host and each job's process tree (nil when sampling is off).
    public let sampler: Sampler?

    /// The estimates are refreshed by the sampler (see init), not by their own timer.
    private let ticksWithSamples: Bool

    /// Sends alerts to webhooks, commands, Alertmanager (nil: none configured).
    public let notifier: Notifier?

    /// `sampleInterval` 0 turns sampling off.
    public init(engine: Engine, socketPath: String, threads: Int = System.coreCount, sampleInterval: Double = 0, notifier: Notifier? = nil) {
        self.engine = engine
        self.notifier = notifier
        self.socketPath = socketPath
        self.group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, threads))
        let host = ProcessInfo.processInfo.hostName
        let hub = SubscriberHub(engine: engine, hello: .init(engine: "pipetop \(pipetopVersion)", host: host, socket: socketPath),
                                loop: group.next())
        self.hub = hub
        // Sampling once a second or faster: estimates are refreshed right after each sample, so
        // viewers get one change a second from both, not two (each wakes every idle dashboard).
        let aligned = sampleInterval > 0 && sampleInterval <= 1
        ticksWithSamples = aligned
        sampler = sampleInterval > 0 ? Sampler(engine: engine, interval: sampleInterval) {
            if aligned { _ = engine.tick() }
            hub.changed()
        } : nil
    }

    public func start() throws {
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
        try SocketPath.prepareDirectory(for: socketPath)
        let engine = self.engine, hub = self.hub
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            // A client may close its sending side and still wait for answers (sync, resume).
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(LineFramer()))
                    try channel.pipeline.syncOperations.addHandler(ConnectionHandler(engine: engine, hub: hub))
                }
            }
        // The socket file is created by bind(); a tight umask means it is never readable by others.
        let old = umask(0o177)
        defer { umask(old) }
        channel = try bootstrap.bind(unixDomainSocketPath: socketPath, cleanupExistingSocketFile: false).wait()
        chmod(socketPath, 0o600)
        sampler?.start()
        // Estimates move with time, not only with events: a stall must show though nothing comes.
        let notifier = self.notifier, ticksWithSamples = self.ticksWithSamples
        estimates = group.next().scheduleRepeatedTask(initialDelay: .seconds(1), delay: .seconds(1)) { _ in
            if !ticksWithSamples && engine.tick() { hub.changed() }
            hub.heartbeat()
            notifier?.observe(engine.snapshot().state, now: engine.clock.now())
        }
    }

    /// Stops listening, closes every connection, and removes the socket file.
    public func stop() {
        estimates?.cancel()
        notifier?.stop()
        sampler?.stop()
        try? channel?.close().wait()
        channel = nil
        unlink(socketPath)
        try? group.syncShutdownGracefully()
        engine.close()
    }
}

public let pipetopVersion = "0.1.0"
