import Foundation

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
        // Arrows by name: ">" and "<" mean other things in ASCII (the cursor, "at least").
        return text.replacingOccurrences(of: "↑↓", with: "Up/Dn").replacingOccurrences(of: "↑", with: "Up").replacingOccurrences(of: "↓", with: "Down")
            .replacingOccurrences(of: "←", with: "Left").replacingOccurrences(of: "→", with: "Right")
    }
}
