import Foundation
import PipetopCore
import PipetopEngine

/// Defaults a person sets once, in `$XDG_CONFIG_HOME/pipetop/config.toml` (else
/// `~/.config/pipetop/config.toml`). Flags win over the file. The file is a flat TOML subset:
///
///     theme = "light"        # a built-in name, a name under themes/, or a path
///     color = "256"          # auto, truecolor, 256, 8, none
///     ascii = false
///     mouse = true           # clicks and the wheel; false leaves the mouse to the terminal
///     delay = 1.5            # seconds between refreshes (0.1 to 10); or fps = 10
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
///
///     [[sla]]                # a pipeline's promise: deadlines and a schedule
///     pipeline = "nightly-import"
///     finish_by = "06:00"
///     every = "24h"
struct Config: Equatable {
    var theme: String?
    var color: String?
    var ascii: Bool?
    /// Clicks and the wheel (false: the terminal's own selection works without Shift).
    var mouse: Bool?
    var fps: Double?
    var socket: String?
    /// Seconds between refreshes; wins over `fps` when both are set.
    var delay: Double?
    /// `[engine] allow_group`: a group whose members may use the engine besides its user.
    var allowGroup: String?
    /// `[alerts]`, `[[rule]]` and `[[notify]]`: docs/ALERTS.md.
    var alerts = AlertConfig()
    /// The line each top-level and `[engine]` key was read from, for the problems found only
    /// when the setting is used (a theme or a group that does not exist).
    var lines: [String: Int] = [:]
    /// The line of each kept `[[notify]]`'s `command` key (else of its table), in the order of
    /// `alerts.notify`, for the problems found only when a notification is sent.
    var notifyLines: [Int] = []

    static let keys = ["theme", "color", "ascii", "mouse", "delay", "fps", "socket"]

    static func path(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        let base = environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (environment["HOME"] ?? NSHomeDirectory()) + "/.config"
        return base + "/pipetop/config.toml"
    }

    /// Most bytes of a config file (a bigger one is not read: it is not a config file).
    static let maxBytes = 1 << 20

