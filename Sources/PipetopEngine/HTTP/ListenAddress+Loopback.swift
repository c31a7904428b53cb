extension ListenAddress {
    /// Whether only this host can reach it (127.0.0.0/8, ::1, localhost): the web API asks
    /// for its token on every other address.
    public var isLoopback: Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.") || host == "0:0:0:0:0:0:0:1"
    }
}
