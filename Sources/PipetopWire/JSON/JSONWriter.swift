import PipetopCore

/// Writes compact JSON. Used for replies, for events sent by clients (emit, demo), and
/// anywhere the engine talks on the wire, so output is one line with no raw newlines.
public enum JSONWriter {
    public static func string(_ v: JSONValue) -> String {
        var out = ""
        write(v, into: &out)
        return out
    }

    public static func write(_ v: JSONValue, into out: inout String) {
        switch v {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .double(let d): out += number(d)
        case .string(let s): quote(s, into: &out)
        case .array(let items):
            out += "["
            for (k, item) in items.enumerated() {
                if k > 0 { out += "," }
                write(item, into: &out)
            }
            out += "]"
        case .object(let members):
            out += "{"
            for (k, (key, value)) in members.enumerated() {
                if k > 0 { out += "," }
                quote(key, into: &out)
                out += ":"
                write(value, into: &out)
            }
            out += "}"
        }
    }

    /// Finite doubles as JSON numbers; whole values without a fraction; NaN/Inf as null.
    public static func number(_ d: Double) -> String {
        guard d.isFinite else { return "null" }
        if d == d.rounded(), abs(d) < 1e15 { return String(Int(d)) }
        return "\(d)"
    }

    public static func quote(_ s: String, into out: inout String) {
        out += "\""
        // Most strings (ids, names, phases) need no escape: appended whole, not a scalar at a
        // time (a tenth of a busy journal's writer went here). Bytes of multi-byte UTF-8
        // characters are all >= 0x80, so only ASCII bytes are looked at.
        if !s.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C || $0 == 0x7F }) {
            out += s
            out += "\""
            return
        }
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 || u.value == 0x7F {
                    let hex = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        out += "\""
    }
}
