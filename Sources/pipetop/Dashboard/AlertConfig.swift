import Foundation
import PipetopCore
import PipetopEngine

/// `[alerts]`, `[[rule]]`, `[[notify]]` and `[[sla]]` of the config file.
struct AlertConfig: Equatable {
    var rules: [Rule] = []
    /// Built-in checks switched off by name.
    var off: Set<String> = []
    /// Ring the terminal (and so flag the tmux window) on a new critical alert.
    var bell = true
    var notify: [NotifyTarget] = []
    /// `[[sla]]`: pipelines' deadlines and schedules.
    var serviceLevels: [ServiceLevel] = []

    mutating func set(_ key: String, _ value: JSONValue, at where_: String) throws {
        switch key {
        case "off":
            guard case .array(let items) = value else { throw Config.ParseError(description: "\(where_): key 'off' must be a list of names") }
            let known = Set(AlertRules.builtins.map(\.name) + AlertRules.eventKinds)
            for item in items {
                guard case .string(let name) = item, known.contains(name) else {
                    let shown = if case .string(let s) = item { "\"\(s)\"" } else { "\(item)" }
                    throw Config.ParseError(description: "\(where_): key 'off': \(shown) is not a built-in check (known: \(known.sorted().joined(separator: ", ")))")
                }
                off.insert(name)
            }
        case "bell":
            guard case .bool(let b) = value else { throw Config.ParseError(description: "\(where_): key 'bell' must be true or false") }
            bell = b
        default:
            throw Config.ParseError(description: "\(where_): unknown key '\(key)' in [alerts] (known: off, bell)")
        }
    }
}
