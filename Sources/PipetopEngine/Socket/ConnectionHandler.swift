import NIOCore
#if canImport(Glibc)
import Glibc
#endif
import PipetopCore
import PipetopWire

/// One client connection: decodes each line, applies events, answers errors and syncs.
/// Lines are handled in order on the connection's event loop, so a `sync` reply means every
/// earlier line of this connection has been applied.
final class ConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let engine: Engine
    private let hub: SubscriberHub
    private var lineNumber = 0
    private var framer = LineFramer()
    private var pendingFlush = false
    /// Answers (sync, resume) written but not yet taken by the kernel: while there are, and the
    /// socket is full, the client is not read (it asks and does not read its answers). Error
    /// replies never pause reading: they are dropped when the socket is full.
    private var answersInFlight = 0
    private var pausedForAnswers = false
    /// The journal is behind the producers: this connection is not read until it catches up.
    private var pausedForDisk = false
    /// The connecting process (SO_PEERCRED): sampled for a `job.start` that names no process.
    private(set) var peerPID: Int32?
    /// The connecting user (SO_PEERCRED): only the engine's own may signal processes.
    private var peerUID: uid_t = .max
    /// Error replies not sent because the client does not read them (it keeps its socket full).
    private(set) var droppedReplies = 0

    init(engine: Engine, hub: SubscriberHub) {
        self.engine = engine
        self.hub = hub
    }

    func channelActive(context: ChannelHandlerContext) {
        if let provider = context.channel as? SocketOptionProvider {
            let cred: EventLoopFuture<PeerCredentials> = provider.unsafeGetSocketOption(level: SocketOptionLevel(SOL_SOCKET),
                                                                                name: SocketOptionName(SO_PEERCRED))
            // The engine's own process (the demo's workload, an in-process client) is not a job.
            cred.whenSuccess { [weak self] (c: PeerCredentials) in
                self?.peerUID = c.uid
                if c.pid > 0 && c.pid != getpid() { self?.peerPID = c.pid }
            }
        }
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        buffer.withUnsafeReadableBytes { raw in
            framer.feed(raw) { piece in
                lineNumber += 1
                switch piece {
                case .tooLong(let bytes):
                    refuseTooLong(context, bytes: bytes)
                case .line(var line):
                    if let last = line.last, last == UInt8(ascii: "\r") { line = UnsafeRawBufferPointer(rebasing: line.dropLast()) }
                    handleLine(context, line)
                }
            }
        }
        applyBatch(context)
    }

    /// Events decoded but not yet applied: a read's lines are applied together, under one
    /// lock of the engine. Anything that must see them applied first (a sync, an error reply
    /// that must come in line order) applies them before it is handled.
    private var batch: [Event] = []
    private var batchLines: [Int] = []
    private var batchText: [String] = []

    private func applyBatch(_ context: ChannelHandlerContext) {
        guard !batch.isEmpty else { return }
        let refused = engine.apply(batch, lines: engine.journal == nil ? nil : batchText)
        for (k, error) in refused { reply(context, .error(line: batchLines[k], reason: error.reason)) }
        if refused.count < batch.count { hub.changed(news: batch.contains(where: SubscriberHub.isNews)) }
        // Producers faster than the disk are paused (their connection is not read) until the
        // journal has caught up by half; the event loop itself never waits.
        if let journal = engine.journal, !pausedForDisk, journal.needsRoom() {
            pausedForDisk = true
            updateReading(context.channel)
            let channel = context.channel
            let me = NIOLoopBound(self, eventLoop: context.eventLoop)
            journal.whenRoom {
                channel.eventLoop.execute {
                    me.value.pausedForDisk = false
                    me.value.updateReading(channel)
                }
            }
        }
        // A big read's buffers are let go: a thousand idle connections must not each keep
        // room for a thousand events (measured: 180 KB a connection when they did).
        let keep = batch.capacity <= 128
        batch.removeAll(keepingCapacity: keep)
        batchLines.removeAll(keepingCapacity: keep)
        batchText.removeAll(keepingCapacity: keep)
    }

    private func refuseTooLong(_ context: ChannelHandlerContext, bytes: Int) {
        applyBatch(context)
        engine.countRefusedLine()
        reply(context, .error(line: lineNumber, reason: "line too long (\(bytes) bytes; the limit is \(maxLineBytes))"))
    }

    private func handleLine(_ context: ChannelHandlerContext, _ line: UnsafeRawBufferPointer) {
        if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) {
            return  // blank lines are harmless
        }
        switch EventDecoder.decode(line) {
        case .failure(let e):
            applyBatch(context)
            engine.countRefusedLine()
            reply(context, .error(line: lineNumber, reason: e.reason))
        case .success(.event(var event)):
            // A job.start that names no process: its sender's tree is sampled, but never
            // watched (a short-lived reporter ending is not the job ending). `"pid": null`
            // asks for neither. The journal keeps the event as applied.
            var filled = false
            if case .jobStart(var start) = event.body, start.pid == nil, start.samplePid == nil, !start.unwatched, let peer = peerPID {
                start.samplePid = peer
                event.body = .jobStart(start)
                filled = true
            }
            batch.append(event)
            batchLines.append(lineNumber)
            // The line is kept as sent only when there is a journal to keep it in; progress
            // is written from the event, and only if its count is not merged away.
            if engine.journal != nil {
                if case .progress = event.body {
                    batchText.append("")
                } else {
                    batchText.append(filled ? String(EventEncoder.line(event).dropLast()) : String(decoding: line, as: UTF8.self))
                }
            }
        case .success(.sync(let id, let durable)):
            applyBatch(context)
            // The reply waits until every earlier line of the connection is on disk (unless
            // the client asked only for "applied": durable false).
            let reply = Reply.synced(id: id, line: lineNumber)
            let syncLine = lineNumber
            if durable, let journal = engine.journal {
                let channel = context.channel
                outstanding += 1
                let me = NIOLoopBound(self, eventLoop: context.eventLoop)
                journal.whenCommitted(through: engine.lastSeq) { unsaved in
                    channel.eventLoop.execute {
                        // A database that cannot be written is said at once, never waited for.
                        me.value.answer(unsaved.map { Reply.syncFailed(id: id, line: syncLine, reason: $0).line } ?? reply.line, on: channel)
                        me.value.outstanding -= 1
                        me.value.closeIfDone(channel)
                    }
                }
            } else {
                if pendingFlush { pendingFlush = false; context.flush() }  // error replies before it stay first
                answer(reply.line, on: context.channel)
            }
        case .success(.resume(let job)):
            applyBatch(context)
            if pendingFlush { pendingFlush = false; context.flush() }
            answer(JSONWriter.string(ResumeReply.json(job: job, state: engine.snapshot().state)) + "\n", on: context.channel)
        case .success(.subscribe(let s)):
            applyBatch(context)
            guard s.version >= BoardMessage.oldest else {
                // Said, never a silent drop: an old viewer learns both versions.
                engine.countRefusedLine()
                reply(context, .error(line: lineNumber, reason: "this engine speaks subscriber protocol \(BoardMessage.version) (and \(BoardMessage.oldest)) and the viewer asked for "
                    + "\(s.version): subscribe with \"v\":\(BoardMessage.version), or update pipetop on the viewer's side"))
                return
            }
            subscribed = true
            hub.add(context.channel, s)
        case .success(.state):
            applyBatch(context)
            if pendingFlush { pendingFlush = false; context.flush() }
            answer(StateReply.line(engine.snapshot().state, now: engine.clock.now()), on: context.channel)
        case .success(.health):
            applyBatch(context)
            if pendingFlush { pendingFlush = false; context.flush() }
            answer(HealthReply.line(engine.health()), on: context.channel)
        case .success(.signal(let job, let signal, let by)):
            applyBatch(context)
            let outcome = engine.signal(job: job, signal, by: by, peerUID: peerUID)
            hub.changed()
            // A viewer sees the outcome in the job's log; others get an answer line.
            if !subscribed {
                if pendingFlush { pendingFlush = false; context.flush() }
                answer(JSONWriter.string(.object([("type", .string("signal")), ("job", .string(job)), ("sent", .bool(outcome.sent)),
                                                  ("message", .string(outcome.message))])) + "\n", on: context.channel)
            }
        case .success(.focus(let job, let phase)):
            hub.focus(context.channel, job: job, phase: phase)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if pendingFlush {
            pendingFlush = false
            context.flush()
        }
        // A client that asks (sync, resume) but does not read its answers is not read from
        // until it takes them: answers never pile up without bound. (Error replies to a full
        // socket are dropped instead, so fire-and-forget producers that never read are never
        // slowed down.)
        if answersInFlight > 0 && !context.channel.isWritable && !pausedForAnswers {
            pausedForAnswers = true
            updateReading(context.channel)
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable && pausedForAnswers {
            pausedForAnswers = false
            updateReading(context.channel)
        }
        context.fireChannelWritabilityChanged()
    }

    /// Reads while nothing holds the connection back (answers not taken, a journal behind).
    fileprivate func updateReading(_ channel: Channel) {
        channel.setOption(ChannelOptions.autoRead, value: !(pausedForAnswers || pausedForDisk)).whenComplete { _ in }
    }

    /// Sends an answer (sync, resume): never dropped, counted until the kernel has it.
    fileprivate func answer(_ line: String, on channel: Channel) {
        var buf = channel.allocator.buffer(capacity: line.utf8.count)
        buf.writeString(line)
        answersInFlight += 1
        let promise = channel.eventLoop.makePromise(of: Void.self)
        let me = NIOLoopBound(self, eventLoop: channel.eventLoop)
        promise.futureResult.whenComplete { _ in
            me.value.answersInFlight -= 1
            if me.value.answersInFlight == 0 && me.value.pausedForAnswers {
                me.value.pausedForAnswers = false
                me.value.updateReading(channel)
            }
        }
        channel.writeAndFlush(buf, promise: promise)
    }

    /// Answers still waiting for the disk, and whether the client has stopped sending.
    private var outstanding = 0
    private var inputClosed = false

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let e = event as? ChannelEvent, e == .inputClosed {
            // The client finished sending: close once its last answers are out.
            inputClosed = true
            framer.finish()
            if pendingFlush { pendingFlush = false; context.flush() }
            closeIfDone(context.channel)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    /// A viewer: it may end what it sends (`printf subscribe | pipetop bridge`) and still
    /// watch; its connection ends when it closes it.
    private var subscribed = false

    fileprivate func closeIfDone(_ channel: Channel) {
        guard inputClosed, outstanding == 0, !subscribed else { return }
        channel.close(mode: .all, promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        hub.remove(context.channel)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        // A reset connection is a client going away; nothing to do but close our end.
        context.close(promise: nil)
    }

    private func reply(_ context: ChannelHandlerContext, _ r: Reply) {
        // Never queue without bound for a client that does not read its replies.
        guard context.channel.isWritable else {
            droppedReplies += 1
            return
        }
        var buf = context.channel.allocator.buffer(capacity: 96)
        buf.writeString(r.line)
        context.write(wrapOutboundOut(buf), promise: nil)
        pendingFlush = true
    }
}

/// Linux's `struct ucred` (glibc hides it without _GNU_SOURCE): what SO_PEERCRED returns.
struct PeerCredentials: Sendable {
    var pid: Int32 = 0
    var uid: UInt32 = 0
    var gid: UInt32 = 0
}
