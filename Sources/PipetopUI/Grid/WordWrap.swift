/// Text broken into lines of at most `width` terminal columns, at spaces where it can be; a
/// word longer than a line is cut into pieces (nothing is ever lost off the right edge).
enum WordWrap {
    static func lines(_ text: String, width: Int) -> [String] {
        guard width > 0 else { return [] }
        var out: [String] = []
        var line = "", used = 0
        for word in text.split(separator: " ", omittingEmptySubsequences: false).map(String.init) {
            let w = TextWidth.columns(word)
            if used > 0 && used + 1 + w <= width {
                line += " " + word; used += 1 + w
                continue
            }
            if used > 0 { out.append(line); line = ""; used = 0 }
            var rest = word[...]
            while TextWidth.columns(String(rest)) > width {
                var piece = "", pw = 0
                while let c = rest.first, pw + TextWidth.columns(c) <= width { piece.append(c); pw += TextWidth.columns(c); rest.removeFirst() }
                if piece.isEmpty { piece.append(rest.removeFirst()) }  // a character wider than the line
                out.append(piece)
            }
            line = String(rest); used = TextWidth.columns(line)
        }
        if used > 0 || out.isEmpty { out.append(line) }
        return out
    }
}