    /// The file's settings and what is wrong in it. A missing file is not a problem; a file
    /// that cannot be read is one (and gives no settings); a bad line or item leaves out that
    /// item only.
    static func load(path: String = Config.path()) -> (Config, [ConfigProblem]) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return (Config(), []) }
            return (Config(), [ConfigProblem(file: path, line: nil, message: "cannot be read (\(String(cString: strerror(errno)))); no setting of it applies")])
        }
        defer { close(fd) }
        var data = [UInt8]()
        var buf = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = read(fd, &buf, buf.count)
            if n < 0 {
                if errno == EINTR { continue }
                return (Config(), [ConfigProblem(file: path, line: nil, message: "cannot be read (\(String(cString: strerror(errno)))); no setting of it applies")])
            }
            if n == 0 { break }
            data += buf[0..<n]
            if data.count > maxBytes {
                return (Config(), [ConfigProblem(file: path, line: nil, message: "is larger than \(maxBytes >> 20) MB; no setting of it applies")])
            }
        }
        return parseAll(data, file: path)
    }

    /// The problems as one line for a screen's footer (nil: none).
    static func summary(_ problems: [ConfigProblem]) -> String? {
        guard var first = problems.first else { return nil }
        // The file's name is enough on a screen line; `config check` gives the whole path.
        first.file = (first.file as NSString).lastPathComponent
        let count = problems.count == 1 ? "a config problem" : "\(problems.count) config problems"
        return "\(count) (`pipetop config check` lists them; the rest applies): \(first)"
    }

    struct ParseError: Error, CustomStringConvertible {
        var description: String
    }

    /// Parses `text`; throws its first problem (for callers that want all or nothing).
    static func parse(_ text: String, file: String) throws -> Config {
        let (c, problems) = parseAll(Array(text.utf8), file: file)
        if let p = problems.first { throw ParseError(description: p.description) }
        return c
    }

    /// Parses the file's bytes line by line: every line and item that can be read applies; each
    /// one that cannot is a problem and is left out (a [[rule]] or [[notify]] with a bad line is
    /// left out whole: half a rule would alert on the wrong thing).
    static func parseAll(_ bytes: [UInt8], file: String) -> (Config, [ConfigProblem]) {
        var c = Config()
        var problems: [ConfigProblem] = []
        // Where the lines go: the top level, [alerts], [engine], the newest [[rule]] / [[notify]],
        // or nowhere (an unknown section, already reported).
        enum Section { case top, engine, alerts, rule, notify, sla, unknown }
        var section = Section.top
        var tables: [(section: Section, line: Int, fields: [(String, JSONValue)], broken: Bool, keyLines: [String: Int])] = []
        var n = 0
        for raw in bytes.split(separator: 0x0A, omittingEmptySubsequences: false) {
            n += 1
            func problem(_ message: String) { problems.append(ConfigProblem(file: file, line: n, message: message)) }
            func brokenTable() { if section == .rule || section == .notify || section == .sla { tables[tables.count - 1].broken = true } }
            guard let text = String(validating: raw, as: UTF8.self) else {
                problem("not UTF-8 text; the line is left out")
                brokenTable()
                continue
            }
            let line = text.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("[") {
                let header = line.split(separator: "#", maxSplits: 1).first.map { $0.trimmingCharacters(in: .whitespaces) } ?? line
                switch header {
                case "[alerts]": section = .alerts
                case "[engine]": section = .engine
                case "[[rule]]": section = .rule; tables.append((.rule, n, [], false, [:]))
                case "[[notify]]": section = .notify; tables.append((.notify, n, [], false, [:]))
                case "[[sla]]": section = .sla; tables.append((.sla, n, [], false, [:]))
                default:
                    section = .unknown
                    // "[alerts" is a known section with its closing bracket missing: say that.
                    let known = ["[engine]", "[alerts]", "[[rule]]", "[[notify]]", "[[sla]]"]
                    if let meant = known.first(where: { $0 == header + "]" || $0 == header + "]]" }) {
                        problem("section header \(header) is missing its closing \(meant.dropFirst(header.count)) (\(meant)); its lines are left out")
                    } else {
                        problem("unknown section \(header) (known: \(known.joined(separator: ", "))); its lines are left out")
                    }
                }
                continue
            }
            guard let eq = line.firstIndex(of: "=") else {
                problem("expected key = value")
                brokenTable()
                continue
            }
            let key = line[..<eq].trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            let value: JSONValue
            do throws(TOMLValue.Failure) {
                value = try TOMLValue.parse(line[line.index(after: eq)...])
            } catch {
                problem("key '\(key)': \(error)")
                brokenTable()
                continue
            }
            let where_ = "\(file):\(n)"
            do {
                switch section {
                case .top: try c.set(key, value, at: where_); c.lines[key] = n
                case .alerts: try c.alerts.set(key, value, at: where_)
                case .engine:
                    guard key == "allow_group" else { throw ParseError(description: "\(where_): unknown key '\(key)' in [engine] (known: allow_group)") }
                    guard case .string(let g) = value, !g.isEmpty else { throw ParseError(description: "\(where_): key 'allow_group' needs a quoted group name") }
                    c.allowGroup = g
                    c.lines[key] = n
                case .rule, .notify, .sla:
                    tables[tables.count - 1].fields.append((key, value))
                    tables[tables.count - 1].keyLines[key] = n
                case .unknown: break
                }
            } catch {
                // The setters name the place themselves.
                let text = "\(error)"
                problem(text.hasPrefix(where_ + ": ") ? String(text.dropFirst(where_.count + 2)) : text)
            }
        }
        for t in tables {
            let what = t.section == .rule ? "rule" : t.section == .sla ? "sla" : "notify"
            if t.broken {
                problems.append(ConfigProblem(file: file, line: t.line, message: "this [[\(what)]] has a bad line; it is left out"))
                continue
            }
            do {
                switch t.section {
                case .rule: c.alerts.rules.append(try Rule.parse(t.fields))
                case .notify:
                    c.alerts.notify.append(try NotifyTarget.parse(t.fields))
                    c.notifyLines.append(t.keyLines["command"] ?? t.line)
                case .sla:
                    let level = try ServiceLevel.parse(t.fields)
                    guard !c.alerts.serviceLevels.contains(where: { $0.pipeline == level.pipeline }) else {
                        throw ServiceLevelError(description: "sla '\(level.pipeline)': pipeline: already has an [[sla]] above (one per pipeline)")
                    }
                    c.alerts.serviceLevels.append(level)
                default: break
                }
            } catch {
                problems.append(ConfigProblem(file: file, line: t.line, message: "\(error); this [[\(what)]] is left out"))
            }
        }
        problems.sort { ($0.line ?? 0) < ($1.line ?? 0) }
        return (c, problems)
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
        case "mouse":
            guard case .bool(let b) = value else { throw ParseError(description: "\(where_): key 'mouse' must be true or false") }
            mouse = b
        case "fps":
            let f: Double?
            switch value { case .int(let i): f = Double(i); case .double(let d): f = d; default: f = nil }
            guard let f, f >= 1, f <= 60 else { throw ParseError(description: "\(where_): key 'fps' must be a number from 1 to 60") }
            fps = f
        case "delay":
            let d: Double?
            switch value { case .int(let i): d = Double(i); case .double(let x): d = x; default: d = nil }
            guard let d, d >= 0.1, d <= 10 else { throw ParseError(description: "\(where_): key 'delay' must be a number of seconds from 0.1 to 10") }
            delay = d
        default:
            throw ParseError(description: "\(where_): unknown key '\(key)' (known: \(Self.keys.joined(separator: ", ")))")
        }
    }
}
