import Testing
@testable import PipetopCore

/// A phase's rate window keeps every stretch of a long phase in its fixed memory (issue 22:
/// the cycle search and the backtest read the whole phase).
@Suite("The rate window remembers the whole phase")
struct RateWindowMemoryTests {
    /// Two hours at 2 items a second, then at 6, counted every `every` seconds.
    static func window(every: Double) -> RateWindow {
        var w = RateWindow(), t = 0.0
        w.record(0, at: 0)
        while t < 7200 {
            t += every
            let n = t <= 3600 ? 2 * t : 7200 + 6 * (t - 3600)
            w.record(Int(n), at: t)
        }
        return w
    }

    @Test(arguments: [0.3, 0.6, 2.0])
    func everyStretchKeepsSamples(every: Double) {
        let w = Self.window(every: every)
        #expect(w.samples.count <= RateWindow.capacity)
        // Some sample in every tenth of the phase, so the count there is known, not a line
        // drawn across an hour.
        for k in 0..<10 {
            let a = Double(k) * 720, b = a + 720
            #expect(w.samples.contains { $0.t > a && $0.t <= b }, "no sample between \(a) and \(b) s (updates every \(every) s)")
        }
        // Where the pace changed an hour back, the count is right within 5% (samples there
        // are about a twentieth of their age apart).
        #expect(abs(w.count(at: 3600) - 7200) < 360, "count at the change \(w.count(at: 3600))")
    }

    @Test func steadyUpdatesJustUnderTheSpacingStaySeparate() {
        var w = RateWindow()
        for i in 0...400 { w.record(i, at: Double(i) * 0.4) }
        // Each sample at least `spacing` after the one before, but not merged into one.
        #expect(w.samples.count > 100)
    }
}
