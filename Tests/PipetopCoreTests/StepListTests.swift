import Foundation
import Testing
@testable import PipetopCore

/// What a phase keeps of its sub-steps: every running and failed step, the newest done ones
/// and the slowest others in detail; the rest summarised.
struct StepListTests {
    /// `n` steps run and finish in turn, one a second; step i takes `duration(i)` seconds.
    func finished(_ n: Int, start: Double = 1_700_000_000, duration: (Int) -> Double = { _ in 1 },
                  failed: (Int) -> Bool = { _ in false }) -> StepList {
        var list = StepList()
        for i in 0..<n {
            let t = start + Double(i)
            list.upsert(id: "item \(i)", state: .running, detail: "GET /items?page=\(i)", at: t)
            list.upsert(id: "item \(i)", state: failed(i) ? .failed : .done, detail: failed(i) ? "HTTP 503" : nil, at: t + duration(i))
        }
        return list
    }

    @Test func aThousandDoneStepsKeepTheNewestAndTheSlowestAndSummariseTheRest() {
        // Step 500 took 40 s, step 20 took 30 s; the others 1 s.
        let list = finished(1_000, duration: { $0 == 500 ? 40 : $0 == 20 ? 30 : 1 })
        #expect(list.total == 1_000)
        #expect(list.count + list.dropped == 1_000)
        #expect(list.count <= StepList.keepDone + StepList.keepSlowest + 32 + 1)
        #expect(list.count >= StepList.keepDone + StepList.keepSlowest)
        // The newest done ones are all there, and the two slow ones.
        for i in 900..<1_000 { #expect(list["item \(i)"]?.state == .done) }
        #expect(list["item 500"]?.duration(now: 0) == 40)
        #expect(list["item 20"]?.duration(now: 0) == 30)
        #expect(list["item 300"] == nil)
        // What is no longer listed is summed up.
        let keptSeconds = list.items.reduce(0) { $0 + $1.duration(now: 0) }
        #expect(list.folded.seconds + keptSeconds == 998 + 40 + 30)
        #expect(list.folded.longest == 1)
        #expect(list.longest == 40)
        #expect(list.folded.failed == 0)
        // Kept steps stay in the order they first appeared, with their details.
        let ids = list.items.map(\.id)
        #expect(ids.first == "item 20" && ids.last == "item 999")
        #expect(list["item 999"]?.detail == "GET /items?page=999")
    }

    @Test func runningAndFailedStepsAreAlwaysKept() {
        var list = finished(2_000, failed: { $0 % 100 == 7 })
        list.upsert(id: "slow one", state: .running, detail: nil, at: 1_700_000_000)
        for i in 0..<2_000 { list.upsert(id: "late \(i)", state: .done, detail: nil, at: 1_700_005_000 + Double(i)) }
        #expect(list["slow one"]?.state == .running)
        #expect(list.runningCount == 1)
        #expect(list.failedCount == 20)
        for i in stride(from: 7, to: 2_000, by: 100) { #expect(list["item \(i)"]?.detail == "HTTP 503") }
        #expect(list.total == 4_001)
        #expect(list.items.filter { $0.state == .failed }.count == 20)
    }

    @Test func pastTheLimitTheOldestFailedStepsAreFoldedButNoRunningOne() {
        var list = StepList()
        list.upsert(id: "runner", state: .running, detail: nil, at: 0)
        for i in 0..<(StepList.limit + 100) { list.upsert(id: "f\(i)", state: .failed, detail: "no", at: Double(i)) }
        #expect(list.count <= StepList.limit)
        #expect(list["runner"]?.state == .running)
        #expect(list["f\(StepList.limit + 99)"]?.state == .failed)
        #expect(list["f0"] == nil)
        #expect(list.folded.failed == list.dropped)
        #expect(list.total == StepList.limit + 101)
        #expect(list.failedCount + list.folded.failed == StepList.limit + 100)
    }

    @Test func everyKeptStepIsFoundByItsIdAfterFolding() {
        var list = finished(5_000, duration: { Double($0 % 13) })
        #expect(list.dropped > 0)
        for s in list.items { #expect(list[s.id] == s) }
        // A kept step moves on in place; an unknown id is a new step.
        list.upsert(id: "item 4999", state: .running, detail: "retry", at: 1_700_010_000)
        #expect(list["item 4999"]?.state == .running && list["item 4999"]?.detail == "retry")
        #expect(list.runningCount == 1)
        let before = list.total
        list.upsert(id: "new", state: .done, detail: nil, at: 1_700_010_001)
        #expect(list.total == before + 1)
    }

    @Test func timesKeepMillisecondsAndDetailsSurviveReplacement() {
        var list = StepList()
        let t0 = 1_763_900_000.123
        list.upsert(id: "a", state: .running, detail: "first", at: t0)
        list.upsert(id: "b", state: .running, detail: nil, at: t0 + 3_600.5)
        list.upsert(id: "a", state: .done, detail: "second, longer detail", at: t0 + 12.25)
        let a = list["a"]!
        #expect(abs(a.startedAt - t0) < 0.001 && abs(a.endedAt! - (t0 + 12.25)) < 0.001)
        #expect(a.detail == "second, longer detail")
        #expect(abs(list["b"]!.startedAt - (t0 + 3_600.5)) < 0.001)
        #expect(list["b"]?.detail == nil && list["b"]?.endedAt == nil)
        // Replaced details are packed away: the list does not grow with rewrites.
        for i in 0..<10_000 { list.upsert(id: "b", state: .running, detail: "progress \(i) of 10000", at: t0 + 4_000) }
        #expect(list["b"]?.detail == "progress 9999 of 10000")
        #expect(list.count == 2)
    }

    @Test func snapshotsBeforeFoldingReadAndAreFoldedOnRead() throws {
        // The format kept before folding: every step as an object, and `dropped`.
        var items: [String] = []
        for i in 0..<500 {
            items.append(#"{"id":"s\#(i)","state":"done","startedAt":\#(100 + i),"endedAt":\#(101 + i)\#(i == 42 ? #","detail":"slow""# : "")}"#)
        }
        items.append(#"{"id":"r","state":"running","startedAt":700}"#)
        let json = #"{"items":[\#(items.joined(separator: ","))],"dropped":7}"#
        let list = try JSONDecoder().decode(StepList.self, from: Data(json.utf8))
        #expect(list.total == 501 + 7)
        #expect(list["r"]?.state == .running)
        #expect(list["s499"]?.endedAt == 600)
        #expect(list.count <= StepList.keepDone + StepList.keepSlowest + 1)
        // What is written now reads back the same.
        let again = try JSONDecoder().decode(StepList.self, from: try JSONEncoder().encode(list))
        #expect(again == list)
        #expect(again.folded == list.folded)
    }

    @Test func aSmallListIsKeptWhole() throws {
        let list = finished(100, failed: { $0 == 17 })
        #expect(list.count == 100 && list.dropped == 0)
        #expect(list.items.map(\.id) == (0..<100).map { "item \($0)" })
        let again = try JSONDecoder().decode(StepList.self, from: try JSONEncoder().encode(list))
        #expect(again == list)
    }

    @Test func anEndedPhaseKeepsFewerDoneStepsButEveryFailure() throws {
        var s = PipelineState()
        try s.apply(Event(job: "j", .jobStart(.init(name: "j", phases: [.init(id: "p"), .init(id: "q")]))), now: 0)
        for i in 0..<300 {
            try s.apply(Event(job: "j", .step(.init(phase: "p", step: "s\(i)", state: .running))), now: Double(i))
            try s.apply(Event(job: "j", .step(.init(phase: "p", step: "s\(i)", state: i % 50 == 3 ? .failed : .done))),
                        now: Double(i) + (i == 10 ? 9 : 1))
        }
        let running = try #require(s[job: "j"]?.phase("p")?.steps)
        #expect(running.doneKept >= StepList.keepDone)
        try s.apply(Event(job: "j", .phaseEnd(.init(phase: "p", status: .done))), now: 400)
        let ended = try #require(s[job: "j"]?.phase("p")?.steps)
        #expect(ended.settled)
        #expect(ended.doneKept == StepList.keepDoneSettled + StepList.keepSlowest)
        #expect(ended.failedCount == 6)
        #expect(ended.total == 300)
        #expect(ended["s10"]?.duration(now: 0) == 9)  // the slowest stays
        #expect(ended["s299"]?.state == .done)  // the newest too
        #expect(ended.longest == 9)
        // The job's end settles a phase left running.
        for i in 0..<200 { try s.apply(Event(job: "j", .step(.init(phase: "q", step: "t\(i)", state: .done))), now: 500 + Double(i)) }
        try s.apply(Event(job: "j", .jobEnd(.init(status: .completed))), now: 800)
        let q = try #require(s[job: "j"]?.phase("q")?.steps)
        #expect(q.settled && q.doneKept == StepList.keepDoneSettled + StepList.keepSlowest && q.total == 200)
    }

    @Test func aRetriedPhaseKeepsTheNewestAgain() {
        var p = Phase(id: "p")
        p.state = .running
        for i in 0..<200 { p.steps.upsert(id: "s\(i)", state: .done, detail: nil, at: Double(i)) }
        p.state = .failed
        #expect(p.steps.settled && p.steps.doneKept == StepList.keepDoneSettled + StepList.keepSlowest)
        p.state = .running
        #expect(!p.steps.settled)
        for i in 200..<400 { p.steps.upsert(id: "s\(i)", state: .done, detail: nil, at: Double(i)) }
        #expect(p.steps.doneKept >= StepList.keepDone + StepList.keepSlowest)
        #expect(p.steps.total == 400)
    }
}
