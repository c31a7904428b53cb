import Testing
@testable import PipetopCore
@testable import PipetopWire

/// The fast path for progress lines must decode exactly what the general path decodes, and
/// leave every line it does not take (odd forms, bad values) to the general path's errors.
@Suite struct ProgressFastPathTests {
    func fast(_ line: String) -> WireMessage? {
        var bytes = Array(line.utf8)
        return bytes.withUnsafeMutableBufferPointer { ProgressFastPath.decode(UnsafeBufferPointer($0)) }
    }

    func general(_ line: String) -> Result<WireMessage, WireError> {
        var bytes = Array(line.utf8)
        return bytes.withUnsafeMutableBytes { EventDecoder.decodeGeneral(UnsafeRawBufferPointer($0)) }
    }

    @Test func plainProgressLinesTakeTheFastPathAndAgreeWithTheGeneralOne() throws {
        let lines = [
            #"{"type":"progress","job":"etl","phase":"load","done":42}"#,
            #"{"job":"etl","phase":"load","type":"progress","inc":-3}"#,
            #" { "type" : "progress" , "job" : "a b", "phase":"p", "done":0, "total":100, "failed":2, "skipped":1 } "#,
            #"{"type":"progress","job":"j","phase":"p","inc":5,"ts":1763912345.25,"seq":7,"v":1}"#,
            #"{"type":"progress","job":"j","phase":"p","total":9007199254740992,"ts":1763912345}"#,
            #"{"type":"progress","job":"j","phase":"p","done":1,"ts":0.5}"#,
        ]
        for line in lines {
            let f = try #require(fast(line), "fast path should take \(line)")
            #expect(f == (try general(line).get()), "\(line)")
        }
    }

    @Test func everythingElseIsLeftToTheGeneralPath() {
        let lines = [
            #"{"type":"progress","job":"j","phase":"p","done":1,"note":"x"}"#,   // a field progress does not take
            #"{"type":"progress","job":"j\u00e9","phase":"p","done":1}"#,         // an escape
            #"{"type":"progress","job":"jé","phase":"p","done":1}"#,              // non-ASCII
            #"{"type":"progress","job":"j","phase":"p","done":1.0}"#,             // a count written as a decimal
            #"{"type":"progress","job":"j","phase":"p","done":-1}"#,              // refused: negative
            #"{"type":"progress","job":"j","phase":"p","done":9007199254740993}"#, // refused: too large
            #"{"type":"progress","job":"j","phase":"p","done":1,"inc":1}"#,       // refused: both
            #"{"type":"progress","job":"j","phase":"p"}"#,                        // refused: no count
            #"{"type":"progress","job":"","phase":"p","done":1}"#,                // refused: empty id
            #"{"type":"progress","job":"j","phase":"p","done":1,"done":2}"#,      // a repeated field
            #"{"type":"progress","job":"j","phase":"p","done":01}"#,              // refused: leading zero
            #"{"type":"progress","job":"j","phase":"p","done":1,"ts":-5}"#,       // refused: negative ts
            #"{"type":"progress","job":"j","phase":"p","done":1,"ts":1e12}"#,     // refused: far future
            #"{"type":"progress","job":"j","phase":"p","done":1,"v":2}"#,         // refused: version
            #"{"type":"progress","job":"j","phase":"p","done":1} x"#,             // refused: trailing text
            #"{"type":"progress","job":"j","phase":"p","done":1"#,                // refused: unterminated
            #"{"type":"step","job":"j","phase":"p","step":"s","state":"done"}"#,  // another type
            #"{"type":"progress","job":"*","phase":"p","done":1}"#,
        ]
        for line in lines {
            #expect(fast(line) == nil, "\(line)")
        }
    }

    @Test func refusedLinesGetTheGeneralPathsErrors() {
        #expect(EventDecoder.decode(#"{"type":"progress","job":"j","phase":"p","done":-1}"#)
                == .failure(WireError("field 'done' must not be negative, got -1")))
        #expect(EventDecoder.decode(#"{"type":"progress","job":"j","phase":"p","done":1,"inc":1}"#)
                == .failure(WireError("progress takes either 'done' or 'inc', not both")))
    }
}
