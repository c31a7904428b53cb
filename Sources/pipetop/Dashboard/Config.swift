import Foundation
import PipetopCore
import PipetopEngine

/// Defaults a person sets once, in `$XDG_CONFIG_HOME/pipetop/config.toml` (else
/// `~/.config/pipetop/config.toml`). Flags win over the file. The file is a flat TOML subset:
///
///     theme = "light"        # a built-in name, a name under themes/, or a path
///     color = "256"          # auto, truecolor, 256, 8, none
///     ascii = false
///     fps = 10
///     socket = "/run/user/1000/pipetop/pipetop.sock"
///
///     [engine]
///     allow_group = "pipeline"   # members of this group may use the engine too
///
///     [alerts]
///     off = ["eta-slip"]     # built-in checks switched off
///     bell = true            # ring the terminal on a new critical alert
///
///     [[rule]]               # as many as wanted; fields as in docs/ALERTS.md
///     name = "slow-load"
///     metric = "phase.rate"
///     op = "<"
///     value = 100
///
///     [[notify]]             # webhook, command or alertmanager
///     type = "webhook"
///     url = "http://127.0.0.1:9000/hook"
struct Config: Equatable {
    var theme: String?
    var color: String?
    var ascii: Bool?
    var fps: Double?
    var socket: String?
    /// `[engine] allow_group`: a group whose members may use the engine besides its user.
    var allowGroup: String?
    /// `[alerts]`, `[[rule]]` and `[[notify]]`: docs/ALERTS.md.
    var alerts = AlertConfig()

    static let keys = ["theme", "color", "ascii", "fps", "socket"]

    static func path(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        let base = environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (environment["HOME"] ?? NSHomeDirectory()) + "/.config"
        return base + "/pipetop/config.toml"
    }

