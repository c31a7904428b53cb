import Foundation
import NIOCore
import PipetopCore
import PipetopWire
import Synchronization

/// Fans the Board out to viewers (subscriber protocol 3, or 2 to a viewer that speaks 2). Event-driven, so an idle engine
/// does not wake: a change schedules one send for when the first viewer's frame interval
/// allows (a change while that send is already due schedules nothing), and a viewer that is
/// not reading (its socket full) is skipped until it drains, then gets the newest Board
/// whole: coalesced, never an unbounded queue. A local viewer paced on the engine's beat gets
/// its frames from the beat's own flush (`beat(changed:)`): no timer, no wakeup of a loop.
public final class SubscriberHub: Sendable {
    public static let defaultFPS = 10.0
    public static let maxFPS = 30.0
    /// A frame every 10 s at the slowest (`--delay 10`).
    public static let minFPS = 0.1

    private let engine: Engine
    private let hello: SubscriberHello
    private let subscribers = Mutex<[ObjectIdentifier: Subscriber]>([:])
    /// When the next flush is due (nil: none scheduled).
    private let nextFlush = Mutex<Double?>(nil)
    /// One flush at a time (the loop's and the beat's): a viewer's delta is counted from
    /// what it was last sent.
    private let flushing = Mutex(false)

    private struct Subscriber {
        /// A socket viewer gets bytes; an in-process viewer (the local dashboard) a nudge.
        enum Sink { case channel(Channel), local(@Sendable () -> Void) }
        let sink: Sink
        let interval: Double
        var sentVersion: UInt64?
        /// When it was last sent a frame (its pace is counted from there).
        var sentAt: Double = 0
        /// When it was last sent anything, a heartbeat included.
        var heardAt: Double = 0
        /// When it last got a whole Board (one every `resyncEvery`, whatever happens).
        var snapshotAt: Double = 0
        /// It fell behind (its socket was full): it gets a whole Board when it drains.
        var fellBehind = false
        /// Keeps a local subscriber's identity alive while it is registered.
        var token: AnyObject? = nil
        /// A local viewer whose frames fall on the engine's beat (this many seconds apart):
        /// sent only by the beat's flush (or for news), when its next frame is due within
        /// half a beat, so frames average `interval` apart on beats (1.5 s on a 1 s beat: 1 s,
        /// then 2 s). Nil: paced by the hub's own timer.
        var beat: Double? = nil
        /// When its next frame is due (a viewer on the beat).
        var dueAt: Double = 0
        /// What a socket viewer looks at and was last sent (nil: the local dashboard).
        var board: BoardViewer? = nil

        var isWritable: Bool {
            if case .channel(let c) = sink { return c.isWritable }
            return true
        }
    }

    /// The loop that runs flushes (any of the server's loops will do).
    private let loop: EventLoop

    init(engine: Engine, hello: SubscriberHello, loop: EventLoop) {
        self.engine = engine
        self.hello = hello
        self.loop = loop
    }

    public var count: Int { subscribers.withLock { $0.count } }

    /// A viewer that sent nothing for this long gets a heartbeat (so it can tell a quiet engine
    /// from a dead link).
    public static let heartbeatEvery = 5.0
    /// A viewer gets a whole Board at least this often.
    public static let resyncEvery = 60.0

