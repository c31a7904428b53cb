import Foundation

/// A key as the dashboard understands it, whatever the backend read.
public enum Key: Sendable, Hashable {
    case up, down, left, right, pageUp, pageDown, home, end
    case enter, escape, backspace, tab
    case char(Character)
    case resize
    /// A mouse event at a cell (column, row from the top left).
    case mouse(MouseEvent)

    /// How the key is written in the footer and help.
    public var label: String {
        switch self {
        case .up: return "↑"
        case .down: return "↓"
        case .left: return "←"
        case .right: return "→"
        case .pageUp: return "PgUp"
        case .pageDown: return "PgDn"
        case .home: return "Home"
        case .end: return "End"
        case .enter: return "Enter"
        case .escape: return "Esc"
        case .backspace: return "Bksp"
        case .tab: return "Tab"
        case .char(let c): return String(c)
        case .resize: return "resize"
        case .mouse: return "mouse"
        }
    }
}
