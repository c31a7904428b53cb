import Foundation
import PipetopCore
#if canImport(Glibc)
import Glibc
#endif

/// The loop both follow commands run: reads the log's new lines into events until the log
/// says the run ended, the tool's process is gone, or the log was replaced by a new run's;
/// then reads once more, as the last lines (the final error) may come a moment later.
enum LogFollowLoop {
    /// How often the log is read for new lines, in seconds.
    static let poll = 0.2

    enum Outcome: Equatable { case ended, processGone, replaced }

    static func run<Log: FollowedLog>(_ log: inout Log, tail: FileLineTail, send: (Event) -> Void,
                                      replaced: () -> Bool = { false }) -> Outcome {
        var stop: Outcome?
        var lastLook = false
        while true {
            let lines = tail.read()
            for line in lines {
                if log.live { log.now = Date().timeIntervalSince1970 }
                for e in log.feed(line) { send(e) }
            }
            guard lines.isEmpty else { continue }
            for e in log.caughtUp() { send(e) }
            // All that was written before is read: from here on, lines happen now.
            log.live = true
            if lastLook { break }
            if log.ended || stop != nil { lastLook = true; Thread.sleep(forTimeInterval: poll); continue }
            if let pid = log.pid, kill(pid, 0) != 0, errno == ESRCH { stop = .processGone; continue }
            // A new run rolled the log away: this one will say no more.
            if replaced() { stop = .replaced; continue }
            Thread.sleep(forTimeInterval: poll)
        }
        log.now = Date().timeIntervalSince1970
        // The loop ends only after the log said so or `stop` was set.
        return log.ended ? .ended : stop!
    }
}