    /// A viewer of subscriber protocol 2 or later (the connection checked the version).
    func add(_ channel: Channel, _ sub: WireMessage.Subscribe) {
        let f = min(Self.maxFPS, max(Self.minFPS, sub.fps ?? Self.defaultFPS))
        var viewer = BoardViewer(options: BoardOptions(focusJob: sub.focusJob, focusPhase: sub.focusPhase, checkpointData: sub.checkpointData))
        // An older viewer is sent the Board in the states its protocol knows.
        viewer.version = min(sub.version, BoardMessage.version)
        if sub.events {
            engine.keepEvents()
            viewer.events = true
            viewer.eventJobs = sub.eventJobs
            viewer.eventTypes = sub.eventTypes
            // From `since` when given (the engine tells what it no longer has), else from now.
            viewer.lastEvent = engine.resumePoint(since: sub.since)
        }
        let already = subscribers.withLock { subs -> Bool in
            let key = ObjectIdentifier(channel)
            if var old = subs[key] {
                // A second subscribe changes the rate and what it looks at; the next frame is
                // a whole Board.
                old = Subscriber(sink: old.sink, interval: 1 / f, sentVersion: nil, sentAt: old.sentAt)
                old.board = viewer
                subs[key] = old
                return true
            }
            var s = Subscriber(sink: .channel(channel), interval: 1 / f)
            s.board = viewer
            subs[key] = s
            return false
        }
        if !already {
            // The protocol spoken on this connection (an older viewer's own).
            var h = hello
            h.v = viewer.version
            send(Data(BoardMessage.hello(h).line().utf8), to: channel)
            _ = channel.pipeline.addHandler(WritabilityWatcher(hub: self), position: .first)
        }
        schedule(after: 0, on: channel.eventLoop)
    }

    /// A viewer of protocol 2 looks at another job or phase: its next frame carries that
    /// phase's steps and that job's timelines (and nobody else pays for them).
    func focus(_ channel: Channel, job: String?, phase: String?) {
        subscribers.withLock { subs in
            let key = ObjectIdentifier(channel)
            guard var s = subs[key], s.board != nil else { return }
            s.board!.options.focusJob = job
            s.board!.options.focusPhase = job == nil ? nil : phase
            s.board!.sent = nil  // a whole Board comes next
            s.sentVersion = nil
            subs[key] = s
        }
        schedule(after: 0, on: channel.eventLoop)
    }

    /// An in-process viewer: `notify` runs (on an event loop, or on the beat's thread) when a
    /// new version is due; the viewer then projects its Board from `engine.snapshot()` itself.
    /// `beat`: the engine's beat interval when the viewer's frames are to fall on it (its
    /// refresh is a beat or longer). Returns a token for `removeLocal`.
    public func addLocal(fps: Double, beat: Double? = nil, notify: @escaping @Sendable () -> Void) -> ObjectIdentifier {
        let token = LocalToken()
        let id = ObjectIdentifier(token)
        subscribers.withLock { subs in
            var s = Subscriber(sink: .local(notify), interval: 1 / min(Self.maxFPS, max(Self.minFPS, fps)), token: token)
            s.beat = beat
            subs[id] = s
        }
        schedule(after: 0, on: loop)
        return id
    }

    public func removeLocal(_ id: ObjectIdentifier) {
        subscribers.withLock { _ = $0.removeValue(forKey: id) }
    }

    private final class LocalToken: Sendable {}

    func remove(_ channel: Channel) {
        subscribers.withLock { _ = $0.removeValue(forKey: ObjectIdentifier(channel)) }
    }

    /// Called after every applied event. Cheap when a flush is already on its way. `news`: what
    /// was applied is something a person must see at once (a job ended, a phase failed, a
    /// critical alert): it goes to every viewer now, not at its next frame.
    public func changed(news: Bool = false) {
        // When the first viewer may have a frame: the loop wakes then, not at every change.
        let due = subscribers.withLock { subs -> Double? in
            var due: Double?
            for s in subs.values where s.beat == nil || news {
                let at = s.sentAt + (news ? min(s.interval, 1 / Self.maxFPS) : s.interval)
                due = min(due ?? at, at)
            }
            return due
        }
        guard let due else { return }  // nobody, or viewers on the beat: it sends
        if news { newsPending.store(true, ordering: .releasing) }
        schedule(after: due - engine.clock.now(), on: loop)
    }

