/// One engine an attached dashboard watches (`pipetop attach HOST...`): how its link stands,
/// why it dropped, and when it is tried again.
public struct HostLink: Sendable, Equatable {
    public var name: String
    public var link: DashboardModel.Link
    /// When the next attempt to reach it is due (wall clock), while it is not connected.
    public var retryAt: Double?
    public var jobs: Int

    public init(name: String, link: DashboardModel.Link, retryAt: Double? = nil, jobs: Int = 0) {
        self.name = name; self.link = link; self.retryAt = retryAt; self.jobs = jobs
    }
}
