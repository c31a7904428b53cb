import PipetopCore

public struct SourceSnapshot: Sendable {
    public var version: UInt64
    /// What to show, as of `board.at` (the engine's clock; the view adds the time since).
    public var board: Board
    public var host: String
    public var socket: String
    public var link: DashboardModel.Link
    /// Each engine, when several are watched over ssh (empty otherwise).
    public var hosts: [HostLink]

    public init(version: UInt64, board: Board, host: String, socket: String, link: DashboardModel.Link, hosts: [HostLink] = []) {
        self.version = version; self.board = board; self.host = host; self.socket = socket; self.link = link; self.hosts = hosts
    }
}
