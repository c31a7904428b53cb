import PipetopCore

public struct SourceSnapshot: Sendable {
    public var version: UInt64
    public var state: PipelineState
    /// The engine's clock when the snapshot was taken; the view adds the time since.
    public var engineNow: Double
    public var host: String
    public var socket: String
    public var link: DashboardModel.Link

    public init(version: UInt64, state: PipelineState, engineNow: Double, host: String, socket: String, link: DashboardModel.Link) {
        self.version = version; self.state = state; self.engineNow = engineNow; self.host = host; self.socket = socket; self.link = link
    }
}
