import Foundation
import Testing
@testable import pipetop
@testable import PipetopCore

/// The follower's reading of `.nextflow.log` lines, applied by the reducer: a `-resume`'s
/// cached tasks, and a task that exited 0 but that Nextflow failed (an output missing).
@Suite("Nextflow log lines")
struct NextflowLogParserTests {
    static let resumed = """
        Dec-02 03:50:00.512 [main] DEBUG nextflow.cli.CmdRun - Launching `nf-core/rnaseq` [brave_lovelace] DSL2 - revision: 3.14.0 [master]
        Dec-02 03:50:00.640 [main] DEBUG nextflow.Session - Session UUID: 9d1c44e0-2b3a-4f6e-8d7c-1a2b3c4d5e6f
        Dec-02 03:50:00.641 [main] DEBUG nextflow.Session - Run name: brave_lovelace
        Dec-02 03:50:01.500 [Actor Thread 4] INFO  nextflow.processor.TaskProcessor - [a1/0024fd] Cached process > NFCORE_RNASEQ:RNASEQ:INDEX
        Dec-02 03:50:01.600 [Task submitter] INFO  nextflow.Session - [b2/33aa11] Submitted process > NFCORE_RNASEQ:RNASEQ:QUANT (s1)
        Dec-02 03:50:03.000 [Task monitor] DEBUG n.processor.TaskPollingMonitor - Task completed > TaskHandler[id: 2; name: NFCORE_RNASEQ:RNASEQ:QUANT (s1); status: COMPLETED; exit: 0; error: -; workDir: /w/b2/33aa11]
        Dec-02 03:50:03.010 [Task monitor] ERROR nextflow.processor.TaskProcessor - Error executing process > 'NFCORE_RNASEQ:RNASEQ:QUANT (s1)'

        Caused by:
          Missing output file(s) `s1/quant.sf` expected by process `NFCORE_RNASEQ:RNASEQ:QUANT (s1)`

        Dec-02 03:50:03.050 [main] DEBUG nextflow.Session - Session aborted -- Cause: Missing output file(s) `s1/quant.sf` expected by process `NFCORE_RNASEQ:RNASEQ:QUANT (s1)`
        Dec-02 03:50:03.350 [main] DEBUG nextflow.script.ScriptRunner - > Execution complete -- Goodbye
        """

    @Test func cachedTasksAreDoneAndAFailedOutputUndoesADone() throws {
        var parser = NextflowLogParser()
        var events: [Event] = []
        for line in Self.resumed.split(separator: "\n", omittingEmptySubsequences: false) { events += parser.feed(String(line)) }
        events += parser.caughtUp()
        #expect(parser.ended)
        events += parser.end()
        var state = PipelineState()
        for e in events { try state.apply(e, now: Date().timeIntervalSince1970) }
        let job = try #require(state[job: "nextflow:brave_lovelace/9d1c44e0"])
        #expect(job.labels["pipeline"] == "nf-core/rnaseq")
        let index = try #require(job.phase("NFCORE_RNASEQ:RNASEQ:INDEX"))
        #expect(index.state == .done && index.done == 1 && index.steps.items.first?.detail == "cached")
        let quant = try #require(job.phase("NFCORE_RNASEQ:RNASEQ:QUANT"))
        #expect(quant.done == 0 && quant.failed == 1, "\(quant.done) done, \(quant.failed) failed")
        #expect(quant.steps.items.first?.detail?.hasPrefix("Missing output file(s)") == true)
        #expect(job.state == .failed && job.error?.hasPrefix("Missing output file(s) `s1/quant.sf`") == true)
    }
}
