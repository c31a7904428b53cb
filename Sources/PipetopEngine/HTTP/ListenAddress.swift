/// A TCP address to listen on, as `--metrics` and `--weblog` take it: `HOST:PORT`
/// ("127.0.0.1:9464", "[::1]:9464", "0.0.0.0:9464" for every address), or a bare port ("9464")
/// or one without a host (":9464"), which mean loopback only: reaching beyond this host takes
/// a host written out.
public struct ListenAddress: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) { self.host = host; self.port = port }

    /// `option` names the flag in the error ("--metrics").
    public init(_ text: String, option: String = "--metrics") throws {
        let bad = SocketPathError("\(option) wants HOST:PORT or PORT, e.g. 127.0.0.1:9464 or 9464 (got \(text))")
        if let port = Int(text) {
            guard (0...65535).contains(port) else { throw bad }
            self.init(host: "127.0.0.1", port: port)
            return
        }
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else {
            throw bad
        }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if host.isEmpty { host = "127.0.0.1" }
        self.init(host: host, port: port)
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
