import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import PipetopCore
import Synchronization

/// Serves `GET /metrics` (Prometheus text format) on a TCP address, loopback unless told
/// otherwise; and/or writes the same text to a file for node_exporter's textfile collector.
public final class MetricsServer: @unchecked Sendable {
    private let engine: Engine
    private let hub: SubscriberHub?
    private var channel: Channel?
    private let group: MultiThreadedEventLoopGroup
    private var textfileTask: RepeatedTask?

    /// Most scrapers connected at once; past it a new connection is closed at once. Prometheus
    /// needs one; hundreds held by another local user ran the engine out of descriptors.
    public static let maxConnections = 16
    /// A connection with nothing sent or received for this long is closed.
    public static let idleSeconds: Int64 = 60
    /// A response the client has not taken within this long (it does not read) closes it.
    public static let writeSeconds: Int64 = 10
    /// Scrapes within this long of the last rendering share it (one rendering of 1,000 jobs x
    /// 20 phases costs seconds; a burst of scrapes must not cost that each).
    public static let renderReuseSeconds = 1.0

    private let connections = Mutex(0)
    private let rendered = Mutex<(at: Double, body: ByteBuffer)?>(nil)

    public init(engine: Engine, hub: SubscriberHub?) {
        self.engine = engine
        self.hub = hub
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    }

    /// Connections open now (for tests and the limit).
    public var connectionCount: Int { connections.withLock { $0 } }

    fileprivate func admit() -> Bool {
        connections.withLock { n in
            guard n < Self.maxConnections else { return false }
            n += 1
            return true
        }
    }

    fileprivate func release() { connections.withLock { $0 -= 1 } }

    /// The exposition as bytes, rendered again only when the last one is older than
    /// `renderReuseSeconds`; the buffer is shared by every client it goes to.
    fileprivate func body() -> ByteBuffer {
        func monotonic() -> Double {
            var ts = timespec()
            clock_gettime(CLOCK_MONOTONIC, &ts)
            return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
        }
        if let last = rendered.withLock({ $0 }), monotonic() - last.at < Self.renderReuseSeconds { return last.body }
        let text = text()
        var buf = ByteBufferAllocator().buffer(capacity: text.utf8.count)
        buf.writeString(text)
        // Counted from when it was ready: a rendering slower than the reuse time is still shared.
        rendered.withLock { $0 = (monotonic(), buf) }
        return buf
    }

    /// The exposition now.
    public func text() -> String {
        let (_, state) = engine.snapshot()
        let c = engine.counters
        // Figures only: no steps, timelines or logs.
        let board = BoardProjector.board(state, now: engine.clock.now(), options: BoardOptions(timelinePoints: 0, logLines: 0))
        return MetricsExposition.text(board, counters: .init(applied: c.applied, refused: c.refused, subscribers: hub?.count ?? 0, health: engine.health()))
    }

    /// Listens on `host:port` ("127.0.0.1:9464", "[::1]:9464", "0.0.0.0:9464" for every
    /// address). A bare port ("9464") or one without a host (":9464") means loopback only:
    /// reaching beyond this host takes a host written out.
    public func listen(_ address: String) throws {
        let (host, port) = try Self.parse(address)
        let server = self
        channel = try ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                guard server.admit() else { return channel.close() }
                channel.closeFuture.whenComplete { _ in server.release() }
                return channel.pipeline.addHandler(IdleStateHandler(allTimeout: .seconds(Self.idleSeconds))).flatMap {
                    channel.pipeline.configureHTTPServerPipeline()
                }.flatMap {
                    channel.pipeline.addHandler(Handler(server: server))
                }
            }
            .bind(host: host, port: port).wait()
    }

    /// The host and port of a `--metrics` value (loopback when no host is written).
    static func parse(_ address: String) throws -> (host: String, port: Int) {
        let bad = SocketPathError("--metrics wants HOST:PORT or PORT, e.g. 127.0.0.1:9464 or 9464 (got \(address))")
        if let port = Int(address) {
            guard (0...65535).contains(port) else { throw bad }
            return ("127.0.0.1", port)
        }
        guard let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]), (0...65535).contains(port) else {
            throw bad
        }
        var host = String(address[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if host.isEmpty { host = "127.0.0.1" }
        return (host, port)
    }

    /// Writes the exposition to `path` every `interval` seconds (atomically).
    public func writeTextfile(_ path: String, every interval: Double = 15) throws {
        try MetricsExposition.writeTextfile(text(), to: path)
        textfileTask = group.next().scheduleRepeatedTask(initialDelay: .milliseconds(Int64(interval * 1000)),
                                                         delay: .milliseconds(Int64(interval * 1000))) { [weak self] _ in
            guard let self else { return }
            try? MetricsExposition.writeTextfile(self.text(), to: path)
        }
    }

    /// The port actually bound (for port 0).
    public var port: Int? { channel?.localAddress?.port }

    public func stop() {
        textfileTask?.cancel()
        try? channel?.close().wait()
        try? group.syncShutdownGracefully()
    }

    private final class Handler: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        let server: MetricsServer
        var head: HTTPRequestHead?
        /// A response is still on its way: the client has not read it yet.
        var answering = false
        init(server: MetricsServer) { self.server = server }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let h): head = h
            case .body: break  // bodies are not kept
            case .end:
                guard let h = head else { return }
                head = nil
                // A new request before the last answer was taken: a client that asks and does
                // not read would make the server queue answers for ever.
                guard !answering else { context.close(promise: nil); return }
                answer(h, context: context)
            }
        }

        private func answer(_ h: HTTPRequestHead, context: ChannelHandlerContext) {
            let ok = h.method == .GET && (h.uri == "/metrics" || h.uri.hasPrefix("/metrics?"))
            var body: ByteBuffer
            if ok {
                body = server.body()
            } else {
                body = context.channel.allocator.buffer(capacity: 32)
                body.writeString("pipetop serves /metrics\n")
            }
            var headers = HTTPHeaders()
            headers.add(name: "Content-Type", value: ok ? "text/plain; version=0.0.4; charset=utf-8" : "text/plain")
            headers.add(name: "Content-Length", value: "\(body.readableBytes)")
            headers.add(name: "Connection", value: h.isKeepAlive ? "keep-alive" : "close")
            answering = true
            context.channel.setOption(ChannelOptions.autoRead, value: false).whenComplete { _ in }
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: h.version, status: ok ? .ok : .notFound, headers: headers))), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
            let keep = h.isKeepAlive
            let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            let timeout = context.eventLoop.scheduleTask(in: .seconds(MetricsServer.writeSeconds)) {
                loopBound.value.1.close(promise: nil)
            }
            context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { result in
                timeout.cancel()
                let (handler, context) = loopBound.value
                handler.answering = false
                if !keep || (try? result.get()) == nil { context.close(promise: nil); return }
                context.channel.setOption(ChannelOptions.autoRead, value: true).whenComplete { _ in }
            }
        }

        func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
            if event is IdleStateHandler.IdleStateEvent { context.close(promise: nil); return }
            context.fireUserInboundEventTriggered(event)
        }

        func errorCaught(context: ChannelHandlerContext, error: Error) {
            context.close(promise: nil)
        }
    }
}
