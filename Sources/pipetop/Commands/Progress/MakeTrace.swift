/// GNU make's `--trace` (stdout): `Makefile:12: update target 'x' due to: a b` or
/// `Makefile:3: target 'x' does not exist` as the recipe of x starts; and its error line
/// (stderr) `make: *** [Makefile:12: x] Error 1` (`make[2]: ...` in a sub-make) when it fails.
/// Each target is a step.
enum MakeTrace {
    struct Line: Equatable, Sendable {
        var target: String
        /// nil while it runs; the error ("Error 1", "Interrupt") when it failed.
        var error: String?
    }

    private static let starts = LinePattern(#"^[^\s:][^:]*:\d+: (?:update )?target '(.+)' (?:does not exist|due to: )"#)
    private static let fails = LinePattern(#"^\S*make(?:\[\d+\])?: \*\*\* \[[^\]]*?:\d+: (.+)\] (.+)$"#)

    /// Whether the line may be one: what is looked for in the output before parsing.
    static let needles = ["target '", "*** ["]

    static func read(_ line: String) -> Line? {
        if line.contains("target '"), let g = starts.groups(line) { return Line(target: g[0]) }
        if line.contains("*** ["), let g = fails.groups(line) { return Line(target: g[0], error: g[1]) }
        return nil
    }
}
