import Foundation
import PipetopCore
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The dashboard's loop on the main thread: wait for a key, a new snapshot, a resize or the
/// next second; redraw only then. Snapshots go on screen as the source delivers them (the
/// engine paces them to `maxFPS`), never more than twice `maxFPS` a second.
public final class Dashboard {
    public let source: SnapshotSource
    public let glyphs: Glyphs
    public let theme: Theme
    public let maxFPS: Double
    /// Ends the loop from another thread (the signal watcher: SIGINT, SIGTERM, SIGHUP).
    public let stopper: StopSignal
    /// Ring the terminal bell on a new critical alert (tmux flags the window).
    public let bell: Bool
    private var model: DashboardModel
    private var bellWatch = AlertBell()

    /// `user` (`user@host`) is who acknowledgements are recorded as.
    public init(source: SnapshotSource, glyphs: Glyphs, theme: Theme, maxFPS: Double = 10, notice: String? = nil, user: String,
                bell: Bool = true, stopper: StopSignal = StopSignal()) {
        self.stopper = stopper
        self.bell = bell
        self.source = source
        self.glyphs = glyphs
        self.theme = theme
        self.maxFPS = maxFPS
        model = DashboardModel(board: Board(at: 0), now: Date().timeIntervalSince1970, host: "", socket: "", link: .connecting, user: user)
        model.notice = notice
    }

    public func run(on terminal: TerminalBackend) {
        var shownVersion: UInt64? = nil
        // When the newest snapshot went on screen (not any draw: a clock tick or a key must not
        // hold the next snapshot back).
        var lastSnapshot = 0.0
        var lastSecond = -1
        var needsDraw = true
        var snapshotAt = (engine: 0.0, local: 0.0)
        var pageSize = 10
        var focus: (job: String?, phase: String?) = (nil, nil)
        while !stopper.isSet {
            let localNow = Date().timeIntervalSince1970
            // One copy of the newest snapshot per turn of the loop.
            let latest = source.current()
            // Sources already pace snapshots to the frame rate (the engine's hub does); the gap here
            // only guards against one that does not (several hosts at once). Half a frame, so the
            // jitter of a paced source never pushes a snapshot to the frame after.
            let minGap = 0.5 / maxFPS
            if let snap = latest, snap.version != shownVersion || snap.link != model.link {
                if needsDraw || localNow - lastSnapshot >= minGap || shownVersion == nil {
                    lastSnapshot = localNow
                    shownVersion = snap.version
                    model.board = snap.board
                    model.host = snap.host
                    model.socket = snap.socket
                    model.link = snap.link
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
            // The engine's clock, moved on by the time since the snapshot, so elapsed times tick.
            model.now = snapshotAt.engine == 0 ? localNow : snapshotAt.engine + (localNow - snapshotAt.local)
            let second = Int(localNow)
            if second != lastSecond { lastSecond = second; needsDraw = true }
            if needsDraw {
                let (w, h) = terminal.size
                terminal.present(DashboardView.render(model, width: w, height: h, glyphs: glyphs, theme: theme))
                pageSize = max(1, h - 8)
                needsDraw = false
            }
            // Sleep until a key, a snapshot, or the next second (the clock on screen).
            let untilSecond = Int32(max(1, min(1000, (1 - localNow.truncatingRemainder(dividingBy: 1)) * 1000)))
            let pending = shownVersion != latest?.version || latest?.link != model.link
            let timeout = pending ? Int32(max(1, (lastSnapshot + minGap - Date().timeIntervalSince1970) * 1000)) : untilSecond
            var fds = [pollfd(fd: terminal.inputFD, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: source.wakeFD, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: stopper.wakeFD, events: Int16(POLLIN), revents: 0)]
            let n = poll(&fds, 3, timeout)
            if n > 0 && fds[1].revents != 0 { source.drainWake() }
            if n > 0 && fds[0].revents & Int16(POLLHUP | POLLERR | POLLNVAL) != 0 { break }  // the terminal went away
            // Keys (and KEY_RESIZE after SIGWINCH, which also interrupts poll).
            while let key = terminal.readKey() {
                needsDraw = true
                if key != .resize { model.notice = nil }  // a notice stays until the next key
                if key == .resize { terminal.invalidate(); continue }
                let (w, h) = terminal.size
                switch model.nav.handle(key, state: model.board, pageSize: pageSize, width: w, tooSmall: DashboardView.isTooSmall(width: w, height: h)) {
                case .none: break
                case .quit: return
                case .send(let events): source.send(events)
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

}
