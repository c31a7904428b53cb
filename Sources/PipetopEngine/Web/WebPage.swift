import NIOCore
import NIOHTTP1

/// `GET /`: the live page (docs/WEB.md). It holds no data, so it is served without the
/// token; what it reads from the API asks for the token beyond loopback.
struct WebPage {
    static func answer(_ request: HTTPRequest) -> HTTPAnswer? {
        guard request.path == "/" || request.path == "/index.html" else { return nil }
        guard request.method == .GET else { return nil }  // the weblog takes POST /
        var b = ByteBufferAllocator().buffer(capacity: WebPageHTML.text.utf8.count)
        b.writeString(WebPageHTML.text)
        var a = HTTPAnswer(status: .ok, contentType: "text/html; charset=utf-8", body: b)
        // Nothing but this page's own script and the engine's API, even if a job's string
        // ever got parsed as HTML.
        a.headers = [("Content-Security-Policy", "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"),
                     ("X-Content-Type-Options", "nosniff"), ("Referrer-Policy", "no-referrer"), ("Cache-Control", "no-cache")]
        return a
    }
}
