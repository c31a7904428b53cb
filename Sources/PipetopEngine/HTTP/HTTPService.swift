/// One thing an `HTTPListener` serves (`/metrics`, Nextflow's weblog; later the web API of
/// issue 23). A listener asks its services in order; the first that answers wins.
public protocol HTTPService: Sendable {
    /// What it serves, for the 404 sentence ("GET /metrics").
    var served: String { get }
    /// The answer to `request`, or nil when the request is not for this service.
    func answer(_ request: HTTPRequest) -> HTTPAnswer?
}
