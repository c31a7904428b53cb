import Foundation
import PipetopClient
import PipetopCore
import PipetopWire
import Synchronization

/// One demo job's progress through its script, producing the events a real producer would.
struct JobSimulation {
    let script: DemoJob
    private var phase = 0
    private var done = 0.0
    private var stepIndex = 0
    private var phaseStartedAt = 0.0
    private var endedAt: Double?
    private var stalled = false
    /// When a stalled phase last said where it stands (it keeps saying, like a reporter that
    /// wakes up on a timer: the engine sees a live producer whose count does not move).
    private var stalledReportAt = 0.0
    private var pending: [Event] = []
    private var run = 0
    /// A past run that went well: no failure, no stall, its own pace (0.85 to 1.15).
    private let rehearsal: Bool
    private var pace = 1.0
    private let samplePid: Int32?

    /// `runsBefore`: runs of this job already sent (the past runs), so the log counts on.
    init(script: DemoJob, samplePid: Int32? = nil, rehearsal: Bool = false, runsBefore: Int = 0) {
        self.script = script
        self.run = runsBefore
        self.samplePid = samplePid
        self.rehearsal = rehearsal
    }

    var ended: Bool { endedAt != nil }

    static let stalledReportEvery = 5.0

    mutating func drain() -> [Event] {
        defer { pending.removeAll(keepingCapacity: true) }
        return pending
    }

    private mutating func emit(_ body: Event.Body, at t: Double) {
        pending.append(Event(job: script.id, ts: t, body))
    }

    mutating func begin(at t: Double) {
        run += 1
        phase = 0
        done = 0
        stepIndex = 0
        endedAt = nil
        stalled = false
        if rehearsal { pace = Double.random(in: 0.85...1.15) }
        emit(.jobStart(.init(name: script.name, phases: script.phases.map { .init(id: $0.id, name: $0.name == $0.id ? nil : $0.name) },
                             samplePid: samplePid, labels: script.labels.merging(["demo": "true"]) { a, _ in a })), at: t)
        emit(.log(.init(level: .info, message: "run \(run) started")), at: t)
        startPhase(at: t)
    }

    private mutating func startPhase(at t: Double) {
        guard phase < script.phases.count else { return }
        let p = script.phases[phase]
        done = 0
        stepIndex = 0
        phaseStartedAt = t
        if p.skip {
            emit(.phaseEnd(.init(phase: p.id, status: .skipped)), at: t)
            emit(.log(.init(level: .info, message: "skipped: cached result is fresh", phase: p.id)), at: t)
            phase += 1
            startPhase(at: t)
            return
        }
        emit(.phaseStart(.init(phase: p.id, total: p.total, unit: p.unit)), at: t)
        if p.stepSize > 0 { emit(.step(.init(phase: p.id, step: stepName(p, 0), state: .running)), at: t) }
    }

    private func stepName(_ p: DemoPhase, _ i: Int) -> String { "\(p.stepLabel) \(i + 1)" }

    mutating func tick(dt: Double, at t: Double) {
        if let ended = endedAt {
            if !rehearsal, let again = script.restartAfter, t - ended >= again { begin(at: t) }
            return
        }
        guard phase < script.phases.count else { return }
        let p = script.phases[phase]
        if stalled {
            if t - stalledReportAt >= Self.stalledReportEvery {
                stalledReportAt = t
                emit(.progress(.init(phase: p.id, done: Int(done))), at: t)
            }
            return
        }
        let swing = 1 + p.swing * sin((t - phaseStartedAt) / 3.2 + Double(script.id.count))
        let jitter = Double.random(in: 0.85...1.15)
        let before = Int(done)
        done = min(Double(p.total), done + p.rate * pace * dt * swing * jitter)
        var now = Int(done)
        if !rehearsal, let stall = p.stallAt, now >= stall {
            now = stall
            done = Double(stall)
            stalled = true
            stalledReportAt = t
            emit(.progress(.init(phase: p.id, done: now)), at: t)
            emit(.log(.init(level: .warn, message: p.stallLog, phase: p.id)), at: t)
            return
        }
        if !rehearsal, let failAt = p.failAt, now >= failAt {
            emit(.progress(.init(phase: p.id, done: failAt, failed: 3)), at: t)
            if p.stepSize > 0 {
                emit(.step(.init(phase: p.id, step: stepName(p, stepIndex), state: .failed, detail: p.failReason)), at: t)
            }
            emit(.log(.init(level: .error, message: p.failReason, phase: p.id)), at: t)
            emit(.phaseEnd(.init(phase: p.id, status: .failed, error: p.failReason)), at: t)
            emit(.jobEnd(.init(status: .failed, error: "\(p.name) failed: \(p.failReason)")), at: t)
            endedAt = t
            return
        }
        if now != before { emit(.progress(.init(phase: p.id, done: now)), at: t) }
        if p.stepSize > 0 {
            while (stepIndex + 1) * p.stepSize <= now {
                emit(.step(.init(phase: p.id, step: stepName(p, stepIndex), state: .done)), at: t)
                emit(.log(.init(level: .info, message: "\(stepName(p, stepIndex)) done: \(p.stepSize) \(p.unit ?? "items")", phase: p.id)), at: t)
                if stepIndex % 7 == 3 {
                    emit(.log(.init(level: .warn, message: "\(stepName(p, stepIndex)) needed 2 retries (timeout)", phase: p.id)), at: t)
                }
                stepIndex += 1
                if stepIndex * p.stepSize < p.total {
                    let from = stepIndex * p.stepSize
                    emit(.step(.init(phase: p.id, step: stepName(p, stepIndex), state: .running,
                                     detail: "items \(from)-\(min(p.total, from + p.stepSize))")), at: t)
                }
            }
        }
        if now >= p.total {
            emit(.phaseEnd(.init(phase: p.id, status: .done)), at: t)
            emit(.checkpoint(.init(name: "\(p.id) done", phase: p.id, data: .object([("items", .int(p.total))]))), at: t)
            phase += 1
            if phase >= script.phases.count {
                emit(.jobEnd(.init(status: .completed)), at: t)
                endedAt = t
            } else {
                startPhase(at: t)
            }
        }
    }
}
