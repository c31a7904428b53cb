/// What the mouse did, and at which cell (column, row from the top left of the screen).
public struct MouseEvent: Sendable, Hashable {
    public enum Kind: Sendable, Hashable { case click, doubleClick, wheelUp, wheelDown }
    public var kind: Kind
    public var x: Int
    public var y: Int
    public init(kind: Kind, x: Int, y: Int) { self.kind = kind; self.x = x; self.y = y }
}
