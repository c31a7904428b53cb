import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import PipetopCore
import Synchronization

/// `GET /metrics` (Prometheus text format), served by an `HTTPListener` (alone or beside the
/// weblog); and/or the same text written to a file for node_exporter's textfile collector.
public final class MetricsServer: HTTPService, @unchecked Sendable {
    private let engine: Engine
    private let hub: SubscriberHub?
    /// The textfile writer's timer thread (only with a textfile).
    private var group: MultiThreadedEventLoopGroup?
    private var textfileTask: RepeatedTask?

    /// The listener's limits (kept here too: the metrics tests name them so).
    public static let maxConnections = HTTPListener.maxConnections
    public static let idleSeconds = HTTPListener.idleSeconds
    public static let writeSeconds = HTTPListener.writeSeconds
    /// Scrapes within this long of the last rendering share it (one rendering of 1,000 jobs x
    /// 20 phases costs seconds; a burst of scrapes must not cost that each).
    public static let renderReuseSeconds = 1.0

    private let rendered = Mutex<(at: Double, body: ByteBuffer)?>(nil)

    public init(engine: Engine, hub: SubscriberHub?) {
        self.engine = engine
        self.hub = hub
    }

    /// The exposition as bytes, rendered again only when the last one is older than
    /// `renderReuseSeconds`; the buffer is shared by every client it goes to.
    func body() -> ByteBuffer {
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

    public var served: String { "GET /metrics" }

    public func answer(_ request: HTTPRequest) -> HTTPAnswer? {
        guard request.method == .GET, request.path == "/metrics" else { return nil }
        return HTTPAnswer(status: .ok, contentType: "text/plain; version=0.0.4; charset=utf-8", body: body())
    }

    /// The host and port of a `--metrics` value (loopback when no host is written).
    static func parse(_ address: String) throws -> (host: String, port: Int) {
        let a = try ListenAddress(address)
        return (a.host, a.port)
    }

    /// Writes the exposition to `path` every `interval` seconds (atomically).
    public func writeTextfile(_ path: String, every interval: Double = 15) throws {
        try MetricsExposition.writeTextfile(text(), to: path)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        self.group = group
        textfileTask = group.next().scheduleRepeatedTask(initialDelay: .milliseconds(Int64(interval * 1000)),
                                                         delay: .milliseconds(Int64(interval * 1000))) { [weak self] _ in
            guard let self else { return }
            try? MetricsExposition.writeTextfile(self.text(), to: path)
        }
    }

    public func stop() {
        textfileTask?.cancel()
        try? group?.syncShutdownGracefully()
    }
}