    /// The engine's beat: sends what is due (viewers on the beat get their frames here, on the
    /// beat's thread) when anything changed since the last beat or a viewer on the beat waits
    /// for a version, and a heartbeat to viewers that heard nothing for a while.
    func beat(changed: Bool) {
        let version = engine.version
        let (any, waiting) = subscribers.withLock { subs in
            (!subs.isEmpty, subs.values.contains { $0.beat != nil && $0.sentVersion != version })
        }
        guard any else { return }
        if changed || waiting { flush(on: loop, beat: true) }
        heartbeat()
    }

    /// News waits for no viewer's pace (but one frame in `1 / maxFPS` at most, whatever comes).
    private let newsPending = Atomic(false)

    /// A job ended, a phase failed, a producer raised a critical alert: sent without waiting
    /// for the viewer's next frame.
    public static func isNews(_ e: Event) -> Bool {
        switch e.body {
        case .jobEnd: return true
        case .phaseEnd(let p): return p.status == .failed
        case .alert(let a): return a.severity == .critical && !a.resolved
        default: return false
        }
    }

    /// Schedules a flush `delay` seconds from now unless one is already due no later; an
    /// earlier request (a fast viewer, a new one) is never held back by a later one.
    private func schedule(after delay: Double, on loop: EventLoop) {
        let due = engine.clock.now() + max(0, delay)
        let go = nextFlush.withLock { next -> Bool in
            if let n = next, n <= due { return false }
            next = due
            return true
        }
        guard go else { return }
        loop.scheduleTask(in: .nanoseconds(Int64(max(0, delay) * 1e9))) { [self] in
            let mine = nextFlush.withLock { next -> Bool in
                guard let n = next, n <= engine.clock.now() + 0.001 else { return false }
                next = nil
                return true
            }
            if mine { flush(on: loop) }
        }
    }

    /// Sends the newest Board to every viewer that is due (whole, or what changed since its
    /// last), and reschedules for the rest. `beat`: the beat's flush, the only one that sends
    /// viewers on the beat (but for news).
    func flush(on loop: EventLoop, beat: Bool = false) {
        flushing.withLock { _ in flushLocked(on: loop, beat: beat) }
    }

    private func flushLocked(on loop: EventLoop, beat: Bool) {
        let now = engine.clock.now()
        let (version, state) = engine.snapshot()
        var boardDue: [(Channel, BoardViewer, resync: Bool)] = []
        var nudges: [@Sendable () -> Void] = []
        var nextDelay: Double?
        let news = newsPending.exchange(false, ordering: .acquiring)
        subscribers.withLock { subs in
            for (key, var s) in subs where s.sentVersion != version {
                if let b = s.beat, !news {
                    // On the beat: its frame is sent when due within half a beat; the grid of
                    // its frames is kept (no drift), unless it fell a whole frame behind.
                    guard beat, now >= s.dueAt - b / 2 else { continue }
                    s.dueAt = now - s.dueAt < s.interval ? s.dueAt + s.interval : now + s.interval
                } else {
                    let wait = (news ? min(s.interval, 1 / Self.maxFPS) : s.interval) + s.sentAt - now
                    if wait > 0 {
                        nextDelay = min(nextDelay ?? wait, wait)
                        if news { newsPending.store(true, ordering: .releasing) }  // still news at that flush
                        continue
                    }
                }
                guard s.isWritable else {  // resumed by WritabilityWatcher
                    if !s.fellBehind { s.fellBehind = true; subs[key] = s }
                    continue
                }
                s.sentVersion = version
                s.sentAt = now
                s.heardAt = now
                switch s.sink {
                case .channel(let c) where s.board != nil:
                    let resync = s.board!.sent == nil || s.fellBehind || now - s.snapshotAt >= Self.resyncEvery
                    s.fellBehind = false
                    if resync { s.snapshotAt = now }
                    boardDue.append((c, s.board!, resync))
                case .channel: break
                case .local(let f): nudges.append(f)
                }
                subs[key] = s
            }
        }
        if !boardDue.isEmpty {
            let sent = sendBoards(boardDue, state: state, version: version, now: now)
            subscribers.withLock { subs in
                for (key, viewer) in sent {
                    // Unless it changed what it looks at meanwhile (then its next frame is whole).
                    guard subs[key]?.board?.options == viewer.options else { subs[key]?.board?.sent = nil; continue }
                    subs[key]?.board?.sent = viewer.sent
                    subs[key]?.board?.lastEvent = viewer.lastEvent
                }
            }
        }
        for f in nudges { f() }
        if let d = nextDelay { schedule(after: d, on: loop) }
    }

