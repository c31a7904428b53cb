import Testing
@testable import PipetopEngine

/// A webhook's answer counts once its status code is whole: with or without a line end.
@Suite("Webhook status lines")
struct HTTPStatusTests {
    func code(_ s: String, complete: Bool = false) -> Int? { HTTPPost.statusCode(Array(s.utf8), complete: complete) }

    @Test func theCodeIsKnownOnceItIsFollowedByASpaceOrALineEnd() {
        #expect(code("HTTP/1.1 200 OK") == 200)
        #expect(code("HTTP/1.1 204\r\n") == 204)
        #expect(code("HTTP/1.0 500 ") == 500)
        #expect(code("HTTP/1.1 20") == nil)      // more may come
        #expect(code("HTTP/1.1 200") == nil)     // "2000"? wait for the next byte...
        #expect(code("HTTP/1.1 200", complete: true) == 200)  // ...unless the answer ended
        #expect(code("HTTP/1.1 2x0 OK") == nil)
        #expect(code("garbage 200 OK") == nil)
        #expect(code("") == nil)
    }
}
