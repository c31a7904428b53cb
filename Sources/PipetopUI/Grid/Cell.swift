/// One character cell on screen. A wide character occupies its cell and a `continuation`
/// cell to its right, which backends skip.
public struct Cell: Sendable, Equatable {
    public var text: String
    public var style: Style
    public var continuation: Bool

    public init(_ text: String = " ", _ style: Style = .plain, continuation: Bool = false) {
        self.text = text; self.style = style; self.continuation = continuation
    }

    public static let blank = Cell()
}
