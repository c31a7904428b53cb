import Foundation
import PipetopEngine
import PipetopCore

/// Hands events to the `Reporter` on a thread of its own, so that nothing that passes the
/// command's output on, or waits for the command, ever waits for the engine: a stalled or
/// slow engine costs queued events, never the command's output or pipetop's exit.
final class ReportQueue: @unchecked Sendable {
    /// Most events from the command's output waiting; past it they are dropped (said once
    /// on stderr). pipetop's own events (the job's start and end, its log tail) always wait.
    static let limit = 10_000

    private enum Item {
        case event(Event)
        case preamble([Event])
        case sync
        case finish
    }

    private let reporter: Reporter
    private let cond = NSCondition()
    private var items: [Item] = []
    /// Items taken by the sending thread and not yet sent.
    private var inFlight = 0
    private var warnedFull = false

    init(reporter: Reporter) {
        self.reporter = reporter
        let t = Thread { [self] in loop() }
        t.name = "pipetop-report"
        t.start()
    }

    /// Queues `event`; never waits.
    func send(_ event: Event) { put(.event(Self.stamped(event)), droppable: false) }

    /// Queues an event read from the command's output, unless too many wait already.
    func offer(_ event: Event) { put(.event(Self.stamped(event)), droppable: true) }

    /// The event with the time it happened (unless it has one): it may wait here, and an
    /// engine that is slow or comes later must still see when.
    private static func stamped(_ event: Event) -> Event {
        var e = event
        if e.ts == nil { e.ts = Date().timeIntervalSince1970 }
        return e
    }

    /// Sent first on every new connection (see `Reporter.preamble`).
    func setPreamble(_ events: [Event]) { put(.preamble(events), droppable: false) }

    /// Waits until everything queued so far has been sent and the engine applied it, for at
    /// most `seconds`; false when that did not happen in time.
    @discardableResult
    func sync(within seconds: Double) -> Bool { wait(for: .sync, seconds) }

    /// Sends what is queued, waits for the engine and closes the connection, for at most
    /// `seconds` (after that pipetop exits without it; the thread is left behind).
    @discardableResult
    func finish(within seconds: Double) -> Bool { wait(for: .finish, seconds) }

    private func wait(for item: Item, _ seconds: Double) -> Bool {
        put(item, droppable: false)
        let deadline = Date().addingTimeInterval(seconds)
        cond.lock()
        defer { cond.unlock() }
        while !(items.isEmpty && inFlight == 0) {
            if !cond.wait(until: deadline) { return false }
        }
        return true
    }

    private func put(_ item: Item, droppable: Bool) {
        cond.lock()
        if droppable && items.count >= Self.limit {
            let note = !warnedFull
            warnedFull = true
            cond.unlock()
            if note { SafeWrite.stderr("pipetop run: the engine does not keep up; some of the command's progress and log events are not reported\n") }
            return
        }
        items.append(item)
        cond.broadcast()
        cond.unlock()
    }

    private func loop() {
        while true {
            cond.lock()
            while items.isEmpty { cond.wait() }
            let batch = items
            items.removeAll(keepingCapacity: true)
            inFlight = batch.count
            cond.unlock()
            for item in batch {
                switch item {
                case .event(let e): reporter.send(e)
                case .preamble(let p): reporter.preamble = p
                case .sync: reporter.sync()
                case .finish: reporter.finish()
                }
            }
            cond.lock()
            inFlight = 0
            cond.broadcast()
            cond.unlock()
        }
    }
}
