import Foundation

/// A key as the dashboard understands it, whatever the backend read.
public enum Key: Sendable, Hashable {
    case up, down, left, right, pageUp, pageDown, home, end
    case enter, escape, backspace, tab
    case char(Character)
    case resize

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
        }
    }
}

/// What a key does.
public enum Action: String, Sendable, CaseIterable {
    case moveUp, moveDown, pageUp, pageDown, top, bottom, quit
}

/// One row of the key table: the keys, the action, and how the footer shows it.
public struct Binding: Sendable {
    public var keys: [Key]
    public var action: Action
    /// Short text for the footer ("select"); nil keeps the binding out of the footer.
    public var footer: String?
    /// What the binding does, for help.
    public var help: String
    /// How the keys are shown ("↑↓/jk"); defaults to the first key's label.
    public var keyLabel: String?

    /// The keys as the footer shows them, in the glyph tier in use.
    public func shownKeys(_ g: Glyphs) -> String {
        let text = keyLabel ?? keys.first?.label ?? ""
        guard g.tier == .ascii else { return text }
        return text.replacingOccurrences(of: "↑", with: "^").replacingOccurrences(of: "↓", with: "v")
            .replacingOccurrences(of: "←", with: "<").replacingOccurrences(of: "→", with: ">")
    }
}

/// The one key table: it drives key handling and the footer (and, later, the help screen),
/// so what the screen says is always what the keys do.
public enum KeyTable {
    public static let bindings: [Binding] = [
        Binding(keys: [.up, .char("k")], action: .moveUp, footer: "select", help: "select the previous job", keyLabel: "↑↓/jk"),
        Binding(keys: [.down, .char("j")], action: .moveDown, footer: nil, help: "select the next job"),
        Binding(keys: [.pageUp], action: .pageUp, footer: nil, help: "move up a page"),
        Binding(keys: [.pageDown], action: .pageDown, footer: nil, help: "move down a page"),
        Binding(keys: [.home, .char("g")], action: .top, footer: nil, help: "first job"),
        Binding(keys: [.end, .char("G")], action: .bottom, footer: nil, help: "last job"),
        Binding(keys: [.char("q")], action: .quit, footer: "quit", help: "quit pipetop"),
    ]

    public static func action(for key: Key) -> Action? {
        bindings.first { $0.keys.contains(key) }?.action
    }
}
