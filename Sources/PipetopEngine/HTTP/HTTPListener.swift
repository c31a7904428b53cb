import NIOCore
import NIOHTTP1
import NIOPosix
import NIOWebSocket

/// One TCP listener for everything the engine serves over HTTP (`/metrics`, Nextflow's
/// weblog, the web API and its event stream). Its limits hold for every service: any local
/// user can reach a loopback port, so connections and streams are capped, idle ones closed,
/// answers a client does not read dropped with the client, and bodies bounded.
public final class HTTPListener: @unchecked Sendable {
    public let address: ListenAddress
    let services: [any HTTPService]
    private var channel: Channel?
    private let group: MultiThreadedEventLoopGroup

    /// Most connections for short requests at once (a scrape, a page load, a weblog POST);
    /// past it a new connection is closed at once. Prometheus and Nextflow need one each;
    /// hundreds held by another local user ran the engine out of descriptors.
    public static let maxConnections = 16
    /// Most long-lived streams at once (the event stream, SSE or WebSocket: each open page
    /// holds one). A connection whose answer becomes a stream moves from the short requests'
    /// count to this one, so that open pages never lock out scrapes and page loads; past it a
    /// stream is refused with 503 and a sentence (`streamsFull`).
    public static let maxStreams = 16
    /// How long a refused stream is told to wait before it asks again (`Retry-After`).
    public static let streamRetrySeconds = 30
    /// A connection with nothing sent or received for this long is closed.
    public static let idleSeconds: Int64 = 60
    /// An answer the client has not taken within this long (it does not read) closes it.
    public static let writeSeconds: Int64 = 10
    /// The largest request body taken (a weblog event with a run's parameters is a few KB);
    /// past it the answer is 413 and the connection is closed.
    public static let maxBodyBytes = 1 << 20

    let limits = HTTPLimits(maxConnections: maxConnections, maxStreams: maxStreams)

    public init(_ address: ListenAddress, services: [any HTTPService]) {
        self.address = address
        self.services = services
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    }

    /// Connections for short requests open now, and streams (for tests and the limits).
    public var connectionCount: Int { limits.connections }
    public var streamCount: Int { limits.streams }

    /// The answer to a stream asked for while every one of `maxStreams` is open.
    static var streamsFull: HTTPAnswer {
        var a = HTTPAnswer.jsonError(.serviceUnavailable, "the engine already serves \(maxStreams) event streams, as many as it takes at once (each open page holds one): close one, or try again in \(streamRetrySeconds) s")
        a.headers.append(("Retry-After", "\(streamRetrySeconds)"))
        return a
    }

    /// The first service's answer to `request`, else a 404 that says what is served here.
    func answer(_ request: HTTPRequest) -> HTTPAnswer {
        if address.isLoopback, let refused = LoopbackHost.refusal(request) { return refused }
        if let refused = WebSocketOrigin.refusal(request) { return refused }
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
                guard let slot = listener.limits.admit() else { return channel.close() }
                channel.closeFuture.whenComplete { _ in slot.release() }
                return channel.pipeline.addHandler(IdleStateHandler(allTimeout: .seconds(Self.idleSeconds))).flatMap {
                    channel.pipeline.configureHTTPServerPipeline(withServerUpgrade: listener.webSocketUpgrade(slot: slot))
                }.flatMap {
                    channel.pipeline.addHandler(HTTPConnectionHandler(listener: listener, slot: slot), name: Self.handlerName)
                }
            }
            .bind(host: address.host, port: address.port).wait()
    }

    static let handlerName = "pipetop-http"

    /// WebSocket upgrades for the services that take them (nil: none does), on the connection
    /// that holds `slot`. Everything that refuses one (the host, the origin, the service's
    /// token and filter) is checked first: a refused request goes on as plain HTTP, where it
    /// is answered with its refusal, and takes no stream place. NIO asks `shouldUpgrade` as
    /// soon as the head is in, before any body: a place taken for a refused request would be
    /// held until the connection idled out. An upgrade taken takes a stream's place; when none
    /// is free the request goes on as plain HTTP, where it is refused with `streamsFull`.
    func webSocketUpgrade(slot: HTTPConnectionSlot) -> NIOHTTPServerUpgradeSendableConfiguration? {
        let takers = services.compactMap { $0 as? any WebSocketService }
        guard !takers.isEmpty else { return nil }
        let loopback = address.isLoopback
        @Sendable func taker(_ head: HTTPRequestHead) -> (any WebSocketService, HTTPRequest)? {
            let request = HTTPRequest(method: head.method, uri: head.uri, headers: head.headers)
            // Not upgraded: answered as plain HTTP, with the refusal.
            if loopback && !LoopbackHost.admits(request.headers.first(name: "host")) { return nil }
            if WebSocketOrigin.refusal(request) != nil { return nil }
            return takers.first { $0.takesWebSocket(request) }.map { ($0, request) }
        }
        let upgrader = NIOWebSocketServerUpgrader(
            shouldUpgrade: { channel, head in
                channel.eventLoop.makeSucceededFuture(taker(head) != nil && slot.becomeStream() ? HTTPHeaders() : nil)
            },
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
