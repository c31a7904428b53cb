import Foundation
import Testing
@testable import PipetopCore

/// A phase's CPU average is its CPU seconds over the time they were used in, and never above
/// its peak: the first reading's CPU (used since the tree started) and the end totals' (used
/// after the last reading) come with the time they cover.
@Suite("Phase CPU average and peak")
struct PhaseCPUAverageTests {
    func reading(_ s: inout PipelineState, at t: Double, cpu: Double, interval: Double) {
        s.apply(SamplerReading(at: t, host: nil, jobs: ["j1": TreeSample(cpuPercent: interval > 0 ? cpu / interval * 100 : 0, cpuSeconds: cpu,
                                                                         rss: 1_000, processes: 1, threads: 1, readBytes: 0, writeBytes: 0, interval: interval)]))
    }

    /// One thread busy for 3.35 s on a shared machine (65% of a core), read three times,
    /// then the rusage at the end: as `pipetop run -- python3 -c 'busy loop'` reported it
    /// "avg 108%, peak 67%".
    @Test func aBusyThreadAveragesItsShareAndNeverMoreThanItsPeak() throws {
        var s = try started(["run"])
        try s.apply(ev(.phaseStart(.init(phase: "run"))), now: 100)
        reading(&s, at: 100.5, cpu: 0.33, interval: 0)
        reading(&s, at: 101.5, cpu: 0.65, interval: 1)
        reading(&s, at: 102.5, cpu: 0.67, interval: 1)
        try s.apply(ev(.jobEnd(.init(status: .completed, totals: RunTotals(cpuSeconds: 2.2)))), now: 103.35)
        let u = try #require(s[job: "j1"]?.phase("run")?.usage)
        let avg = try #require(u.averageCPU)
        #expect(abs(avg - 2.2 / 3.35 * 100) < 0.5, "avg \(avg)%: CPU seconds over the 3.35 s the phase ran")
        #expect(avg <= u.peakCPU, "avg \(avg)% above peak \(u.peakCPU)%")
        #expect(u.peakCPU <= 100.5, "one thread: peak \(u.peakCPU)%")
    }

    /// A command that ended before the sampler ever read it: its rusage is all there is.
    @Test func aCommandNeverSampledAveragesOverItsDuration() throws {
        var s = try started(["run"])
        try s.apply(ev(.phaseStart(.init(phase: "run"))), now: 100)
        try s.apply(ev(.jobEnd(.init(status: .completed, totals: RunTotals(cpuSeconds: 0.4)))), now: 100.8)
        let u = try #require(s[job: "j1"]?.phase("run")?.usage)
        #expect(abs((u.averageCPU ?? 0) - 50) < 0.5)
        #expect((u.averageCPU ?? 0) <= u.peakCPU)
    }

    /// A clock tick of CPU found a few milliseconds after the last reading is no rate.
    @Test func aTickJustAfterTheLastReadingIsNoPeak() throws {
        var s = try started(["run"])
        try s.apply(ev(.phaseStart(.init(phase: "run"))), now: 100)
        reading(&s, at: 100.5, cpu: 0, interval: 0)
        reading(&s, at: 101.5, cpu: 0.1, interval: 1)
        try s.apply(ev(.jobEnd(.init(status: .completed, totals: RunTotals(cpuSeconds: 0.11)))), now: 101.505)
        let u = try #require(s[job: "j1"]?.phase("run")?.usage)
        #expect(u.peakCPU < 11)
    }

    /// An idle command (`bash -c 'echo; sleep 1'` in a loop): its start-up CPU came in the
    /// first reading, a tenth of a second after the phase began (too short a time to be a
    /// rate), then it slept. That CPU is in the average; it was in no peak, so a report said
    /// "avg 83%, peak 0%". The whole sampled time is itself a window the sampler read, so the
    /// peak is never below the average, at any moment and at the end.
    @Test func anIdleCommandsStartUpNeverLiftsTheAverageAboveThePeak() throws {
        var s = try started(["run"])
        try s.apply(ev(.phaseStart(.init(phase: "run"))), now: 100)
        reading(&s, at: 100.1, cpu: 0.083, interval: 0)
        for k in 1...5 {
            reading(&s, at: 100.1 + Double(k), cpu: 0, interval: 1)
            let u = try #require(s[job: "j1"]?.phase("run")?.usage)
            #expect((u.averageCPU ?? 0) <= u.peakCPU, "after \(k) s idle: avg \(u.averageCPU ?? 0)% above peak \(u.peakCPU)%")
        }
        // A command that ended a tenth of a second after it began, never read: one window.
        var q = try started(["run"])
        try q.apply(ev(.phaseStart(.init(phase: "run"))), now: 100)
        try q.apply(ev(.jobEnd(.init(status: .completed, totals: RunTotals(cpuSeconds: 0.083)))), now: 100.1)
        let short = try #require(q[job: "j1"]?.phase("run")?.usage)
        #expect((short.averageCPU ?? 0) <= short.peakCPU, "avg \(short.averageCPU ?? 0)% above peak \(short.peakCPU)%")
    }
}
