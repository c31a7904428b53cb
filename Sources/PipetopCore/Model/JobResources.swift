/// A job's resources over time, and its totals.
public struct JobResources: Sendable, Codable, Equatable {
    public var cpu = Timeline()
    public var rss = Timeline()
    public var last: TreeSample?
    public var cpuSeconds: Double = 0
    public var peakRSS: Int = 0
    public var readBytes: Int = 0
    public var writeBytes: Int = 0
    public init() {}
}
