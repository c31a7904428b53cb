import PipetopCore

/// The task fields of a weblog event's `trace`: Nextflow's `TraceRecord` store as the nf-weblog
/// plugin sends it (`trace = record.getStore()`). Field names and units from Nextflow's
/// TraceRecord.FIELDS and TaskHandler.getTraceRecord (26.08.0-edge): times are epoch
/// milliseconds, durations milliseconds, `%cpu` a percentage of one core, memory in bytes.
/// Every field may be missing or null (`trace.fields` can narrow them; a task not yet run has
/// no figures).
public struct WeblogTrace: Sendable, Equatable {
    /// `task_id` (a number on the wire; kept as text).
    public var taskID: String?
    public var process: String?
    public var tag: String?
    /// The task's name: "PROCESS (tag)" or "PROCESS (index)".
    public var name: String?
    /// NEW, SUBMITTED, RUNNING, COMPLETED, FAILED or ABORTED (TaskHandler.getStatusString).
    public var status: String?
    /// The exit status (Nextflow sends Integer.MAX_VALUE before there is one).
    public var exit: Int?
    public var attempt: Int?
    /// RETRY, IGNORE, TERMINATE or FINISH: what Nextflow does about a failed task.
    public var errorAction: String?
    public var submit: Double?
    public var start: Double?
    public var complete: Double?
    /// Milliseconds the task ran.
    public var realtime: Double?
    /// `%cpu`: 100 = one core busy over the task's run.
    public var cpuPercent: Double?
    /// `peak_rss`, bytes.
    public var peakRSS: Double?
    public var readBytes: Double?
    public var writeBytes: Double?

    public init() {}

    init(_ v: JSONValue) {
        taskID = v["task_id"].flatMap(Self.text)
        process = v["process"].flatMap(Self.text)
        tag = v["tag"].flatMap(Self.text)
        name = v["name"].flatMap(Self.text)
        status = v["status"].flatMap(Self.text)
        exit = v["exit"]?.number.flatMap { $0.isFinite && abs($0) < 1e9 ? Int($0) : nil }
        attempt = v["attempt"]?.number.flatMap { $0.isFinite && $0 >= 1 && $0 < 1e6 ? Int($0) : nil }
        errorAction = v["error_action"].flatMap(Self.text)
        submit = Self.figure(v["submit"])
        start = Self.figure(v["start"])
        complete = Self.figure(v["complete"])
        realtime = Self.figure(v["realtime"])
        cpuPercent = Self.figure(v["%cpu"])
        peakRSS = Self.figure(v["peak_rss"])
        readBytes = Self.figure(v["read_bytes"])
        writeBytes = Self.figure(v["write_bytes"])
    }

    /// A string, or a number written as text (`task_id` is a number); empty is none.
    static func text(_ v: JSONValue) -> String? {
        switch v {
        case .string(let s): return s.isEmpty ? nil : s
        case .int(let i): return String(i)
        case .double(let d) where d.isFinite: return d == d.rounded() && abs(d) < 1e15 ? String(Int(d)) : String(d)
        default: return nil
        }
    }

    /// A finite, non-negative number (Nextflow writes "-" or null for none).
    static func figure(_ v: JSONValue?) -> Double? {
        guard let n = v?.number, n.isFinite, n >= 0 else { return nil }
        return n
    }
}
