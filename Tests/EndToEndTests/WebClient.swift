import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// One HTTP request to the web API as any client sends it (URLSession over real TCP): the
/// status, the headers (lower-cased names) and the body.
func webRequest(_ url: String, method: String = "GET", token: String? = nil, body: String? = nil,
                seconds: Double = 5) -> (status: Int, headers: [String: String], body: String) {
    final class Box: @unchecked Sendable { var value = (0, [String: String](), ""); let lock = NSLock() }
    let done = DispatchSemaphore(value: 0)
    let box = Box()
    var request = URLRequest(url: URL(string: url)!, timeoutInterval: seconds)
    request.httpMethod = method
    if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
    if let body { request.httpBody = Data(body.utf8) }
    URLSession.shared.dataTask(with: request) { data, response, _ in
        let r = response as? HTTPURLResponse
        var headers: [String: String] = [:]
        for (k, v) in r?.allHeaderFields ?? [:] { headers[String(describing: k).lowercased()] = String(describing: v) }
        box.lock.withLock { box.value = (r?.statusCode ?? 0, headers, data.map { String(decoding: $0, as: UTF8.self) } ?? "") }
        done.signal()
    }.resume()
    _ = done.wait(timeout: .now() + seconds + 1)
    return box.lock.withLock { box.value }
}

/// A JSON body as a dictionary (nil when it is not a JSON object).
func jsonObject(_ text: String) -> [String: Any]? {
    (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any]
}

/// The token the daemon wrote (it starts its HTTP listener just after its socket answers).
func tokenWritten(_ path: String, seconds: Double = 10) -> String? {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if let t = try? String(contentsOfFile: path, encoding: .utf8), t.hasSuffix("\n") { return t.trimmingCharacters(in: .whitespacesAndNewlines) }
        Thread.sleep(forTimeInterval: 0.05)
    }
    return nil
}

/// Waits until the daemon's HTTP listener takes connections (it starts just after the socket).
func waitForHTTP(_ port: UInt16, seconds: Double = 10) -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if acceptsConnections(port: port) { return true }
        Thread.sleep(forTimeInterval: 0.05)
    }
    return false
}
