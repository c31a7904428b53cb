/// What one line of a known tool's output says about the work done: counts of a total, a
/// percentage, or bytes with no total (dd). `tool` names the format, for the reader's
/// "a specific format was seen" rule and for tests.
struct ToolProgress: Equatable, Sendable {
    enum Amount: Equatable, Sendable {
        case counts(done: Int, total: Int)
        case percent(Double)
        case bytes(Int)
    }
    var tool: String
    var amount: Amount
    /// What the counts count, when the tool says (tqdm's `unit="rows"`); nil: items.
    var unit: String?

    init(_ tool: String, _ amount: Amount) { self.tool = tool; self.amount = amount }

    /// done ≤ total and total > 0: anything else is not progress.
    static func counts(_ tool: String, _ done: Int?, _ total: Int?) -> ToolProgress? {
        guard let done, let total, total > 0, done >= 0, done <= total else { return nil }
        return ToolProgress(tool, .counts(done: done, total: total))
    }

    static func percent(_ tool: String, _ text: String) -> ToolProgress? {
        guard let v = Double(text), v >= 0, v <= 100 else { return nil }
        return ToolProgress(tool, .percent(v))
    }
}