    /// The file's settings, or none and the reason when it cannot be used. A missing file is
    /// not a problem.
    static func load(path: String = Config.path()) -> (Config, String?) {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return (Config(), nil) }
        do {
            return (try parse(text, file: path), nil)
        } catch {
            return (Config(), "\(error); config ignored")
        }
    }

    struct ParseError: Error, CustomStringConvertible {
        var description: String
    }

    /// The line up to a `#` that is not inside quotes.
    static func withoutComment(_ line: String) -> String {
        var quoted = false
        for (i, c) in line.enumerated() {
            if c == "\"" { quoted.toggle() }
            if c == "#" && !quoted { return String(line.prefix(i)) }
        }
        return line
    }

    /// A value as the TOML subset writes it: "string", true/false, a number, ["a", "b"], or an
    /// inline table { key = "value", ... } of strings.
    static func value(_ raw: String, at where_: String, key: String) throws -> JSONValue {
        let v = raw.trimmingCharacters(in: .whitespaces)
        if v.hasPrefix("\"") {
            guard v.count >= 2, v.hasSuffix("\"") else { throw ParseError(description: "\(where_): key '\(key)': unterminated string") }
            return .string(String(v.dropFirst().dropLast()).replacingOccurrences(of: "\\\"", with: "\""))
        }
        if v == "true" || v == "false" { return .bool(v == "true") }
        if let i = Int(v) { return .int(i) }
        if let d = Double(v), d.isFinite { return .double(d) }
        func items(_ inner: Substring) -> [String] {
            var out: [String] = [], cur = "", quoted = false
            for c in inner {
                if c == "\"" { quoted.toggle() }
                if c == "," && !quoted { out.append(cur); cur = "" } else { cur.append(c) }
            }
            if !cur.trimmingCharacters(in: .whitespaces).isEmpty { out.append(cur) }
            return out.map { $0.trimmingCharacters(in: .whitespaces) }
        }
        if v.hasPrefix("["), v.hasSuffix("]") {
            return .array(try items(v.dropFirst().dropLast()).map { try value($0, at: where_, key: key) })
        }
        if v.hasPrefix("{"), v.hasSuffix("}") {
            return .object(try items(v.dropFirst().dropLast()).map { item in
                guard let eq = item.firstIndex(of: "=") else { throw ParseError(description: "\(where_): key '\(key)': expected { name = value, ... }") }
                let k = item[..<eq].trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                return (k, try value(String(item[item.index(after: eq)...]), at: where_, key: key))
            })
        }
        throw ParseError(description: "\(where_): key '\(key)': cannot read value \(v) (strings need quotes)")
    }

    static func parse(_ text: String, file: String) throws -> Config {
        var c = Config()
        // Where the lines go: the top level, [alerts], or the newest [[rule]] / [[notify]].
        enum Section { case top, engine, alerts, rule, notify }
        var section = Section.top
        var tables: [(section: Section, line: String, fields: [(String, JSONValue)])] = []
        for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let where_ = "\(file):\(n + 1)"
            let line = withoutComment(String(raw)).trimmingCharacters(in: .whitespaces)
            if line.isEmpty { continue }
            switch line {
            case "[alerts]": section = .alerts; continue
            case "[engine]": section = .engine; continue
            case "[[rule]]": section = .rule; tables.append((.rule, where_, [])); continue
            case "[[notify]]": section = .notify; tables.append((.notify, where_, [])); continue
            default:
                if line.hasPrefix("[") { throw ParseError(description: "\(where_): unknown section \(line) (known: [engine], [alerts], [[rule]], [[notify]])") }
            }
            guard let eq = line.firstIndex(of: "=") else { throw ParseError(description: "\(where_): expected key = value") }
            let key = line[..<eq].trimmingCharacters(in: .whitespaces)
            let value = try Self.value(String(line[line.index(after: eq)...]), at: where_, key: key)
            switch section {
            case .top: try c.set(key, value, at: where_)
            case .alerts: try c.alerts.set(key, value, at: where_)
            case .engine:
                guard key == "allow_group" else { throw ParseError(description: "\(where_): unknown key '\(key)' in [engine] (known: allow_group)") }
                guard case .string(let g) = value, !g.isEmpty else { throw ParseError(description: "\(where_): key 'allow_group' needs a quoted group name") }
                c.allowGroup = g
            case .rule, .notify: tables[tables.count - 1].fields.append((key, value))
            }
        }
        for t in tables {
            switch t.section {
            case .rule:
                do { c.alerts.rules.append(try Rule.parse(t.fields)) } catch { throw ParseError(description: "\(t.line): \(error)") }
            case .notify:
                do { c.alerts.notify.append(try NotifyTarget.parse(t.fields)) } catch { throw ParseError(description: "\(t.line): \(error)") }
            default: break
            }
        }
        return c
    }

    mutating func set(_ key: String, _ value: JSONValue, at where_: String) throws {
        func string() throws -> String {
            guard case .string(let s) = value else { throw ParseError(description: "\(where_): key '\(key)' needs a quoted string") }
            return s
        }
        switch key {
        case "theme": theme = try string()
        case "socket": socket = try string()
        case "color":
            let v = try string()
            guard ["auto", "truecolor", "256", "8", "none"].contains(v) else {
                throw ParseError(description: "\(where_): key 'color' must be auto, truecolor, 256, 8 or none")
            }
            color = v
        case "ascii":
            guard case .bool(let b) = value else { throw ParseError(description: "\(where_): key 'ascii' must be true or false") }
            ascii = b
        case "fps":
            let f: Double?
            switch value { case .int(let i): f = Double(i); case .double(let d): f = d; default: f = nil }
            guard let f, f >= 1, f <= 60 else { throw ParseError(description: "\(where_): key 'fps' must be a number from 1 to 60") }
            fps = f
        default:
            throw ParseError(description: "\(where_): unknown key '\(key)' (known: \(Self.keys.joined(separator: ", ")))")
        }
    }
}

/// `[alerts]`, `[[rule]]` and `[[notify]]` of the config file.
struct AlertConfig: Equatable {
    var rules: [Rule] = []
    /// Built-in checks switched off by name.
    var off: Set<String> = []
    /// Ring the terminal (and so flag the tmux window) on a new critical alert.
    var bell = true
    var notify: [NotifyTarget] = []

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
