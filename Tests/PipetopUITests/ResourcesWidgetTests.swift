import Testing
@testable import PipetopCore
@testable import PipetopUI

/// The job screen's resources section says what the sampler saw: a job sampled five times
/// is never said to have ended before its first sample.
@Suite("Resources widget")
struct ResourcesWidgetTests {
    init() { _ = utc }

    /// A short job with `samples` readings of its process tree, ended or still running.
    static func state(samples: Int, ended: Bool) throws -> PipelineState {
        var s = PipelineState()
        let t0 = Fixture.t0
        try s.apply(Event(job: "short", .jobStart(.init(name: "short-job", phases: [.init(id: "work")], pid: 5151))), now: t0)
        try s.apply(Event(job: "short", .phaseStart(.init(phase: "work", total: 10))), now: t0)
        for k in 0..<samples {
            s.apply(SamplerReading(at: t0 + 1 + Double(k), host: nil,
                                   jobs: ["short": TreeSample(cpuPercent: 50, cpuSeconds: 0.5, rss: 64 << 20, processes: 1, threads: 2,
                                                              readBytes: 0, writeBytes: 0, interval: 1)]))
        }
        if ended { try s.apply(Event(job: "short", .jobEnd(.init(status: .completed))), now: t0 + Double(samples) + 2) }
        return s
    }

    static func jobScreen(_ s: PipelineState, options: BoardOptions, size: (Int, Int) = (80, 24)) -> String {
        let now = Fixture.t0 + 10
        var m = DashboardModel(board: BoardProjector.board(s, now: now, options: options), now: now, host: "build-3",
                               socket: "/run/user/1000/pipetop/pipetop.sock", link: .live, user: "ana@build-3")
        _ = m.nav.handle(.enter, state: m.board, pageSize: size.1 - 8, width: size.0)
        return DashboardView.render(m, width: size.0, height: size.1, glyphs: .utf8, theme: .defaultDark).text
    }

    @Test(arguments: [false, true])
    func fiveSamplesAreShownNotSaidMissing(ended: Bool) throws {
        let s = try Self.state(samples: 5, ended: ended)
        // The dashboard's own Board: the shown job is the focus, so its timeline comes with it.
        let text = Self.jobScreen(s, options: BoardOptions(focusJob: "short"))
        #expect(!text.contains("no samples"), "\(text)")
        #expect(text.contains("cpu 50%") && text.contains("cpu%"), "the facts and the graph: \(text)")
    }

    /// Before the focus brings the timeline, the section still says the job was sampled.
    @Test func aSampledJobWithoutItsTimelineSaysItWasSampled() throws {
        let text = Self.jobScreen(try Self.state(samples: 5, ended: true), options: BoardOptions())
        #expect(!text.contains("no samples"), "\(text)")
        #expect(text.contains("cpu 50%") && text.contains("sampled (its graph comes"), "\(text)")
    }

    /// Only a job with no reading at all says it had none.
    @Test func anUnsampledJobSaysSo() throws {
        let text = Self.jobScreen(try Self.state(samples: 0, ended: true), options: BoardOptions(focusJob: "short"))
        #expect(text.contains("no samples: the job ended before its process was sampled"), "\(text)")
    }
}

extension ResourcesWidgetTests {
    /// A lost job's process is gone: its last reading is not shown as its use now.
    /// The job screen of the job of `state(samples:ended: false)` once the engine has judged
    /// it lost (its process gone without a job.end).
    static func lostJobScreen(samples: Int) throws -> String {
        let s = try state(samples: samples, ended: false)
        let now = Fixture.t0 + 10
        var board = BoardProjector.board(s, now: now, options: BoardOptions(focusJob: "short"))
        board.jobs[0].byEngine = true
        board.jobs[0].error = "process 5151 is gone and sent no job.end"
        var m = DashboardModel(board: board, now: now, host: "build-3", socket: "/run/user/1000/pipetop/pipetop.sock", link: .live, user: "ana@build-3")
        _ = m.nav.handle(.enter, state: m.board, pageSize: 16, width: 80)
        return DashboardView.render(m, width: 80, height: 24, glyphs: .utf8, theme: .defaultDark).text
    }

    @Test func aLostJobIsNotSaidToUseCPUNow() throws {
        let text = try Self.lostJobScreen(samples: 5)
        #expect(text.contains("not sampled since the job went lost") && !text.contains("cpu 50%"), "\(text)")
    }
}

extension ResourcesWidgetTests {
    /// A lost job never sampled is not promised samples "every second while the job runs": its
    /// process went before the sampler saw it.
    @Test func aLostJobNeverSampledSaysItsProcessWent() throws {
        let text = try Self.lostJobScreen(samples: 0)
        #expect(text.contains("no samples: pid 5151 went before it was sampled (the job is lost)"), "\(text)")
        #expect(!text.contains("while the job runs"), "\(text)")
    }
}
