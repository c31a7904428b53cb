import Testing
import PipetopBoard

@Suite struct ETAWordingTests {
    func job(remaining: Double, confidence: BoardETA.Confidence) -> BoardJob {
        BoardJob(id: "j", name: "j", state: .running, startedAt: 0,
                 eta: BoardETA(madeAt: 100, remaining: remaining, low: remaining, high: remaining * 2, confidence: confidence, frozen: false))
    }

    @Test func aLowerBoundOfNothingIsNeverShown() {
        // "at least 0s" says nothing: the columns say "-", report says nothing.
        #expect(ETAWording.job(job(remaining: 30, confidence: .lowerBound), now: 130, form: .short, marks: .plain).0 == "-")
        #expect(ETAWording.sentence(job(remaining: 30, confidence: .lowerBound), now: 130) == "")
        #expect(ETAWording.job(job(remaining: 30, confidence: .lowerBound), now: 110, form: .short, marks: .plain).0 == ">=20s")
        #expect(ETAWording.job(job(remaining: 30, confidence: .rough), now: 130, form: .short, marks: .plain).0 == "~0s")
    }
}
