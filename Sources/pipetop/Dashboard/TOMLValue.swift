import PipetopCore

/// Reads one value of the config file's TOML subset: "string" (with \" \\ \n \t \r \uXXXX
/// escapes), 'literal string', true/false, a number, [array, ...] and { key = value, ... }
/// inline tables, nested. One pass with an explicit stack: linear in the line's length, and
/// bounded (`maxDepth` levels), so no line can make it recurse or take quadratic time.
enum TOMLValue {
    /// Most levels of nesting of arrays and inline tables.
    static let maxDepth = 32

    struct Failure: Error, CustomStringConvertible { var description: String }

    /// Parses the value at the start of `text`; what follows it may only be blanks or a
    /// `# comment`.
    static func parse(_ text: Substring) throws(Failure) -> JSONValue {
        let bytes = Array(text.utf8)
        var i = 0
        func skipBlanks() { while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x09 { i += 1 } }
        func fail(_ why: String) -> Failure { Failure(description: why) }

        /// An open array or inline table, and (for a table) the key its next value goes to.
        struct Open {
            var isTable: Bool
            var items: [JSONValue] = []
            var members: [(String, JSONValue)] = []
            var key: String?
        }
        var stack: [Open] = []
        var result: JSONValue?

        func readString(quote: UInt8) throws(Failure) -> String {
            i += 1
            var out: [UInt8] = []
            while i < bytes.count {
                let c = bytes[i]
                if c == quote { i += 1; return String(decoding: out, as: UTF8.self) }
                if c == 0x5C && quote == 0x22 {  // backslash, in a basic string only
                    guard i + 1 < bytes.count else { break }
                    let e = bytes[i + 1]
                    i += 2
                    switch e {
                    case 0x22: out.append(0x22)
                    case 0x5C: out.append(0x5C)
                    case UInt8(ascii: "n"): out.append(0x0A)
                    case UInt8(ascii: "t"): out.append(0x09)
                    case UInt8(ascii: "r"): out.append(0x0D)
                    case UInt8(ascii: "u"):
                        guard i + 4 <= bytes.count, let v = UInt32(String(decoding: bytes[i..<i + 4], as: UTF8.self), radix: 16),
                              let scalar = Unicode.Scalar(v) else { throw fail("bad \\u escape in a string") }
                        out.append(contentsOf: Array(String(Character(scalar)).utf8))
                        i += 4
                    default: throw fail("unknown escape \\\(Character(Unicode.Scalar(e))) in a string")
                    }
                    continue
                }
                out.append(c)
                i += 1
            }
            throw fail("unterminated string")
        }

        /// A bare word: true, false or a number.
        func readBare() throws(Failure) -> JSONValue {
            let start = i
            while i < bytes.count, !" \t,]}#".utf8.contains(bytes[i]) { i += 1 }
            let word = String(decoding: bytes[start..<i], as: UTF8.self)
            if word == "true" || word == "false" { return .bool(word == "true") }
            let digits = word.replacingOccurrences(of: "_", with: "")
            if let n = Int(digits) { return .int(n) }
            if let d = Double(digits), d.isFinite { return .double(d) }
            throw fail(word.isEmpty ? "a value is missing" : "cannot read value \(word) (strings need quotes)")
        }

        /// Reads an inline table's key and its `=`.
        func readKey() throws(Failure) -> String {
            skipBlanks()
            guard i < bytes.count else { throw fail("unterminated inline table") }
            let key: String
            if bytes[i] == 0x22 || bytes[i] == 0x27 {
                key = try readString(quote: bytes[i])
            } else {
                let start = i
                while i < bytes.count, !" \t=,}".utf8.contains(bytes[i]) { i += 1 }
                key = String(decoding: bytes[start..<i], as: UTF8.self)
            }
            skipBlanks()
            guard !key.isEmpty, i < bytes.count, bytes[i] == UInt8(ascii: "=") else { throw fail("expected { name = value, ... }") }
            i += 1
            return key
        }

        /// A finished value goes into the open container, or is the result.
        func place(_ v: JSONValue) {
            guard !stack.isEmpty else { result = v; return }
            if stack[stack.count - 1].isTable {
                stack[stack.count - 1].members.append((stack[stack.count - 1].key ?? "", v))
                stack[stack.count - 1].key = nil
            } else {
                stack[stack.count - 1].items.append(v)
            }
        }

        while result == nil {
            skipBlanks()
            guard i < bytes.count else { throw fail(stack.isEmpty ? "a value is missing" : "unterminated \(stack.last!.isTable ? "inline table" : "array")") }
            // Inside a container: a closing bracket, or a value (after a comma for the second on).
            if let top = stack.last {
                let close: UInt8 = top.isTable ? UInt8(ascii: "}") : UInt8(ascii: "]")
                let count = top.isTable ? top.members.count : top.items.count
                if bytes[i] == close {
                    i += 1
                    let done = stack.removeLast()
                    place(done.isTable ? .object(done.members) : .array(done.items))
                    continue
                }
                if count > 0 {
                    guard bytes[i] == UInt8(ascii: ",") else { throw fail("expected , or \(Character(Unicode.Scalar(close)))") }
                    i += 1
                    skipBlanks()
                    // A trailing comma before the bracket is allowed.
                    if i < bytes.count, bytes[i] == close { continue }
                }
                if top.isTable { stack[stack.count - 1].key = try readKey(); skipBlanks() }
                guard i < bytes.count else { continue }
            }
            switch bytes[i] {
            case 0x22, 0x27: place(.string(try readString(quote: bytes[i])))
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                guard stack.count < maxDepth else { throw fail("nested more than \(maxDepth) levels deep") }
                stack.append(Open(isTable: bytes[i] == UInt8(ascii: "{")))
                i += 1
            default: place(try readBare())
            }
        }
        skipBlanks()
        guard i == bytes.count || bytes[i] == UInt8(ascii: "#") else {
            throw fail("unexpected text after the value: \(String(decoding: bytes[i...].prefix(20), as: UTF8.self))")
        }
        return result!
    }
}
