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

/// Where the person is: each screen has its own keys (and shares the global ones).
public enum Context: String, Sendable, CaseIterable {
    case overview, job, phase, alerts
}

/// What a key does.
public enum Action: String, Sendable, CaseIterable {
    case moveUp, moveDown, pageUp, pageDown, top, bottom
    case drill, back, filter, help, quit
    case acknowledge, acknowledgeAll, silence, clearResolved, alerts, focusAlerts
    case nextFailed, previousFailed
}

/// One row of the key table: the keys, the action, where it applies, and how the footer and
/// the help screen show it.
public struct Binding: Sendable {
    public var keys: [Key]
    public var action: Action
    /// Screens where it applies; empty means everywhere.
    public var contexts: Set<Context>
    /// Short text for the footer ("select"); nil keeps the binding out of the footer.
    public var footer: String?
    /// What the binding does, for the help screen.
    public var help: String
    /// How the keys are shown ("↑↓/jk"); defaults to the first key's label.
    public var keyLabel: String?

    public init(_ keys: [Key], _ action: Action, in contexts: Set<Context> = [], footer: String? = nil, help: String, label: String? = nil) {
        self.keys = keys; self.action = action; self.contexts = contexts; self.footer = footer; self.help = help; self.keyLabel = label
    }

    public func applies(in c: Context) -> Bool { contexts.isEmpty || contexts.contains(c) }

    /// The keys as the footer shows them, in the glyph tier in use.
    public func shownKeys(_ g: Glyphs) -> String {
        let text = keyLabel ?? keys.first?.label ?? ""
        guard g.tier == .ascii else { return text }
        return text.replacingOccurrences(of: "↑", with: "^").replacingOccurrences(of: "↓", with: "v")
            .replacingOccurrences(of: "←", with: "<").replacingOccurrences(of: "→", with: ">")
    }
}

/// The one key table: it drives key handling, the footer and the `?` help screen, so what
/// the screen says is always what the keys do. Conventions from htop, k9s, lazygit and less.
public enum KeyTable {
    public static let bindings: [Binding] = [
        Binding([.up, .char("k")], .moveUp, footer: "move", help: "move up", label: "↑↓/jk"),
        Binding([.down, .char("j")], .moveDown, help: "move down"),
        Binding([.pageUp], .pageUp, help: "up a page"),
        Binding([.pageDown, .char(" ")], .pageDown, help: "down a page"),
        Binding([.home, .char("g")], .top, help: "first row"),
        Binding([.end, .char("G")], .bottom, help: "last row"),
        Binding([.enter, .right, .char("l")], .drill, in: [.overview, .job, .alerts], footer: "open", help: "open the selected job, phase or alert's place", label: "Enter"),
        Binding([.escape, .backspace, .left, .char("h")], .back, in: [.job, .phase, .alerts], footer: "back", help: "back to the previous screen", label: "Esc"),
        Binding([.char("/")], .filter, footer: "filter", help: "filter the list (Enter keeps it, Esc clears it)"),
        Binding([.char("n")], .nextFailed, in: [.phase], footer: "next fail", help: "jump to the next failed step"),
        Binding([.char("N")], .previousFailed, in: [.phase], help: "jump to the previous failed step"),
        Binding([.char("a")], .acknowledge, footer: "ack", help: "acknowledge the selected alert (or the selected job's newest)"),
        Binding([.char("A")], .acknowledgeAll, help: "acknowledge every alert shown (asks first)"),
        Binding([.char("s")], .silence, help: "silence the selected alert's rule for its job (pick how long)"),
        Binding([.char("x")], .clearResolved, help: "clear an acknowledged failure, or resolved alerts"),
        Binding([.tab], .focusAlerts, in: [.overview, .job], help: "move between the list and the alerts pane"),
        Binding([.char("!")], .alerts, in: [.overview, .job, .phase], footer: "alerts", help: "all alerts, full screen"),
        Binding([.char("?")], .help, footer: "help", help: "this help"),
        Binding([.char("q")], .quit, in: [.overview], footer: "quit", help: "quit pipetop"),
        Binding([.char("q")], .back, in: [.job, .phase, .alerts], help: "back (q quits from the overview)"),
    ]

    public static func action(for key: Key, in context: Context) -> Action? {
        bindings.first { $0.applies(in: context) && $0.keys.contains(key) }?.action
    }

    /// The footer's bindings for a screen, most needed first (the footer cuts from the end):
    /// help and quit are always there, so nobody is stuck.
    public static func footer(for context: Context) -> [Binding] {
        let order: [Action] = [.help, .quit, .back, .drill, .acknowledge, .nextFailed, .alerts, .filter, .moveUp]
        return bindings.filter { $0.footer != nil && $0.applies(in: context) }
            .sorted { (order.firstIndex(of: $0.action) ?? 99) < (order.firstIndex(of: $1.action) ?? 99) }
    }
}
