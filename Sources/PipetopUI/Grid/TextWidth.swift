/// Display width of text in terminal columns: CJK and emoji take two, combining marks none.
/// Our own table rather than libc's wcwidth, so the result does not depend on the locale the
/// process runs in (tests and the ASCII tier run under LANG=C).
public enum TextWidth {
    public static func columns(_ c: Character) -> Int {
        let scalars = c.unicodeScalars
        guard let first = scalars.first else { return 0 }
        if first.value < 0x7F { return first.value < 0x20 ? 0 : 1 }
        // An emoji presentation selector makes the cluster wide.
        if scalars.contains(where: { $0.value == 0xFE0F }) { return 2 }
        return columns(first)
    }

    public static func columns(_ u: Unicode.Scalar) -> Int {
        let v = u.value
        if v < 0x20 || (v >= 0x7F && v < 0xA0) { return 0 }
        switch u.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: return 0
        default: break
        }
        if u.properties.isEmojiPresentation { return 2 }
        if isWide(v) { return 2 }
        return 1
    }

    public static func columns(_ s: String) -> Int { s.reduce(0) { $0 + columns($1) } }

    /// East Asian Wide and Fullwidth ranges (Unicode 15, condensed).
    private static func isWide(_ v: UInt32) -> Bool {
        switch v {
        case 0x1100...0x115F, 0x231A...0x231B, 0x2329...0x232A, 0x2E80...0x303E, 0x3041...0x33FF,
             0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF, 0xA960...0xA97F, 0xAC00...0xD7A3,
             0xF900...0xFAFF, 0xFE10...0xFE19, 0xFE30...0xFE6F, 0xFF00...0xFF60, 0xFFE0...0xFFE6,
             0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x2FFFD, 0x30000...0x3FFFD:
            return true
        default:
            return false
        }
    }

    /// Text as it may be shown: control characters (ESC and friends) become visible caret
    /// notation, so nothing a job sends can drive the terminal; the direction marks and
    /// overrides that reorder a line (U+202E makes "gpj.exe" read "exe.jpg") are shown as
    /// `<U+202E>`. `keep` lists controls let through as they are (a report's newlines).
    public static func visible(_ s: String, keep: Set<UInt32> = []) -> String {
        var needs = false
        for u in s.unicodeScalars where needsShowing(u.value) && !keep.contains(u.value) { needs = true; break }
        guard needs else { return s }
        var out = ""
        for u in s.unicodeScalars {
            if keep.contains(u.value) {
                out.unicodeScalars.append(u)
            } else if u.value < 0x20 {
                out += "^" + String(Character(Unicode.Scalar(u.value + 0x40)!))
            } else if u.value == 0x7F {
                out += "^?"
            } else if u.value >= 0x80 && u.value < 0xA0 {
                out += "<" + String(u.value, radix: 16) + ">"
            } else if isDirectionFormat(u.value) {
                out += "<U+" + String(u.value, radix: 16, uppercase: true) + ">"
            } else {
                out.unicodeScalars.append(u)
            }
        }
        return out
    }

    private static func needsShowing(_ v: UInt32) -> Bool {
        v < 0x20 || (v >= 0x7F && v < 0xA0) || isDirectionFormat(v)
    }

    /// Bidirectional marks, embeddings, overrides and isolates.
    private static func isDirectionFormat(_ v: UInt32) -> Bool {
        v == 0x061C || v == 0x200E || v == 0x200F || (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v)
    }

    /// Cuts `s` to at most `width` columns, ending with `ellipsis` when cut. Never splits a
    /// wide character.
    public static func truncate(_ raw: String, to width: Int, ellipsis: String = "…") -> String {
        guard width > 0 else { return "" }
        let s = visible(raw)
        if columns(s) <= width { return s }
        let ew = columns(ellipsis)
        var out = ""
        var used = 0
        for c in s {
            let w = columns(c)
            if used + w > width - ew { break }
            out.append(c)
            used += w
        }
        return out + (ew <= width ? ellipsis : "")
    }

    /// Pads with spaces (or cuts) to exactly `width` columns.
    public static func fit(_ s: String, _ width: Int, ellipsis: String = "…", alignRight: Bool = false) -> String {
        let t = truncate(s, to: width, ellipsis: ellipsis)
        let pad = String(repeating: " ", count: max(0, width - columns(t)))
        return alignRight ? pad + t : t + pad
    }
}
