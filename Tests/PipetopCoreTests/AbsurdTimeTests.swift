import Testing
@testable import PipetopCore

/// Times and durations come from other engines and producers: absurd ones must print as a
/// placeholder, never trap (a remote `now` of 2e62 crashed the dashboard, found by fuzzing).
@Suite struct AbsurdTimeTests {
    @Test func absurdTimesPrintAPlaceholder() {
        for t in [2.2e62, -2.2e62, Double.infinity, -Double.infinity, Double.nan, 9.3e18] {
            #expect(Format.clock(t) == "--:--:--", "\(t)")
            #expect(Format.finish(t, now: 0) == "-", "\(t)")
            #expect(Format.duration(t) == "-", "\(t)")
        }
        #expect(Format.duration(90) == "1m30s")
        #expect(Format.clock(0).count == 8)
    }
}
