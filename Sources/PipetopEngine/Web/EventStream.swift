import NIOCore
import NIOHTTP1
import NIOWebSocket
import PipetopWire

/// `GET /api/v1/events` as Server-Sent Events or a WebSocket: the typed event stream of
/// subscriber protocol 3 (`{"type":"event","seq":N,"event":{...}}`; in SSE `id:` set to N, on
/// a WebSocket one text message each), filtered. A client that does
/// not read is not written to (nothing queues for it: the engine's one bounded event log is
/// where it resumes from); when it drains it gets what is still kept, after a `skipped`
/// frame that says what it missed.
struct EventStream: HTTPStream {
    let engine: Engine
    let hub: SubscriberHub
    let filter: EventFilter
    var framing: EventStreamClient.Framing = .serverSentEvents

    /// A comment line this often, so a client and the proxies between can tell a quiet
    /// engine from a dead link.
    static let heartbeatSeconds: Int64 = 15
    /// Events written in one go before checking that the client still takes them.
    static let batch = 256

    func start(on channel: Channel) {
        let client = EventStreamClient(engine: engine, channel: channel, filter: filter, framing: framing)
        // From `since` when given (what is no longer kept, or was an earlier engine's, is
        // reported skipped), else from now.
        client.last = engine.resumePoint(since: filter.since)
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
            if client.framing == .serverSentEvents { client.write(": pipetop event stream\n\n") }
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
    enum Framing: Sendable { case serverSentEvents, webSocket }
    let engine: Engine
    let channel: Channel
    let filter: EventFilter
    let framing: Framing
    /// The number of the last event it was sent or skipped past.
    var last: UInt64 = 0

    init(engine: Engine, channel: Channel, filter: EventFilter, framing: Framing) {
        self.engine = engine; self.channel = channel; self.filter = filter; self.framing = framing
    }

    /// Sends what it has not had, while its socket takes it.
    func pump() {
        while channel.isActive && channel.isWritable {
            let (entries, oldest, _) = engine.events(after: last)
            var frames: [(seq: UInt64?, data: String)] = []
            if last &+ 1 < oldest {
                frames.append((nil, String(BoardMessage.skipped(from: last &+ 1, to: oldest &- 1).line().dropLast())))
                last = oldest &- 1
            }
            for e in entries.prefix(EventStream.batch) {
                last = e.seq
                guard filter.admits(job: e.job, type: e.type) else { continue }
                frames.append((e.seq, #"{"type":"event","seq":\#(e.seq),"event":\#(e.line)}"#))
            }
            send(frames)
            if entries.count <= EventStream.batch { return }
        }
    }

    private func send(_ frames: [(seq: UInt64?, data: String)]) {
        guard !frames.isEmpty else { return }
        switch framing {
        case .serverSentEvents:
            var text = ""
            for f in frames {
                if let seq = f.seq { text += "id: \(seq)\n" } else { text += "event: skipped\n" }
                text += "data: \(f.data)\n\n"
            }
            write(text)
        case .webSocket:
            for f in frames { channel.write(frame(f.data), promise: nil) }
            channel.flush()
        }
    }

    /// A heartbeat when the socket takes it (a client that does not read gets none): a
    /// comment line, or the subscriber protocol's heartbeat message.
    func heartbeat() {
        guard channel.isWritable else { return }
        switch framing {
        case .serverSentEvents: write(": heartbeat\n\n")
        case .webSocket: channel.writeAndFlush(frame(String(BoardMessage.heartbeat(now: engine.clock.now()).line().dropLast())), promise: nil)
        }
    }

    func write(_ text: String) {
        var b = channel.allocator.buffer(capacity: text.utf8.count)
        b.writeString(text)
        channel.writeAndFlush(HTTPServerResponsePart.body(.byteBuffer(b)), promise: nil)
    }

    private func frame(_ text: String) -> WebSocketFrame {
        var b = channel.allocator.buffer(capacity: text.utf8.count)
        b.writeString(text)
        return WebSocketFrame(fin: true, opcode: .text, data: b)
    }
}
