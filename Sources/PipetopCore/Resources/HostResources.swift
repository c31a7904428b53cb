/// The host over time.
public struct HostResources: Sendable, Codable, Equatable {
    public var cpu = Timeline()
    public var mem = Timeline()
    public var last: HostSample?
    public var hostname: String?
    public init() {}
}
