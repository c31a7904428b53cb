import Testing
@testable import pipetop

/// What a failed `pipetop run` job says went wrong: the last error line, then its context.
@Suite("pipetop run: the failure reason")
struct FailureReasonTests {
    @Test func linesThatOnlyPointAtSomethingAreLeftOut() {
        // Python 3.11's traceback ends with a line of carets under the failing call.
        let tail = ["  File \"t.py\", line 3, in <module>", "    time.sleep(1)", "    ^^^^^^^^^^^^^", "KeyboardInterrupt"]
        #expect(JobEnding.quoting(tail, after: "killed by signal 2") == "killed by signal 2: KeyboardInterrupt (after: time.sleep(1))")
    }
}
