import Foundation

/// Weblog events as Nextflow's nf-weblog plugin (1.1.2, WebLogObserver.sendHttpMessage) posts
/// them: `{runName, runId, event, utcTime, trace | metadata}`; `trace` is TraceRecord's store
/// (field names of Nextflow 26.08.0-edge's TraceRecord.FIELDS, filled as
/// TaskHandler.getTraceRecord fills them), `metadata` is `{parameters, workflow}`.
struct NextflowWeblog {
    let runName: String
    let runId: String
    /// The run's start, epoch milliseconds; events come a second apart from it.
    var clock: Int = 1_796_180_000_000

    init(runName: String, runId: String = "3f6c2a9e-1b7d-4c55-9a0e-5d2f8b1c7e44") {
        self.runName = runName; self.runId = runId
    }

    private mutating func head(_ event: String) -> String {
        clock += 1000
        let utc = ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: Double(clock / 1000)))
        return #""runName":"\#(runName)","runId":"\#(runId)","event":"\#(event)","utcTime":"\#(utc)""#
    }

    mutating func started(project: String = "rnaseq-mini") -> String {
        let h = head("started")
        return #"{\#(h),"metadata":{"parameters":{"reads":"data/*_{1,2}.fq.gz","outdir":"results"},"workflow":{"runName":"\#(runName)","sessionId":"\#(runId)","projectName":"\#(project)","scriptName":"main.nf","launchDir":"/home/ana/rnaseq","workDir":"/home/ana/rnaseq/work","start":"2026-12-02T03:40:00Z","complete":null,"success":false,"errorMessage":null,"exitStatus":null,"resume":false,"manifest":{"name":null,"version":null},"stats":{"succeededCount":0,"failedCount":0}}}}"#
    }

    /// A task event: `status` SUBMITTED, RUNNING, COMPLETED, FAILED or ABORTED.
    mutating func task(_ event: String, id: Int, process: String, tag: String?, index: Int, status: String, attempt: Int = 1,
                       exit: Int = 2147483647, errorAction: String? = nil) -> String {
        let h = head(event)
        let name = "\(process) (\(tag ?? String(index)))"
        var t = #""task_id":\#(id),"status":"\#(status)","hash":"a1/0024fd","name":"\#(name)","exit":\#(exit),"submit":\#(clock - 500),"#
        t += #""start":\#(event == "process_submitted" ? "0" : String(clock - 300)),"process":"\#(process)","tag":\#(tag.map { "\"\($0)\"" } ?? "null"),"#
        t += #""module":[],"container":null,"attempt":\#(attempt),"script":"\n    salmon quant -i index\n    ","scratch":null,"#
        t += #""workdir":"/home/ana/rnaseq/work/a1/0024fd028375e2b601aaed44d112e3","queue":null,"cpus":2,"memory":4294967296,"#
        t += #""disk":null,"time":3600000,"env":null,"error_action":\#(errorAction.map { "\"\($0)\"" } ?? "null")"#
        if event == "process_completed" {
            t += #","complete":\#(clock),"duration":1500,"realtime":1200,"%cpu":180.5,"%mem":0.4,"vmem":54259712,"rss":10469376,"#
            t += #""peak_vmem":20185088,"peak_rss":524288000,"rchar":7597,"wchar":162,"syscr":16,"syscw":40,"read_bytes":4096,"write_bytes":8192"#
        }
        return #"{\#(h),"trace":{\#(t)}}"#
    }

    mutating func submitted(_ id: Int, _ process: String, _ tag: String?, index: Int = 1, attempt: Int = 1) -> String {
        task("process_submitted", id: id, process: process, tag: tag, index: index, status: "SUBMITTED", attempt: attempt)
    }

    mutating func running(_ id: Int, _ process: String, _ tag: String?, index: Int = 1, attempt: Int = 1) -> String {
        task("process_started", id: id, process: process, tag: tag, index: index, status: "RUNNING", attempt: attempt)
    }

    mutating func completed(_ id: Int, _ process: String, _ tag: String?, index: Int = 1, attempt: Int = 1) -> String {
        task("process_completed", id: id, process: process, tag: tag, index: index, status: "COMPLETED", attempt: attempt, exit: 0)
    }

    mutating func failed(_ id: Int, _ process: String, _ tag: String?, index: Int = 1, attempt: Int = 1, exit: Int = 1, action: String) -> String {
        task("process_completed", id: id, process: process, tag: tag, index: index, status: "FAILED", attempt: attempt, exit: exit, errorAction: action)
    }

    /// Session.notifyError: the task that stopped the run.
    mutating func error(_ id: Int, _ process: String, _ tag: String?, exit: Int = 1) -> String {
        let failed = task("process_completed", id: id, process: process, tag: tag, index: 1, status: "FAILED", exit: exit, errorAction: "TERMINATE")
        return failed.replacingOccurrences(of: #""event":"process_completed""#, with: #""event":"error""#)
    }

    mutating func finished(success: Bool, errorMessage: String? = nil) -> String {
        let h = head("completed")
        let err = errorMessage.map { "\"\($0)\"" } ?? "null"
        return #"{\#(h),"metadata":{"parameters":{"outdir":"results"},"workflow":{"runName":"\#(runName)","projectName":"rnaseq-mini","scriptName":"main.nf","launchDir":"/home/ana/rnaseq","success":\#(success),"errorMessage":\#(err),"exitStatus":\#(success ? 0 : 1),"duration":12000,"stats":{"succeededCount":3}}}}"#
    }
}
