extension PipelineState {
    /// Applies one sampler tick: the host's figures and each sampled job's tree. Running
    /// phases are charged with the tree's CPU time and I/O, split evenly when several run.
    public mutating func apply(_ r: SamplerReading) {
        if let h = r.host {
            host.last = h
            host.cpu.append(h.cpuPercent, at: r.at)
            host.mem.append(h.memPercent, at: r.at)
        }
        noteGone(r.gone, at: r.at)
        for (id, sample) in r.jobs where jobs[id].map({ !$0.state.isTerminal }) ?? false {
            // In place (through the dictionary's accessor): a copy of the job would share the
            // timelines' buffers and make every append copy a whole timeline (40 KB a job).
            jobs[id]!.absorb(sample, at: r.at)
        }
    }
}
