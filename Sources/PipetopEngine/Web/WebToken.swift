import Foundation

/// The bearer token of the web API (`--http`): made at the first start with 32 random bytes,
/// kept in a file only its owner can read (0600), printed by `pipetop token`. A request that
/// needs it sends `Authorization: Bearer TOKEN`.
public struct WebToken: Sendable {
    public let value: String
    public let path: String

    /// `$XDG_STATE_HOME/pipetop/http-token`, else `$HOME/.local/state/pipetop/http-token`.
    public static func defaultPath(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let s = environment["XDG_STATE_HOME"], s.hasPrefix("/") { return s + "/pipetop/http-token" }
        let home = environment["HOME"].flatMap { $0.hasPrefix("/") ? $0 : nil } ?? NSHomeDirectory()
        return home + "/.local/state/pipetop/http-token"
    }

    /// The token in `path`, made there first when the file does not exist. A file others
    /// can read, or one that does not hold a token, is refused with a sentence.
    public static func loadOrCreate(_ path: String) throws -> WebToken {
        if let t = try read(path) { return t }
        let dir = (path as NSString).deletingLastPathComponent
        // The state directory is private like the spool's (0700) when pipetop makes it.
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        var rng = SystemRandomNumberGenerator()
        let value = (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &rng)) }.joined()
        // O_EXCL: two engines starting at once do not each write their own token.
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            if errno == EEXIST, let t = try read(path) { return t }
            throw SocketPathError("cannot make the web token file \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        let line = Array((value + "\n").utf8)
        guard write(fd, line, line.count) == line.count else {
            unlink(path)
            throw SocketPathError("cannot write the web token file \(path): \(String(cString: strerror(errno)))")
        }
        return WebToken(value: value, path: path)
    }

    /// The token in an existing file (nil when there is none).
    static func read(_ path: String) throws -> WebToken? {
        var st = stat()
        guard stat(path, &st) == 0 else {
            if errno == ENOENT { return nil }
            throw SocketPathError("cannot read the web token file \(path): \(String(cString: strerror(errno)))")
        }
        guard st.st_mode & 0o077 == 0 else {
            throw SocketPathError("the web token file \(path) can be read by other users (mode \(String(st.st_mode & 0o777, radix: 8))): `chmod 600 \(path)` or remove it for a new one")
        }
        guard st.st_uid == getuid() else {
            throw SocketPathError("the web token file \(path) belongs to another user")
        }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw SocketPathError("cannot read the web token file \(path)")
        }
        let value = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard value.utf8.count >= 16, !value.contains(where: { $0.isWhitespace }) else {
            throw SocketPathError("the web token file \(path) does not hold a token (at least 16 characters on one line): remove it for a new one")
        }
        return WebToken(value: value, path: path)
    }

    /// Whether an `Authorization` header carries this token. Compares every byte whatever
    /// differs first, so the time taken does not tell how much of a guess was right.
    public func admits(authorization header: String?) -> Bool {
        guard let header, header.lowercased().hasPrefix("bearer ") else { return false }
        let given = Array(header.dropFirst("bearer ".count).trimmingCharacters(in: .whitespaces).utf8)
        let want = Array(value.utf8)
        var diff = UInt8(given.count == want.count ? 0 : 1)
        for i in 0..<want.count { diff |= want[i] ^ (i < given.count ? given[i] : 0) }
        return diff == 0
    }
}
