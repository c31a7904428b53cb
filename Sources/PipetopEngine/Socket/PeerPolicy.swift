import Foundation
import NIOCore
import PipetopWire
#if canImport(Glibc)
import Glibc
#endif

/// Who may use the engine: the user it runs as, root, and (when configured) the members of
/// one group. Checked with SO_PEERCRED on every connection before a line is read; a refused
/// client gets one error line (`"line":0`) with the reason, then the connection is closed.
public struct PeerPolicy: Sendable, Equatable {
    /// The engine's own user.
    public let ownerUID: uid_t
    /// The group whose members are let in too (nil: nobody else).
    public let group: (name: String, gid: gid_t)?

    public static func == (a: PeerPolicy, b: PeerPolicy) -> Bool {
        a.ownerUID == b.ownerUID && a.group?.gid == b.group?.gid && a.group?.name == b.group?.name
    }

    /// Only the engine's user (and root).
    public static var ownerOnly: PeerPolicy { PeerPolicy(ownerUID: getuid(), group: nil) }

    public init(ownerUID: uid_t = getuid(), group: (name: String, gid: gid_t)?) {
        self.ownerUID = ownerUID
        self.group = group
    }

    /// The engine's user plus the members of `groupName` (a name or a numeric gid).
    public init(allowGroup groupName: String?) throws {
        guard let name = groupName, !name.isEmpty else { self.init(group: nil); return }
        if let g = getgrnam(name) {
            self.init(group: (name, g.pointee.gr_gid))
        } else if let n = UInt32(name), let g = getgrgid(n) {
            self.init(group: (String(cString: g.pointee.gr_name), n))
        } else {
            throw SocketPathError("--allow-group: there is no group '\(name)'")
        }
    }

    /// nil when a process with these credentials may use the engine, else why not.
    public func refusal(uid: uid_t, gid: gid_t, pid: pid_t) -> String? {
        // Root can read and write the socket whatever its mode: refusing it would protect nothing.
        if uid == ownerUID || uid == 0 { return nil }
        if let g = group, Self.isMember(uid: uid, gid: gid, pid: pid, of: g.gid) { return nil }
        var why = "uid \(uid) may not use this engine (it belongs to uid \(ownerUID))"
        if let g = group {
            why += "; only members of group '\(g.name)' are let in besides its owner"
        } else {
            why += "; its owner can let a group in with `pipetop daemon --allow-group NAME` or [engine] allow_group in config.toml"
        }
        return why
    }

    /// Whether the peer is in group `target`: its primary group, the supplementary groups of
    /// the connecting process (/proc/PID/status, when that process is still the same user's),
    /// or the group's member list.
    static func isMember(uid: uid_t, gid: gid_t, pid: pid_t, of target: gid_t) -> Bool {
        if gid == target { return true }
        if pid > 0, let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) {
            var uidMatches = false
            var groups: [gid_t] = []
            for line in text.split(separator: "\n") {
                if line.hasPrefix("Uid:") {
                    uidMatches = line.split(whereSeparator: { $0 == "\t" || $0 == " " }).dropFirst().first.flatMap { uid_t($0) } == uid
                } else if line.hasPrefix("Groups:") {
                    groups = line.dropFirst(7).split(whereSeparator: { $0 == "\t" || $0 == " " }).compactMap { gid_t($0) }
                }
            }
            if uidMatches { return groups.contains(target) }
        }
        guard let pw = getpwuid(uid), let gr = getgrgid(target) else { return false }
        let user = String(cString: pw.pointee.pw_name)
        var p = gr.pointee.gr_mem
        while let m = p?.pointee {
            if String(cString: m) == user { return true }
            p = p! + 1
        }
        return false
    }
}

/// The handler a refused connection gets instead of the engine's: it writes the reason as an
/// error line for line 0 (no line of the client's is read), then closes.
final class RefusingHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    let reason: String

    init(reason: String) { self.reason = reason }

    func channelActive(context: ChannelHandlerContext) {
        var buf = context.channel.allocator.buffer(capacity: 256)
        buf.writeString(Reply.error(line: 0, reason: reason).line)
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(buf)).whenComplete { _ in channel.close(promise: nil) }
    }

    /// Whatever the client sent is dropped unread.
    func channelRead(context: ChannelHandlerContext, data: NIOAny) {}
}
