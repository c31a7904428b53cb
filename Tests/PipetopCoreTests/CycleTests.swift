import Foundation
import Testing
@testable import PipetopCore

/// Issue 22: a rate that cycles is found in a phase's own progress, and nothing else is.
@Suite("A cycling rate is seen")
struct CycleTests {
    /// A phase's rate window after `seconds` of work at `rate(t)` items a second, counted
    /// four times a second as a client library reports.
    static func window(seconds: Double, rate: (Double) -> Double) -> RateWindow {
        var w = RateWindow(), done = 0.0, t = 0.0
        w.record(0, at: 0)
        while t < seconds {
            t += 0.25
            done += rate(t) * 0.25
            w.record(Int(done), at: t)
        }
        return w
    }

    @Test func aDayNightCycleIsFoundWithItsPeriod() throws {
        let w = Self.window(seconds: 1000) { t in 2 / pow(1 + 0.5 * sin(2 * .pi * t / 400), 2) }
        let c = try #require(Cycle(w, end: 1000))
        #expect(abs(c.period - 400) < 20, "period \(c.period)")
        // Whole cycles: the time to do one period's items again is one period.
        #expect(abs(c.seconds(for: c.itemsPerPeriod, w) - c.period) < 5)
    }

    @Test func aSteadyRateAWarmUpAndASlowdownAreNoCycle() {
        #expect(Cycle(Self.window(seconds: 1000) { _ in 3 }, end: 1000) == nil)
        #expect(Cycle(Self.window(seconds: 1000) { t in 3 / (1 + 4 * exp(-t / 100)) }, end: 1000) == nil)
        #expect(Cycle(Self.window(seconds: 1000) { t in t < 500 ? 4 : 1 }, end: 1000) == nil)
    }

    @Test func oneAndAHalfPeriodsAreNeededBehind() {
        // A period of 400 s: after 500 s, not yet.
        #expect(Cycle(Self.window(seconds: 500) { t in 2 / pow(1 + 0.5 * sin(2 * .pi * t / 400), 2) }, end: 500) == nil)
    }
}
