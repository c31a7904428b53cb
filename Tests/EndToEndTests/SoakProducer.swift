import Foundation

/// One producer of the Board soak: a job at a time, each batch a random but valid mix of what
/// jobs send (progress, steps, checkpoints, logs, metrics, pauses, failures, alerts, rules),
/// stamped on a clock `skew` seconds behind the engine's (nil stamps: `index` 2 sends no `ts`).
struct SoakProducer {
    let index: Int
    let skew: Double
    private(set) var jobsStarted = 0
    private var job: String?
    /// The id of the job that ended last: the next may be a new run under it.
    private var ended: String?
    private var done = 0, bDone = 0, step = 0, checkpoint = 0
    private var paused = false, bFailed = false

    init(index: Int, skew: Double) { self.index = index; self.skew = skew }

    /// `,"ts":T` on this producer's clock (none for the producer that sends no times).
    private var ts: String {
        index == 2 ? "" : #","ts":\#(Date().timeIntervalSince1970 - skew)"#
    }

    mutating func batch(using rng: inout SeededRNG) -> [String] {
        var lines: [String] = []
        let id: String
        if let job { id = job } else {
            jobsStarted += 1
            // Half the time a new run of the job that ended (run 2, 3... under the same id).
            if let again = ended, Bool.random(using: &rng) { id = again } else { id = "p\(index)-\(jobsStarted)" }
            job = id
            done = 0; bDone = 0; step = 0; checkpoint = 0; paused = false; bFailed = false
            lines.append(#"{"type":"job.start","job":"\#(id)","name":"soak \#(index)","labels":{"producer":"\#(index)"},"phases":["a","b"]\#(ts)}"#)
            lines.append(#"{"type":"rule","job":"\#(id)","rule":{"name":"queue-high","metric":"metric:queue","op":">","value":80,"severity":"warning"}\#(ts)}"#)
            lines.append(#"{"type":"phase.start","job":"\#(id)","phase":"a","total":100000,"unit":"rows"\#(ts)}"#)
        }
        if paused {
            lines.append(#"{"type":"job.state","job":"\#(id)","state":"running"\#(ts)}"#)
            paused = false
        }
        for _ in 0..<Int.random(in: 5...30, using: &rng) {
            switch Int.random(in: 0..<20, using: &rng) {
            case 0..<7:
                done += Int.random(in: 1...50, using: &rng)
                lines.append(#"{"type":"progress","job":"\#(id)","phase":"a","done":\#(done)\#(ts)}"#)
            case 7..<9 where !bFailed:
                bDone += Int.random(in: 1...5, using: &rng)
                lines.append(#"{"type":"progress","job":"\#(id)","phase":"b","done":\#(bDone)\#(ts)}"#)
            case 9..<11:
                step += 1
                let state = ["done", "failed", "running"].randomElement(using: &rng)!
                lines.append(#"{"type":"step","job":"\#(id)","phase":"a","step":"s\#(step)","state":"running"\#(ts)}"#)
                lines.append(#"{"type":"step","job":"\#(id)","phase":"a","step":"s\#(step)","state":"\#(state)","detail":"item \#(step)"\#(ts)}"#)
            case 11:
                checkpoint += 1
                lines.append(#"{"type":"checkpoint","job":"\#(id)","name":"c\#(checkpoint)","phase":"a","data":{"seq":\#(checkpoint)}\#(ts)}"#)
            case 12:
                let level = ["info", "warn", "error"].randomElement(using: &rng)!
                lines.append(#"{"type":"log","job":"\#(id)","level":"\#(level)","message":"at \#(done)","phase":"a"\#(ts)}"#)
            case 13, 14:
                lines.append(#"{"type":"metric","job":"\#(id)","name":"queue","value":\#(Int.random(in: 0...100, using: &rng)),"kind":"gauge"\#(ts)}"#)
            case 15:
                let resolved = Bool.random(using: &rng) ? #","resolved":true"# : ""
                lines.append(#"{"type":"alert","job":"\#(id)","severity":"warning","message":"quota at 90%","name":"quota"\#(resolved)\#(ts)}"#)
            case 16:
                // A pause and its resume; now and then the pause is left standing.
                lines.append(#"{"type":"job.state","job":"\#(id)","state":"paused"\#(ts)}"#)
                if Bool.random(using: &rng) {
                    lines.append(#"{"type":"job.state","job":"\#(id)","state":"running"\#(ts)}"#)
                } else {
                    paused = true
                    return lines
                }
            case 17 where !bFailed:
                lines.append(#"{"type":"phase.end","job":"\#(id)","phase":"b","status":"failed","error":"disk full"\#(ts)}"#)
                bFailed = true
            default:
                done += 1
                lines.append(#"{"type":"progress","job":"\#(id)","phase":"a","inc":1\#(ts)}"#)
            }
        }
        // Now and then the job ends, completed or failed; the next batch starts another.
        if Int.random(in: 0..<6, using: &rng) == 0 {
            let failed = Bool.random(using: &rng)
            lines.append(#"{"type":"job.end","job":"\#(id)","status":"\#(failed ? "failed" : "completed")"\#(failed ? #","error":"exit 3""# : "")\#(ts)}"#)
            ended = id
            job = nil
        }
        return lines
    }
}
