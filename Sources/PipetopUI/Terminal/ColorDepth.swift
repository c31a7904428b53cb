/// How many colours the terminal shows. Chosen at start from the environment and terminfo,
/// overridable by `--color`.
public enum ColorDepth: String, Sendable, CaseIterable {
    case truecolor, c256 = "256", c8 = "8", none

    /// NO_COLOR (any value) wins; then the terminal's own colour count.
    public static func detect(environment: [String: String], terminalColors: Int, hasColors: Bool) -> ColorDepth {
        if environment["NO_COLOR"] != nil { return .none }
        if !hasColors || terminalColors < 8 { return .none }
        // Direct-colour terminfo (e.g. xterm-direct) reports 2^24 colours; COLORTERM alone
        // cannot make ncurses send 24-bit colours through a 256-colour terminfo.
        if terminalColors >= 1 << 24 { return .truecolor }
        if terminalColors >= 256 { return .c256 }
        return .c8
    }
}
