/// The state of one list on screen: the selected row (by id, so rows arriving above do not
/// move it), where it was (so when its row goes, the cursor stays at that place, clamped to
/// the end), and the `/` filter. The window of rows shown is computed from it, never stored.
public struct ListState: Sendable, Equatable {
    /// The selected row's id; nil until something is selected (the list's default applies).
    public var selectedID: String?
    /// The selected row's index when it was selected, if known.
    public var lastIndex: Int?
    /// The filter text: nil when never opened, "" when cleared.
    public var filter: String?

    public init(selectedID: String? = nil, filter: String? = nil) {
        self.selectedID = selectedID
        self.filter = filter
    }

    /// The filter, or nil when there is none to apply.
    public var activeFilter: String? { filter.flatMap { $0.isEmpty ? nil : $0 } }

    /// The selected row's index in `rows`: the row with the selected id; else the place the
    /// selection was, clamped to the list's end; else `fallback`. Nil for an empty list.
    public func index<T>(in rows: [T], id: (T) -> String, fallback: Int = 0) -> Int? {
        guard !rows.isEmpty else { return nil }
        if let selectedID, let i = rows.firstIndex(where: { id($0) == selectedID }) { return i }
        return max(0, min(rows.count - 1, lastIndex ?? fallback))
    }

    /// Selects a row by id (and its index, when known).
    public mutating func select(_ id: String?, at index: Int? = nil) {
        selectedID = id
        lastIndex = index
    }

    /// Moves the selection `delta` rows, stopping at the ends (`Int.min/2`, `Int.max/2`: first, last).
    public mutating func move<T>(by delta: Int, in rows: [T], id: (T) -> String, fallback: Int = 0) {
        guard let i = index(in: rows, id: id, fallback: fallback) else { return }
        let j = max(0, min(rows.count - 1, Self.clampAdd(i, delta)))
        select(id(rows[j]), at: j)
    }

    /// The rows shown in a window of `rows` lines: the selected row in the middle when it can
    /// be, the window never past either end (so a list that shrinks scrolls back).
    public static func window(selected: Int, count: Int, rows: Int) -> Range<Int> {
        let shown = max(0, min(rows, count))
        let first = max(0, min(selected - shown / 2, count - shown))
        return first..<first + shown
    }

    static func clampAdd(_ a: Int, _ b: Int) -> Int {
        let (r, o) = a.addingReportingOverflow(b)
        return o ? (b > 0 ? Int.max : Int.min) : r
    }
}
