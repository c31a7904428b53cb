/// The machine the engine runs on: its newest reading and the recent CPU and memory.
public struct BoardHost: Sendable, Equatable, Codable {
    public var hostname: String?
    public var last: HostSample?
    /// Recent values, one a second, oldest first (what a graph can show).
    public var cpu: [Double]
    public var mem: [Double]

    public init(hostname: String? = nil, last: HostSample? = nil, cpu: [Double] = [], mem: [Double] = []) {
        self.hostname = hostname; self.last = last; self.cpu = cpu; self.mem = mem
    }
}
