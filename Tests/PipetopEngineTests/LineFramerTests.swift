import Testing
@testable import PipetopEngine

/// The framer must give the same lines however the stream is cut into reads.
@Suite struct LineFramerTests {
    enum Out: Equatable { case line(String), tooLong(Int) }

    func frame(_ text: String, cuts: [Int], limit: Int) -> [Out] {
        var framer = LineFramer(limit: limit)
        let bytes = Array(text.utf8)
        var out: [Out] = []
        var start = 0
        for end in cuts.sorted() + [bytes.count] where end >= start {
            bytes[start..<end].withUnsafeBytes { raw in
                framer.feed(raw) { piece in
                    switch piece {
                    case .line(let l): out.append(.line(String(decoding: l, as: UTF8.self)))
                    case .tooLong(let n): out.append(.tooLong(n))
                    }
                }
            }
            start = end
        }
        return out
    }

    @Test func linesComeOutWholeWhereverTheReadsAreCut() {
        let long = String(repeating: "x", count: 25)
        let text = "a\nbb\n\n\(long)\nccc\n\(long + long)\nd\ntail-without-newline"
        let expected: [Out] = [.line("a"), .line("bb"), .line(""), .tooLong(25), .line("ccc"), .tooLong(50), .line("d")]
        #expect(frame(text, cuts: [], limit: 20) == expected)
        // Every single cut, and many random sets of cuts.
        for cut in 0...text.utf8.count {
            #expect(frame(text, cuts: [cut], limit: 20) == expected, "cut at \(cut)")
        }
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<300 {
            let cuts = (0..<Int.random(in: 1...12, using: &rng)).map { _ in Int.random(in: 0...text.utf8.count, using: &rng) }
            #expect(frame(text, cuts: cuts, limit: 20) == expected, "cuts \(cuts)")
        }
    }

    @Test func aLineExactlyAtTheLimitIsKept() {
        let at = String(repeating: "y", count: 20)
        #expect(frame("\(at)\n", cuts: [7], limit: 20) == [.line(at)])
        #expect(frame("\(at)z\n", cuts: [7], limit: 20) == [.tooLong(21)])
    }

    @Test func aPartialLastLineIsDroppedAtTheEnd() {
        // Were "abc" kept past finish(), the next line would read "abcdef".
        var framer = LineFramer(limit: 20)
        var lines: [String] = []
        let collect: (LineFramer.Piece) -> Void = { piece in
            if case .line(let l) = piece { lines.append(String(decoding: l, as: UTF8.self)) }
        }
        Array("abc".utf8).withUnsafeBytes { raw in framer.feed(raw, collect) }
        framer.finish()
        Array("def\n".utf8).withUnsafeBytes { raw in framer.feed(raw, collect) }
        #expect(lines == ["def"])
    }
}
