import Foundation
import NIOHTTP1

/// DNS rebinding: a page of another site whose name is made to resolve to 127.0.0.1 talks to a
/// loopback listener as its own origin, so the browser lets it read the answers (no CORS needed).
/// Its requests carry its own name in `Host`. A loopback listener therefore answers only
/// requests addressed to a loopback name (`localhost`, `*.localhost`, 127.0.0.0/8, `::1`), or
/// with no `Host` at all (HTTP/1.0 clients: not a browser).
enum LoopbackHost {
    /// The host part of a `Host` header (`127.0.0.1:8080`, `[::1]:8080`, `localhost`).
    static func name(_ header: String) -> String {
        let h = header.trimmingCharacters(in: .whitespaces).lowercased()
        if h.hasPrefix("["), let close = h.firstIndex(of: "]") { return String(h[h.index(after: h.startIndex)..<close]) }
        if let colon = h.lastIndex(of: ":"), h[h.index(after: colon)...].allSatisfy(\.isNumber) { return String(h[..<colon]) }
        return h
    }

    static func admits(_ header: String?) -> Bool {
        guard let header else { return true }
        let n = name(header)
        if n == "localhost" || n.hasSuffix(".localhost") || n == "::1" || n == "0:0:0:0:0:0:0:1" { return true }
        let parts = n.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }

    /// 421 for a request to a loopback listener addressed to another name.
    static func refusal(_ request: HTTPRequest) -> HTTPAnswer? {
        let host = request.headers.first(name: "host")
        guard !admits(host) else { return nil }
        return .text(.misdirectedRequest, "this pipetop listens on the loopback only and answers requests addressed to localhost or 127.0.0.1, not to '\(host ?? "")' (a page of another site that resolves its name to this host is refused); to be reached by another name, listen beyond loopback (--http 0.0.0.0:PORT), where every request needs the token")
    }
}
