import Testing
@testable import PipetopCore
@testable import PipetopWire

@Suite("JSON parser")
struct JSONParserTests {
    @Test func parsesEveryKindOfValue() throws {
        let v = try JSONParser.parse(#"{"a":1,"b":-2.5e2,"c":"x\"y\u00e9\ud83d\ude00","d":[true,false,null],"e":{}}"#)
        #expect(v["a"] == .int(1))
        #expect(v["b"] == .double(-250))
        #expect(v["c"] == .string("x\"yé😀"))
        #expect(v["d"] == .array([.bool(true), .bool(false), .null]))
        #expect(v["e"] == .object([]))
    }

    @Test func integersStayExactAndOverflowBecomesDouble() throws {
        #expect(try JSONParser.parse("9223372036854775807") == .int(Int.max))
        #expect(try JSONParser.parse("-9223372036854775808") == .int(Int.min))
        #expect(try JSONParser.parse("9223372036854775808") == .double(9223372036854775808))
    }

    @Test(arguments: [
        ("{", "unexpected end of line"),
        ("{\"a\" 1}", "expected ':'"),
        ("{\"a\":1,}", "expected a quoted member name"),
        ("[1 2]", "expected ',' or ']'"),
        ("01", "leading zeros"),
        ("NaN", "NaN and Infinity"),
        ("1e999", "number out of range"),
        ("\"a\u{01}b\"", "control character"),
        ("\"\\x\"", "invalid escape"),
        ("\"\\ud800\"", "lone surrogate"),
        ("{} x", "unexpected text after"),
        ("tru", "expected true"),
    ])
    func refusesBadJSONWithAReason(_ text: String, _ reason: String) {
        do {
            _ = try JSONParser.parse(text)
            Issue.record("accepted \(text)")
        } catch {
            #expect(error.message.contains(reason), "\(error.message)")
        }
    }

    @Test func refusesInvalidUTF8() {
        let bytes: [UInt8] = Array(#"{"a":""#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8)
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(bytes) }
    }

    @Test func deepNestingIsRefusedWithoutExhaustingTheStack() {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        do {
            _ = try JSONParser.parse(deep)
            Issue.record("accepted 10,000 levels")
        } catch {
            #expect(error.message.contains("nesting deeper than 64"))
        }
        let ok = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        #expect((try? JSONParser.parse(ok)) != nil)
    }

    @Test func writerEscapesAndRoundTrips() throws {
        let v: JSONValue = .object([("s", .string("a\"b\\c\nd\u{1B}[31m")), ("n", .double(1.5)), ("i", .int(-3))])
        let text = JSONWriter.string(v)
        #expect(!text.contains("\n"))
        #expect(!text.contains("\u{1B}"))
        #expect(try JSONParser.parse(text) == v)
    }
}
