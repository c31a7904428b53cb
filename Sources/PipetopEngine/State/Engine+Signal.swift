import Foundation
import PipetopCore
#if canImport(Glibc)
import Glibc
#endif

extension Engine {
    /// Sends `name` (TERM, INT, HUP, KILL) to the job's process, as htop's F9 does: the process
    /// the job named (`pid`), else the one it is sampled by. KILL cannot be passed on, so it goes
    /// to the whole tree, children first. Only for a peer of the engine's own user, and only to
    /// processes of that user. What happened is logged on the job (who asked, what was sent,
    /// or why not), so every viewer sees it and the journal keeps it. Returns that sentence.
    @discardableResult
    public func signal(job id: String, _ name: String, by who: String?, peerUID: uid_t) -> (sent: Bool, message: String) {
        let asker = who.map { " by \($0)" } ?? ""
        func done(_ sent: Bool, _ message: String) -> (sent: Bool, message: String) {
            if snapshot().state[job: id] != nil {
                _ = apply(Event(job: id, .log(.init(level: sent ? .warn : .error, message: message))))
            }
            return (sent, message)
        }
        guard peerUID == getuid() else {
            return (false, "signal \(name) refused: only the engine's own user may signal its jobs' processes")
        }
        guard let job = snapshot().state[job: id] else { return (false, "signal \(name) refused: no job '\(id)'") }
        guard !job.state.isTerminal else { return done(false, "signal \(name)\(asker) not sent: the job has \(job.state.rawValue)") }
        guard let pid = job.sampledPid, pid > 1 else {
            return done(false, "signal \(name)\(asker) not sent: the job named no process (pid) to signal")
        }
        guard Self.owner(of: pid) == getuid() else {
            return done(false, "signal \(name)\(asker) not sent: process \(pid) is gone or belongs to another user")
        }
        let number: Int32 = ["TERM": SIGTERM, "INT": SIGINT, "HUP": SIGHUP, "KILL": SIGKILL][name] ?? SIGTERM
        let targets = number == SIGKILL ? Self.descendants(of: pid) + [pid] : [pid]
        var sent = 0
        for p in targets where Self.owner(of: p) == getuid() && kill(p, number) == 0 { sent += 1 }
        guard sent > 0 else { return done(false, "signal \(name)\(asker) to process \(pid) failed: \(String(cString: strerror(errno)))") }
        let what = targets.count > 1 ? "process \(pid) and \(sent - 1) of its descendants" : "process \(pid)"
        return done(true, "signal \(name) sent to \(what)\(asker)")
    }

    /// The real uid of a process (nil when it is gone).
    static func owner(of pid: Int32) -> uid_t? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("Uid:") }),
              let uid = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).dropFirst().first.flatMap({ UInt32($0) }) else { return nil }
        return uid
    }

    /// Every process below `pid`, deepest first (parents from /proc/*/stat, read by `ProcParse`).
    static func descendants(of pid: Int32) -> [Int32] {
        var children: [Int32: [Int32]] = [:]
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let p = Int32(entry), let f = ProcFile("/proc/\(entry)/stat", capacity: 1024),
                  let s = f.read({ ProcParse.procStat($0) }) ?? nil else { continue }
            children[s.ppid, default: []].append(p)
        }
        var out: [Int32] = []
        func visit(_ p: Int32) { for c in children[p] ?? [] { visit(c); out.append(c) } }
        visit(pid)
        return out
    }
}
