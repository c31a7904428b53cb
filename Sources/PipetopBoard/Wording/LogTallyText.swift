/// A job's trouble in one line, as the job screen and `report` say it:
/// "3 errors, 12 warnings (http 9, parse 3)".
public enum LogTallyText {
    /// nil when there is nothing to say.
    public static func line(errors: Int, tally: LogTally?, categoriesShown: Int = 4) -> String? {
        let warnings = tally?.warnings ?? 0
        var parts: [String] = []
        if errors > 0 { parts.append("\(errors) error\(errors == 1 ? "" : "s")") }
        if warnings > 0 { parts.append("\(warnings) warning\(warnings == 1 ? "" : "s")") }
        guard !parts.isEmpty || !(tally?.categories.isEmpty ?? true) else { return nil }
        var text = parts.joined(separator: ", ")
        let ranked = tally?.ranked ?? []
        if !ranked.isEmpty {
            var shown = ranked.prefix(categoriesShown).map { "\($0.name) \($0.count)" }
            if ranked.count > categoriesShown { shown.append("+\(ranked.count - categoriesShown) more") }
            text += (text.isEmpty ? "" : " ") + "(" + shown.joined(separator: ", ") + ")"
        }
        return text
    }
}
