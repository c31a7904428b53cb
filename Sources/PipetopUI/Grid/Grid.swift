/// The screen as data: views draw into a grid, backends put a grid on a terminal.
public struct Grid: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public private(set) var cells: [Cell]
    /// Where rows and keys were drawn (see `ClickTarget`), newest last: drawn over, drawn on top.
    public private(set) var targets: [ClickTarget] = []

    public init(width: Int, height: Int, fill: Style = .plain) {
        self.width = max(0, width)
        self.height = max(0, height)
        cells = Array(repeating: Cell(" ", fill), count: self.width * self.height)
    }

    /// Marks `rect` as showing `target` (for the mouse).
    public mutating func mark(_ rect: Rect, _ target: ClickTarget.Target) { targets.append(ClickTarget(rect: rect, target: target)) }

    /// What was drawn at (x, y) last, if anything is clickable there.
    public func target(at x: Int, _ y: Int) -> ClickTarget.Target? {
        targets.last { x >= $0.rect.x && x < $0.rect.maxX && y >= $0.rect.y && y < $0.rect.maxY }?.target
    }

    /// Forgets the marks under `rect` (an overlay drawn over them hides them).
    public mutating func unmark(_ rect: Rect) {
        targets.removeAll { $0.rect.y < rect.maxY && $0.rect.maxY > rect.y && $0.rect.x < rect.maxX && $0.rect.maxX > rect.x }
    }

    public subscript(x: Int, y: Int) -> Cell {
        get { cells[y * width + x] }
        set { cells[y * width + x] = newValue }
    }

    /// Writes text from (x, y), clipped at `limit` (default: the grid's right edge).
    /// Control characters are shown as visible text. Returns the columns written. With
    /// `ellipsis` (`Glyphs.ellipsis`), text that does not fit ends with it, so a reader sees
    /// that it was cut.
    @discardableResult
    public mutating func put(_ text: String, x: Int, y: Int, style: Style = .plain, limit: Int? = nil, ellipsis: String? = nil) -> Int {
        guard y >= 0, y < height, x < width else { return 0 }
        let end = min(width, limit ?? width)
        var shown = TextWidth.visible(text)
        if let ellipsis, x >= 0, end > x, TextWidth.columns(shown) > end - x {
            shown = TextWidth.truncate(shown, to: end - x, ellipsis: ellipsis)
        }
        var col = x
        for ch in shown {
            let w = TextWidth.columns(ch)
            if w == 0 { continue }
            if col + w > end { break }
            if col >= 0 {
                self[col, y] = Cell(String(ch), style)
                if w == 2 { self[col + 1, y] = Cell("", style, continuation: true) }
            }
            col += w
        }
        return max(0, col - x)
    }

    /// Paints `style` over a rectangle (keeping the characters).
    public mutating func paint(_ r: Rect, _ style: Style) {
        for y in max(0, r.y)..<min(height, r.maxY) {
            for x in max(0, r.x)..<min(width, r.maxX) { self[x, y].style = style }
        }
    }

    /// Fills a rectangle with blanks in `style`.
    public mutating func fill(_ r: Rect, _ style: Style = .plain, char: String = " ") {
        for y in max(0, r.y)..<min(height, r.maxY) {
            for x in max(0, r.x)..<min(width, r.maxX) { self[x, y] = Cell(char, style) }
        }
    }

    /// The grid as plain text, one line per row, trailing spaces kept (golden screens).
    public var text: String {
        var lines: [String] = []
        for y in 0..<height {
            var line = ""
            for x in 0..<width where !self[x, y].continuation { line += self[x, y].text }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }
}
