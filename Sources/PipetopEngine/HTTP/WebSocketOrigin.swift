import Foundation
import NIOHTTP1

/// Browsers apply no same-origin rule to WebSockets: any page the user opens could connect to
/// ws://127.0.0.1:PORT/api/v1/events (a loopback name, so `LoopbackHost` admits it; loopback
/// reads need no token) and read every event, or hold every stream place. A browser always
/// says which page asks (`Origin`), so an upgrade is taken only from a page of this listener's
/// own origin (the page at `/`) or from a client that is not a browser (no `Origin`).
enum WebSocketOrigin {
    /// Host and port of an origin (`http://127.0.0.1:8080`) or a `Host` header
    /// (`127.0.0.1:8080`), the port filled in from the scheme when left out.
    static func hostAndPort(_ text: String, defaultPort: Int) -> (host: String, port: Int)? {
        var rest = text.trimmingCharacters(in: .whitespaces).lowercased()
        var port = defaultPort
        if let scheme = rest.range(of: "://") {
            port = rest[..<scheme.lowerBound] == "https" ? 443 : 80
            rest = String(rest[scheme.upperBound...])
        }
        if let slash = rest.firstIndex(of: "/") { rest = String(rest[..<slash]) }
        guard !rest.isEmpty else { return nil }
        // The port is what follows the last colon, when that is past any `[…]` (an IPv6 address).
        if let colon = rest.lastIndex(of: ":"), colon > (rest.lastIndex(of: "]") ?? rest.startIndex),
           let p = Int(rest[rest.index(after: colon)...]) {
            port = p
        }
        return (LoopbackHost.name(rest), port)
    }

    static func isSameOrigin(origin: String, host: String?) -> Bool {
        guard let host, let o = hostAndPort(origin, defaultPort: 80), let h = hostAndPort(host, defaultPort: 80) else { return false }
        return o.host == h.host && o.port == h.port
    }

    /// 403 for a WebSocket upgrade asked by a page of another origin.
    static func refusal(_ request: HTTPRequest) -> HTTPAnswer? {
        guard request.headers.first(name: "upgrade")?.lowercased() == "websocket",
              let origin = request.headers.first(name: "origin") else { return nil }
        guard !isSameOrigin(origin: origin, host: request.headers.first(name: "host")) else { return nil }
        return .text(.forbidden, "a page of another origin (\(origin)) may not open pipetop's event stream: browsers let any page open a WebSocket to this host, so only pipetop's own page (at / on this address) or a client that is not a browser is served")
    }
}
