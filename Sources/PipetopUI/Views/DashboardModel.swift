import PipetopCore

/// Everything a view needs, as plain data: the snapshot, the clock, where it came from and
/// where the person is. Views are functions of this, a size, glyphs and a theme.
public struct DashboardModel: Sendable, Equatable {
    public enum Link: Sendable, Equatable {
        case connecting
        case live
        case lost(String)
    }

    public var board: Board
    /// The viewer's clock on the engine's time line: the board's time plus the time since.
    public var now: Double
    public var host: String
    /// The socket the engine listens on (shown so people know where to send events).
    public var socket: String
    public var link: Link
    public var nav: Navigator
    /// A message for the person (a bad theme file...), shown in the footer until a key.
    public var notice: String?
    /// Each engine, when several are watched over ssh (the `H` screen).
    public var hosts: [HostLink] = []
    /// When the link to the engine dropped (wall clock), nil while live: what is on screen is
    /// the state as of the last update (`board.at`), and nothing on it counts on as if live.
    public var disconnectedAt: Double?

    public init(board: Board, now: Double, host: String, socket: String, link: Link = .live, user: String = "me@here") {
        self.board = board; self.now = now; self.host = host; self.socket = socket; self.link = link
        self.nav = Navigator(user: user)
    }

    /// Jobs as the overview lists them (with its filter).
    public var sortedJobs: [BoardJob] { nav.jobs(in: board) }

    /// The selected job on the overview (or the job of the screen shown).
    public var selected: BoardJob? { nav.job(in: board) }
}
