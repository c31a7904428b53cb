/// How a log message's text becomes log lines: a message holding newlines (a traceback) is
/// several lines, never one line with `^J` in it.
extension LogLine {
    /// The lines of `message` (a final newline ends the last line; `\r\n` counts as one);
    /// at most `Job.maxLogLines`, the last ones, since no more are kept anyway.
    public static func lines(of message: String) -> [String] {
        guard message.utf8.contains(0x0A) else { return [message] }
        // Split on the byte: to Swift's Character view "\r\n" is one character, not a newline.
        var parts = message.utf8.split(separator: 0x0A, omittingEmptySubsequences: false).map { line in
            String(decoding: line.last == 0x0D ? line.dropLast() : line, as: UTF8.self)
        }
        if parts.count > 1 && parts.last == "" { parts.removeLast() }
        return Array(parts.suffix(Job.maxLogLines))
    }

    /// One line that stands for the message where only one fits (an alert's text): its last
    /// line that is neither blank nor indented, so a traceback gives its exception whether
    /// the frames (indented) come before it, as Python prints them, or after it; the message
    /// itself when it is one line.
    public static func summary(of message: String) -> String {
        guard message.utf8.contains(0x0A) else { return message }
        let shown = lines(of: message).filter { !$0.allSatisfy(\.isWhitespace) }
        return shown.last { !($0.first?.isWhitespace ?? true) } ?? shown.last ?? ""
    }
}