    /// The Board projected once per distinct view and protocol (most viewers share one), sent
    /// whole or as what changed since each viewer's last; then the events each asked for.
    private func sendBoards(_ due: [(Channel, BoardViewer, resync: Bool)], state: PipelineState, version: UInt64,
                            now: Double) -> [(ObjectIdentifier, BoardViewer)] {
        struct View: Hashable { var options: BoardOptions; var version: Int }
        var boards: [View: JSONValue] = [:]
        var out: [(ObjectIdentifier, BoardViewer)] = []
        for (channel, var viewer, resync) in due {
            let value: JSONValue
            let view = View(options: viewer.options, version: viewer.version)
            if let b = boards[view] {
                value = b
            } else {
                let board = BoardForOlderViewers.board(BoardProjector.board(state, now: now, options: viewer.options), protocol: viewer.version)
                guard let b = try? JSONValueEncoder.encode(board) else { continue }
                boards[view] = b
                value = b
            }
            if viewer.events { sendEvents(&viewer, to: channel) }
            if resync || viewer.sent == nil {
                send(Data(BoardMessage.board(version: version, board: value).line().utf8), to: channel)
            } else if let old = viewer.sent, let changes = MergePatch.diff(old, value) {
                send(Data(BoardMessage.delta(version: version, changes: changes).line().utf8), to: channel)
            }
            viewer.sent = value
            out.append((ObjectIdentifier(channel), viewer))
        }
        return out
    }

    /// The events a viewer has not had yet (its filters applied), or word of those it missed.
    private func sendEvents(_ viewer: inout BoardViewer, to channel: Channel) {
        let (entries, oldest, next) = engine.events(after: viewer.lastEvent)
        var text = ""
        if viewer.lastEvent &+ 1 < oldest {
            text += BoardMessage.skipped(from: viewer.lastEvent &+ 1, to: oldest &- 1).line()
        }
        for e in entries {
            if let jobs = viewer.eventJobs, !jobs.contains(e.job) { continue }
            if let types = viewer.eventTypes, !types.contains(e.type) { continue }
            text += #"{"type":"event","seq":\#(e.seq),"event":\#(e.line)}"# + "\n"
        }
        viewer.lastEvent = next &- 1
        if !text.isEmpty { send(Data(text.utf8), to: channel) }
    }

    /// Tells viewers that heard nothing for `heartbeatEvery` that the engine is still there.
    func heartbeat() {
        let now = engine.clock.now()
        var quiet: [Channel] = []
        subscribers.withLock { subs in
            for (key, var s) in subs where now - s.heardAt >= Self.heartbeatEvery {
                guard case .channel(let c) = s.sink, s.isWritable else { continue }
                // Not a frame: the next frame's pace is still counted from the last one.
                s.heardAt = now
                subs[key] = s
                quiet.append(c)
            }
        }
        guard !quiet.isEmpty else { return }
        let line = Data(BoardMessage.heartbeat(now: now).line().utf8)
        for c in quiet { send(line, to: c) }
    }

    private func send(_ data: Data, to channel: Channel) {
        var buf = channel.allocator.buffer(capacity: data.count)
        buf.writeBytes(data)
        channel.writeAndFlush(buf, promise: nil)
    }

    private final class WritabilityWatcher: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        let hub: SubscriberHub
        init(hub: SubscriberHub) { self.hub = hub }
        func channelWritabilityChanged(context: ChannelHandlerContext) {
            if context.channel.isWritable { hub.schedule(after: 0, on: context.eventLoop) }
            context.fireChannelWritabilityChanged()
        }
    }
}
