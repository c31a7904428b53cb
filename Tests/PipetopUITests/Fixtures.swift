import Foundation
@testable import PipetopCore
@testable import PipetopUI

/// A fixed pipeline state for the golden screens: every phase state, a failure with a
/// failed step, a stall, wide characters and an escape sequence in names.
enum Fixture {
    static let t0 = 1_763_900_000.0  // 2025-11-23 12:13:20 UTC

    static func state() throws -> PipelineState {
        var s = PipelineState()
        func at(_ dt: Double, _ job: String, _ body: Event.Body) throws { try s.apply(Event(job: job, body), now: t0 + dt) }

        try at(0, "etl", .jobStart(.init(name: "etl-orders", phases: ["extract", "clean", "enrich", "load", "publish"].map { .init(id: $0) })))
        try at(0, "etl", .phaseStart(.init(phase: "extract", total: 1800, unit: "rows")))
        try at(1, "etl", .progress(.init(phase: "extract", done: 1800)))
        try at(1, "etl", .phaseEnd(.init(phase: "extract", status: .done)))
        try at(1, "etl", .phaseEnd(.init(phase: "clean", status: .skipped)))
        try at(1, "etl", .phaseStart(.init(phase: "enrich", total: 1800, unit: "rows")))
        try at(2, "etl", .step(.init(phase: "enrich", step: "batch 4", state: .running)))
        try at(3, "etl", .progress(.init(phase: "enrich", done: 1230, failed: 3)))
        try at(3, "etl", .step(.init(phase: "enrich", step: "batch 4", state: .failed, detail: "lookup: connection reset by peer")))
        try at(3, "etl", .log(.init(level: .error, message: "lookup service: connection reset by peer", phase: "enrich")))
        try at(3, "etl", .phaseEnd(.init(phase: "enrich", status: .failed, error: "lookup service: connection reset by peer")))
        try at(3, "etl", .jobEnd(.init(status: .failed, error: "enrich failed")))
        try at(4, "etl", .ack(.init(alert: "etl/-/job-failed#1", by: "bob@laptop")))

        try at(-200, "imp", .jobStart(.init(name: "nightly-import", phases: ["fetch", "validate", "transform", "load"].map { .init(id: $0) }, pid: 4242)))
        try at(-200, "imp", .phaseStart(.init(phase: "fetch", total: 12000, unit: "pages")))
        try at(-100, "imp", .progress(.init(phase: "fetch", done: 12000)))
        try at(-100, "imp", .phaseEnd(.init(phase: "fetch")))
        try at(-100, "imp", .phaseStart(.init(phase: "validate", total: 120_000, unit: "records")))
        for k in 1...20 { try at(-100 + Double(k * 5), "imp", .progress(.init(phase: "validate", done: k * 2_500))) }
        try at(-5, "imp", .step(.init(phase: "validate", step: "shard 6", state: .running, detail: "records 50000-60000")))
        try at(-2, "imp", .log(.init(level: .warn, message: "slow shard: 3 retries", phase: "validate")))
        try at(-1, "imp", .alert(.init(severity: .warning, message: "API quota at 90%", phase: "fetch", name: "quota")))
        try at(-1, "imp", .checkpoint(.init(name: "validated 50000", phase: "validate")))

        try at(-300, "gen", .jobStart(.init(name: "genome-align \u{1B}[31mNA12878", phases: ["fastqc", "align", "sort"].map { .init(id: $0) })))
        try at(-300, "gen", .phaseStart(.init(phase: "fastqc", total: 48)))
        try at(-250, "gen", .progress(.init(phase: "fastqc", done: 48)))
        try at(-250, "gen", .phaseEnd(.init(phase: "fastqc")))
        try at(-250, "gen", .phaseStart(.init(phase: "align", total: 2000, unit: "Mreads")))
        try at(-150, "gen", .progress(.init(phase: "align", done: 1240)))

        // Sixty seconds of sampler readings: the host, and the import job's process tree.
        for k in 0..<60 {
            let t = t0 - 60 + Double(k)
            let wave = Double(k % 20) / 20
            s.apply(SamplerReading(at: t, host: HostSample(cpuPercent: 20 + 60 * wave, perCore: [10 + 80 * wave, 30 + 40 * wave],
                                                           memTotal: 8 << 30, memAvailable: (5 << 30) - k * (16 << 20), swapTotal: 0, swapFree: 0,
                                                           load1: 1.5, load5: 1.2, load15: 0.9),
                                   jobs: ["imp": TreeSample(cpuPercent: 95 * wave, cpuSeconds: 0.95 * wave, rss: (200 << 20) + k * (4 << 20),
                                                            processes: 3, threads: 9, readBytes: 1 << 20, writeBytes: 2 << 20, interval: 1)]))
        }

        try at(-900, "ml", .jobStart(.init(name: "学習ジョブ resnet50 training run", phases: ["prepare", "train"].map { .init(id: $0) })))
        try at(-900, "ml", .phaseStart(.init(phase: "prepare", total: 100)))
        try at(-800, "ml", .progress(.init(phase: "prepare", done: 100)))
        try at(-800, "ml", .phaseEnd(.init(phase: "prepare")))
        try at(-800, "ml", .phaseStart(.init(phase: "train", total: 30, unit: "epochs")))
        try at(-700, "ml", .progress(.init(phase: "train", done: 30)))
        try at(-700, "ml", .jobEnd(.init(status: .completed)))
        return s
    }

    /// The Board a dashboard looking at everything would get (steps and timelines of every
    /// job: each screen below shows what its focus would bring).
    static func board(_ s: PipelineState, now: Double = t0 + 10) -> Board { BoardProjector.board(s, now: now, options: .everything) }

    static func model(selected: String? = nil) throws -> DashboardModel {
        var m = DashboardModel(board: board(try state()), now: t0 + 10, host: "build-3", socket: "/run/user/1000/pipetop/pipetop.sock",
                               link: .live, user: "ana@build-3")
        m.nav.selectedJob = selected
        return m
    }
}

/// Compares `text` with a checked-in golden file; PIPETOP_UPDATE_GOLDEN=1 rewrites it.
func matchesGolden(_ text: String, _ name: String, filePath: String = #filePath) throws -> Bool {
    let url = URL(fileURLWithPath: filePath).deletingLastPathComponent().appendingPathComponent("Golden/\(name).txt")
    if ProcessInfo.processInfo.environment["PIPETOP_UPDATE_GOLDEN"] == "1" {
        try (text + "\n").write(to: url, atomically: true, encoding: .utf8)
        return true
    }
    let expected = try String(contentsOf: url, encoding: .utf8)
    if expected == text + "\n" { return true }
    print("--- golden \(name) differs; got:\n\(text)\n--- (PIPETOP_UPDATE_GOLDEN=1 swift test rewrites it)")
    return false
}

/// Views print local times: pin the zone so golden screens match everywhere.
let utc: Void = {
    setenv("TZ", "UTC", 1)
    tzset()
}()
