import Foundation

/// Reads and writes theme files: one `role = "style"` per line, `#` comments.
///
///     running = "#7dcfff bold"
///     header  = "#e6e6e6 on #263248"
///     text    = ""                     # the terminal's own colours
///
/// A style is an optional foreground (`#rrggbb` or `default`), an optional `on` background,
/// and attributes (bold, dim, reverse, underline, italic). Roles left out keep the default
/// theme's style. Errors name the file, the line and the key.
public enum ThemeFile {
    public struct ParseError: Error, CustomStringConvertible, Equatable {
        public var file: String
        public var line: Int
        public var message: String
        public var description: String { "\(file):\(line): \(message)" }
    }

    /// Every role a theme file may set, in the order `write` prints them.
    nonisolated(unsafe) public static let roles: [(String, WritableKeyPath<Theme, Style>)] = [
        ("text", \.text), ("dim", \.dim), ("title", \.title), ("header", \.header), ("header_accent", \.headerAccent),
        ("selection", \.selection), ("border", \.border), ("footer_key", \.footerKey), ("footer_text", \.footerText),
        ("bar_fill", \.barFill), ("bar_empty", \.barEmpty), ("pending", \.pending), ("running", \.running),
        ("done", \.done), ("failed", \.failed), ("skipped", \.skipped), ("paused", \.paused),
        ("warn", \.warn), ("error", \.error),
    ]

    public static func parse(_ text: String, file: String, base: Theme = .defaultDark) throws(ParseError) -> Theme {
        var theme = base
        theme.name = ((file as NSString).lastPathComponent as NSString).deletingPathExtension
        for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = stripComment(String(raw)).trimmingCharacters(in: .whitespaces)
            if line.isEmpty { continue }
            guard let eq = line.firstIndex(of: "=") else {
                throw ParseError(file: file, line: n + 1, message: "expected key = \"style\"")
            }
            let key = line[..<eq].trimmingCharacters(in: .whitespaces)
            var value = line[line.index(after: eq)...].trimmingCharacters(in: .whitespaces)
            if key == "name" { theme.name = unquote(value); continue }
            guard let role = roles.first(where: { $0.0 == key }) else {
                throw ParseError(file: file, line: n + 1, message: "unknown key '\(key)' (known: name, \(roles.map(\.0).joined(separator: ", ")))")
            }
            guard value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") else {
                throw ParseError(file: file, line: n + 1, message: "key '\(key)': the style must be in double quotes")
            }
            value = unquote(value)
            do {
                theme[keyPath: role.1] = try style(value)
            } catch {
                throw ParseError(file: file, line: n + 1, message: "key '\(key)': \(error.message)")
            }
        }
        return theme
    }

    /// The file text for `theme` (what the files in Themes/ hold).
    public static func write(_ theme: Theme, comment: String) -> String {
        var out = comment.split(separator: "\n").map { "# \($0)" }.joined(separator: "\n") + "\n"
        out += "name = \"\(theme.name)\"\n\n"
        let width = roles.map(\.0.count).max() ?? 0
        for (key, path) in roles {
            out += key.padding(toLength: width, withPad: " ", startingAt: 0) + " = \"\(describe(theme[keyPath: path]))\"\n"
        }
        return out
    }

    struct StyleError: Error { var message: String }

    static func style(_ text: String) throws(StyleError) -> Style {
        var s = Style()
        var words = text.split(separator: " ").map(String.init)[...]
        if let first = words.first, first != "on", Attr.named(first) == nil {
            guard let c = Color(hex: first) else { throw StyleError(message: "'\(first)' is not a colour (#rrggbb or default) or an attribute") }
            s.fg = c
            words = words.dropFirst()
        }
        if words.first == "on" {
            words = words.dropFirst()
            guard let bgText = words.first, let c = Color(hex: bgText) else {
                throw StyleError(message: "'on' must be followed by a colour (#rrggbb or default)")
            }
            s.bg = c
            words = words.dropFirst()
        }
        for w in words {
            guard let a = Attr.named(w) else {
                throw StyleError(message: "'\(w)' is not an attribute (bold, dim, reverse, underline, italic)")
            }
            s.attrs.insert(a)
        }
        return s
    }

    static func describe(_ s: Style) -> String {
        var parts: [String] = []
        if case .rgb = s.fg { parts.append(hex(s.fg)) }
        if case .rgb = s.bg { parts.append(contentsOf: ["on", hex(s.bg)]) }
        for (name, a) in Attr.names where s.attrs.contains(a) { parts.append(name) }
        return parts.joined(separator: " ")
    }

    private static func hex(_ c: Color) -> String {
        guard case let .rgb(r, g, b) = c else { return "default" }
        return String(format: "#%02x%02x%02x", r, g, b)
    }

    private static func stripComment(_ line: String) -> String {
        // A '#' starts a comment unless it is inside quotes (colours are written #rrggbb).
        var inQuotes = false
        for (i, c) in line.enumerated() {
            if c == "\"" { inQuotes.toggle() }
            if c == "#" && !inQuotes { return String(line.prefix(i)) }
        }
        return line
    }

    private static func unquote(_ s: String) -> String {
        s.count >= 2 && s.hasPrefix("\"") && s.hasSuffix("\"") ? String(s.dropFirst().dropLast()) : s
    }

    /// Reads a theme file from disk.
    public static func load(path: String) throws -> Theme {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ParseError(file: path, line: 0, message: "cannot read the file")
        }
        return try parse(text, file: path)
    }
}

extension Attr {
    static let names: [(String, Attr)] = [("bold", .bold), ("dim", .dim), ("reverse", .reverse), ("underline", .underline), ("italic", .italic)]
    static func named(_ s: String) -> Attr? { names.first { $0.0 == s }?.1 }
}
