import NIOCore
import NIOHTTP1
import NIOPosix
import NIOWebSocket
import Synchronization

/// One TCP listener for everything the engine serves over HTTP (`/metrics`, Nextflow's
/// weblog; issue 23's web API is meant to be more services on it). Its limits hold for every
/// service: any local user can reach a loopback port, so connections are capped, idle ones
/// closed, answers a client does not read dropped with the client, and bodies bounded.
public final class HTTPListener: @unchecked Sendable {
    public let address: ListenAddress
    let services: [any HTTPService]
    private var channel: Channel?
    private let group: MultiThreadedEventLoopGroup

    /// Most clients connected at once; past it a new connection is closed at once. Prometheus
    /// and Nextflow need one each; hundreds held by another local user ran the engine out of
    /// descriptors.
    public static let maxConnections = 16
    /// A connection with nothing sent or received for this long is closed.
    public static let idleSeconds: Int64 = 60
    /// An answer the client has not taken within this long (it does not read) closes it.
    public static let writeSeconds: Int64 = 10
    /// The largest request body taken (a weblog event with a run's parameters is a few KB);
    /// past it the answer is 413 and the connection is closed.
    public static let maxBodyBytes = 1 << 20

    private let connections = Mutex(0)

    public init(_ address: ListenAddress, services: [any HTTPService]) {
        self.address = address
        self.services = services
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    }

    /// Connections open now (for tests and the limit).
    public var connectionCount: Int { connections.withLock { $0 } }

    func admit() -> Bool {
        connections.withLock { n in
            guard n < Self.maxConnections else { return false }
            n += 1
            return true
        }
    }

    func release() { connections.withLock { $0 -= 1 } }

    /// The first service's answer to `request`, else a 404 that says what is served here.
    func answer(_ request: HTTPRequest) -> HTTPAnswer {
        if address.isLoopback, let refused = LoopbackHost.refusal(request) { return refused }
        for s in services {
            if let a = s.answer(request) { return a }
        }
        return .text(.notFound, "pipetop serves " + services.map(\.served).joined(separator: " and ") + " here")
    }

    /// Binds and starts serving.
    public func listen() throws {
        let listener = self
        channel = try ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                guard listener.admit() else { return channel.close() }
                channel.closeFuture.whenComplete { _ in listener.release() }
                return channel.pipeline.addHandler(IdleStateHandler(allTimeout: .seconds(Self.idleSeconds))).flatMap {
                    channel.pipeline.configureHTTPServerPipeline(withServerUpgrade: listener.webSocketUpgrade())
                }.flatMap {
                    channel.pipeline.addHandler(HTTPConnectionHandler(listener: listener), name: Self.handlerName)
                }
            }
            .bind(host: address.host, port: address.port).wait()
    }

    static let handlerName = "pipetop-http"

    /// WebSocket upgrades for the services that take them (nil: none does).
    func webSocketUpgrade() -> NIOHTTPServerUpgradeSendableConfiguration? {
        let takers = services.compactMap { $0 as? any WebSocketService }
        guard !takers.isEmpty else { return nil }
        let loopback = address.isLoopback
        @Sendable func taker(_ head: HTTPRequestHead) -> (any WebSocketService, HTTPRequest)? {
            let request = HTTPRequest(method: head.method, uri: head.uri, headers: head.headers)
            // Not upgraded: answered as plain HTTP, with the refusal.
            if loopback && !LoopbackHost.admits(request.headers.first(name: "host")) { return nil }
            return takers.first { $0.takesWebSocket(request) }.map { ($0, request) }
        }
        let upgrader = NIOWebSocketServerUpgrader(
            shouldUpgrade: { channel, head in channel.eventLoop.makeSucceededFuture(taker(head) == nil ? nil : HTTPHeaders()) },
            upgradePipelineHandler: { channel, head in
                guard let (service, request) = taker(head) else { return channel.close() }
                // The plain-HTTP handler goes first: the connection speaks frames from here.
                return channel.pipeline.removeHandler(name: Self.handlerName).flatMap {
                    channel.pipeline.addHandler(WebSocketInbound())
                }.map { service.startWebSocket(request, on: channel) }
            })
        return (upgraders: [upgrader], completionHandler: { _ in })
    }

    /// The port actually bound (for port 0).
    public var port: Int? { channel?.localAddress?.port }

    public func stop() {
        try? channel?.close().wait()
        try? group.syncShutdownGracefully()
    }
}
