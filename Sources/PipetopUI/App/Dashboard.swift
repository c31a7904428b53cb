import Foundation
import PipetopCore
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The dashboard's loop on the main thread, its only thread: poll the keyboard, the stop
/// signal and the source's descriptors (the subscription's socket: read here, no thread of its
/// own); redraw only for a new snapshot, a key, a resize, a change of the link, or once a
/// refresh interval passed without a snapshot (the clock on screen). The engine paces
/// snapshots to the refresh interval, so a steady engine costs one wakeup per refresh.
public final class Dashboard {
    public let source: SnapshotSource
    public let glyphs: Glyphs
    public let theme: Theme
    /// Seconds between refreshes (`--delay`): the engine sends at most one snapshot per
    /// interval, and the clock on screen moves at that pace too.
    public let refresh: Double
    /// Ends the loop from another thread (the signal watcher: SIGINT, SIGTERM, SIGHUP).
    public let stopper: StopSignal
    /// Ring the terminal bell on a new critical alert (tmux flags the window).
    public let bell: Bool
    private var model: DashboardModel
    private var bellWatch = AlertBell()

    /// Snapshots closer together than this wait (a source that does not pace itself, such as
    /// several hosts at once): at most 20 draws a second, whatever comes in.
    static let minGap = 0.05

    /// `user` (`user@host`) is who acknowledgements are recorded as.
    public init(source: SnapshotSource, glyphs: Glyphs, theme: Theme, refresh: Double = 1.5, notice: String? = nil, user: String,
                bell: Bool = true, stopper: StopSignal = StopSignal()) {
        self.stopper = stopper
        self.bell = bell
        self.source = source
        self.glyphs = glyphs
        self.theme = theme
        self.refresh = refresh
        model = DashboardModel(board: Board(at: 0), now: Date().timeIntervalSince1970, host: "", socket: "", link: .connecting, user: user)
        model.notice = notice
    }

