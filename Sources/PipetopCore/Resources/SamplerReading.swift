/// What the sampler read from /proc in one tick. Applied by the reducer like every other
/// change (`PipelineState.apply(_ reading:)`).
public struct SamplerReading: Sendable, Equatable {
    public var at: Double
    public var host: HostSample?
    /// Per job id: its process tree now.
    public var jobs: [String: TreeSample]
    /// Jobs whose watched process (`Job.pid`) is gone though they have not ended: lost once
    /// that has lasted `Job.lostGrace` (see `PipelineState.noteGone`).
    public var gone: Set<String>
    public init(at: Double, host: HostSample?, jobs: [String: TreeSample], gone: Set<String> = []) {
        self.at = at; self.host = host; self.jobs = jobs; self.gone = gone
    }
}
