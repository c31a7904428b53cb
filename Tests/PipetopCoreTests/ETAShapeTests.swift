import Foundation
import Testing
@testable import PipetopCore

/// Issue 22: on shapes from real pipelines (ETAShapeTraces.swift) pipetop's estimate is never
/// much worse than the plainest one, the overall average, computed here on the same runs; and
/// its calibrated 80% range holds the truth about 80% of the time.
@Suite("ETA on shapes from real pipelines")
struct ETAShapeTests {
    /// A seed none of the tuning used (the benchmark was tuned on seed 42).
    static let seed: UInt64 = 2201

    @Test(arguments: ETAShape.allCases)
    func neverMuchWorseThanTheOverallAverage(_ shape: ETAShape) throws {
        let s = try ETAShapeScore(shape, seed: Self.seed)
        #expect(s.pipetop.count == s.average.count && s.pipetop.count > 100)
        guard shape == .daynight else {
            #expect(s.ratio <= 1.10, "mean log error \(s.ratio)x the overall average's on \(shape)")
            return
        }
        // A rate that cycles: the first cycle cannot be told from a change of pace (docs/ETA.md).
        // Without the fallback to the average this is 2.0x; with it 1.36x.
        #expect(s.ratio <= 1.6, "mean log error \(s.ratio)x the overall average's on \(shape)")
        withKnownIssue("issue 22: daynight misses the 1.10x goal") {
            #expect(s.ratio <= 1.10)
        }
    }

    @Test(arguments: ETAShape.allCases)
    func theCalibratedRangeHoldsTheTruthAboutFourTimesInFive(_ shape: ETAShape) throws {
        let s = try ETAShapeScore(shape, seed: Self.seed)
        #expect(s.calibratedPoints >= 40)
        // 70-90% is the goal; about 80 points give a sampling error of +-5%.
        guard shape == .stragglers else {
            #expect((0.65...0.95).contains(s.coverage), "coverage \(s.coverage) of \(s.calibratedPoints) points on \(shape)")
            return
        }
        // The tail's length varies and comes after 90%, where no error is recorded to calibrate on.
        withKnownIssue("issue 22: the stragglers' range is too narrow") {
            #expect((0.65...0.95).contains(s.coverage))
        }
    }
}