    public func run(on terminal: TerminalBackend) {
        var shownVersion: UInt64? = nil
        // When the newest snapshot went on screen, and when anything last did.
        var lastSnapshot = 0.0
        var lastDraw = 0.0
        var needsDraw = true
        var snapshotAt = (engine: 0.0, local: 0.0)
        var pageSize = 10
        // The frame on screen: where its rows and keys are, for the mouse.
        var onScreen = Grid(width: 0, height: 0)
        var focus: (job: String?, phase: String?) = (nil, nil)
        while !stopper.isSet {
            // What arrived (read here, without waiting), then one copy of the newest snapshot.
            let sourceWait = source.pump()
            let localNow = Date().timeIntervalSince1970
            let latest = source.current()
            if let snap = latest, snap.version != shownVersion || snap.link != model.link {
                if needsDraw || localNow - lastSnapshot >= Self.minGap || shownVersion == nil || snap.link != model.link {
                    lastSnapshot = localNow
                    shownVersion = snap.version
                    model.disconnectedAt = Self.disconnected(since: model.disconnectedAt, snap, at: localNow)
                    model.board = model.disconnectedAt == nil ? snap.board : snap.board.lastSeen
                    model.host = snap.host
                    model.socket = snap.socket
                    model.link = snap.link
                    model.hosts = snap.hosts
                    snapshotAt = (snap.board.at, localNow)
                    // Nothing rings until the first real state: what is open then is not news.
                    if snap.link == .connecting { bellWatch = AlertBell() } else if bellWatch.ring(for: snap.board) && bell { terminal.bell() }
                    // Pin what is shown as selected, so a job arriving on top does not steal it.
                    if model.nav.selectedJob == nil || model.board[job: model.nav.selectedJob!] == nil {
                        model.nav.selectedJob = model.selected?.id
                    }
                    needsDraw = true
                }
            }
            // The engine's clock, moved on by the time since the snapshot, so elapsed times tick;
            // cut off from it, the clock stops at its last update: nothing counts on unseen.
            model.now = snapshotAt.engine == 0 ? localNow
                : model.disconnectedAt != nil ? snapshotAt.engine : snapshotAt.engine + (localNow - snapshotAt.local)
            // The clock on screen moves once a refresh. While the engine beats (its snapshots come
            // every interval) its next one is waited for a little longer, so that one draw serves
            // both: one wakeup per refresh, not two. An engine in this process sends its frames
            // on its own beats, up to a beat apart from the refresh: waited for a beat longer.
            // Times on screen show whole seconds: a faster refresh does not move the clock faster.
            let tick = max(1, refresh)
            let beating = model.link == .live && localNow - lastSnapshot < 2 * (tick + (source.beat ?? 0))
            let slack = beating ? source.beat ?? min(0.5, tick / 4) : 0
            let clockDue = lastDraw + tick + slack
            // With the engine's beat run here, the loop wakes every beat anyway: the clock moves
            // on the beat nearest its time rather than on a wakeup of its own.
            let onBeat = source.beat.map { $0 / 2 } ?? 0
            if localNow >= clockDue - onBeat { needsDraw = true }
            if needsDraw {
                let (w, h) = terminal.size
                onScreen = DashboardView.render(model, width: w, height: h, glyphs: glyphs, theme: theme)
                terminal.present(onScreen)
                pageSize = max(1, h - 8)
                needsDraw = false
                lastDraw = localNow
            }
            // Sleep until a key, something from the source, its own deadline, or the clock.
            let pending = shownVersion != latest?.version || latest?.link != model.link
            var wait = min(sourceWait, source.beat == nil ? lastDraw + tick + slack - localNow : .infinity)
            if pending { wait = min(wait, lastSnapshot + Self.minGap - localNow) }
            let timeout = Int32(max(1, min(60_000, (wait * 1000).rounded(.up))))
            var fds = [pollfd(fd: terminal.inputFD, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: stopper.wakeFD, events: Int16(POLLIN), revents: 0)]
                + source.readFDs.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            let n = poll(&fds, nfds_t(fds.count), timeout)
            if n > 0 && fds[0].revents & Int16(POLLHUP | POLLERR | POLLNVAL) != 0 { break }  // the terminal went away
            // Keys (and KEY_RESIZE after SIGWINCH, which also interrupts poll).
            while let key = terminal.readKey() {
                needsDraw = true
                if key != .resize { model.notice = nil }  // a notice stays until the next key
                if key == .resize { terminal.invalidate(); continue }
                let (w, h) = terminal.size
                let tooSmall = DashboardView.isTooSmall(width: w, height: h)
                let effect: Navigator.Effect
                if case .mouse(let e) = key {
                    // What the frame on screen showed where the mouse acted.
                    effect = tooSmall ? .none : model.nav.handleMouse(e, on: onScreen.target(at: e.x, e.y), state: model.board, pageSize: pageSize, width: w)
                } else {
                    effect = model.nav.handle(key, state: model.board, pageSize: pageSize, width: w, tooSmall: tooSmall)
                }
                switch effect {
                case .none: break
                case .quit: return
                case .send(let events): source.send(events)
                case .signal(let job, let signal): source.signal(job: job, signal: signal, by: model.nav.user)
                }
            }
            // What the person looks at decides what the engine sends in detail.
            let wanted = model.nav.focus(in: model.board)
            if wanted.job != focus.job || wanted.phase != focus.phase {
                focus = wanted
                source.focus(job: wanted.job, phase: wanted.phase)
            }
        }
    }

    /// When the link to the one engine shown dropped: kept from the first snapshot that is
    /// not live, once there was a state to show; nil again once live. (Several engines over
    /// ssh: each host's link is on the `H` screen, and the live ones go on.)
    static func disconnected(since: Double?, _ snap: SourceSnapshot, at now: Double) -> Double? {
        guard snap.link != .live, snap.hosts.isEmpty, snap.board.at > 0 else { return nil }
        return since ?? now
    }
}
