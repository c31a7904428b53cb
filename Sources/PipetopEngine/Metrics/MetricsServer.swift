import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import PipetopCore

/// Serves `GET /metrics` (Prometheus text format) on a TCP address, loopback unless told
/// otherwise; and/or writes the same text to a file for node_exporter's textfile collector.
public final class MetricsServer: @unchecked Sendable {
    private let engine: Engine
    private let hub: SubscriberHub?
    private var channel: Channel?
    private let group: MultiThreadedEventLoopGroup
    private var textfileTask: RepeatedTask?

    public init(engine: Engine, hub: SubscriberHub?) {
        self.engine = engine
        self.hub = hub
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    }

    /// The exposition now.
    public func text() -> String {
        let (_, state) = engine.snapshot()
        let c = engine.counters
        return MetricsExposition.text(state, counters: .init(applied: c.applied, refused: c.refused, subscribers: hub?.count ?? 0),
                                      now: engine.clock.now())
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
                channel.pipeline.configureHTTPServerPipeline().flatMap {
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
        init(server: MetricsServer) { self.server = server }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let h): head = h
            case .body: break
            case .end:
                guard let h = head else { return }
                let ok = h.method == .GET && (h.uri == "/metrics" || h.uri.hasPrefix("/metrics?"))
                let body = ok ? server.text() : "pipetop serves /metrics\n"
                var headers = HTTPHeaders()
                headers.add(name: "Content-Type", value: ok ? "text/plain; version=0.0.4; charset=utf-8" : "text/plain")
                headers.add(name: "Content-Length", value: "\(body.utf8.count)")
                headers.add(name: "Connection", value: h.isKeepAlive ? "keep-alive" : "close")
                context.write(wrapOutboundOut(.head(HTTPResponseHead(version: h.version, status: ok ? .ok : .notFound, headers: headers))), promise: nil)
                var buf = context.channel.allocator.buffer(capacity: body.utf8.count)
                buf.writeString(body)
                context.write(wrapOutboundOut(.body(.byteBuffer(buf))), promise: nil)
                let keep = h.isKeepAlive
                context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in if !keep { context.close(promise: nil) } }
                head = nil
            }
        }
    }
}
