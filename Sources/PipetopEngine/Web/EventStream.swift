import NIOCore
import NIOHTTP1
import PipetopWire

/// `GET /api/v1/events` as Server-Sent Events: the typed event stream of subscriber protocol
/// 2 (`{"type":"event","seq":N,"event":{...}}`, `id:` set to N), filtered. A client that does
/// not read is not written to (nothing queues for it: the engine's one bounded event log is
/// where it resumes from); when it drains it gets what is still kept, after a `skipped`
/// frame that says what it missed.
struct EventStream: HTTPStream {
    let engine: Engine
    let hub: SubscriberHub
    let filter: EventFilter

    /// A comment line this often, so a client and the proxies between can tell a quiet
    /// engine from a dead link.
    static let heartbeatSeconds: Int64 = 15
    /// Events written in one go before checking that the client still takes them.
    static let batch = 256

    func start(on channel: Channel) {
        let client = EventStreamClient(engine: engine, channel: channel, filter: filter)
        // From `since` when given (what is no longer kept is reported skipped), else from now.
        client.last = filter.since ?? (engine.events(after: UInt64.max).next &- 1)
        let loop = channel.eventLoop
        let id = hub.addLocal(fps: SubscriberHub.defaultFPS) { loop.execute { client.pump() } }
        let heartbeat = loop.scheduleRepeatedTask(initialDelay: .seconds(Self.heartbeatSeconds), delay: .seconds(Self.heartbeatSeconds)) { _ in
            client.heartbeat()
        }
        let hub = hub
        channel.closeFuture.whenComplete { _ in
            hub.removeLocal(id)
            heartbeat.cancel()
        }
        _ = channel.pipeline.addHandler(Drained(client: client), position: .first)
        loop.execute {
            client.write(": pipetop event stream\n\n")
            client.pump()
        }
    }

    /// Resumes a client when its socket takes bytes again.
    private final class Drained: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = ByteBuffer
        let client: EventStreamClient
        init(client: EventStreamClient) { self.client = client }
        func channelWritabilityChanged(context: ChannelHandlerContext) {
            if context.channel.isWritable { client.pump() }
            context.fireChannelWritabilityChanged()
        }
    }
}

/// One client of the event stream; used on its channel's event loop only.
final class EventStreamClient: @unchecked Sendable {
    let engine: Engine
    let channel: Channel
    let filter: EventFilter
    /// The number of the last event it was sent or skipped past.
    var last: UInt64 = 0

    init(engine: Engine, channel: Channel, filter: EventFilter) {
        self.engine = engine; self.channel = channel; self.filter = filter
    }

    /// Sends what it has not had, while its socket takes it.
    func pump() {
        while channel.isActive && channel.isWritable {
            let (entries, oldest, next) = engine.events(after: last)
            var text = ""
            if last &+ 1 < oldest {
                let frame = BoardMessage.skipped(from: last &+ 1, to: oldest &- 1).line().dropLast()
                text += "event: skipped\ndata: \(frame)\n\n"
                last = oldest &- 1
            }
            for e in entries.prefix(EventStream.batch) {
                last = e.seq
                guard filter.admits(job: e.job, type: e.type) else { continue }
                text += "id: \(e.seq)\ndata: {\"type\":\"event\",\"seq\":\(e.seq),\"event\":\(e.line)}\n\n"
            }
            if !text.isEmpty { write(text) }
            if entries.count <= EventStream.batch { _ = next; return }
        }
    }

    /// A comment line when the socket takes it (a client that does not read gets none).
    func heartbeat() {
        guard channel.isWritable else { return }
        write(": heartbeat\n\n")
    }

    func write(_ text: String) {
        var b = channel.allocator.buffer(capacity: text.utf8.count)
        b.writeString(text)
        channel.writeAndFlush(HTTPServerResponsePart.body(.byteBuffer(b)), promise: nil)
    }
}
