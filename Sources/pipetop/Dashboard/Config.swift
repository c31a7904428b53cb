import Foundation

/// Defaults a person sets once, in `$XDG_CONFIG_HOME/pipetop/config.toml` (else
/// `~/.config/pipetop/config.toml`). Flags win over the file. The file is a flat TOML subset:
///
///     theme = "light"        # a built-in name, a name under themes/, or a path
///     color = "256"          # auto, truecolor, 256, 8, none
///     ascii = false
///     fps = 10
///     socket = "/run/user/1000/pipetop/pipetop.sock"
struct Config: Equatable {
    var theme: String?
    var color: String?
    var ascii: Bool?
    var fps: Double?
    var socket: String?

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

    static func parse(_ text: String, file: String) throws -> Config {
        var c = Config()
        for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let where_ = "\(file):\(n + 1)"
            let line = withoutComment(String(raw)).trimmingCharacters(in: .whitespaces)
            if line.isEmpty { continue }
            guard let eq = line.firstIndex(of: "=") else { throw ParseError(description: "\(where_): expected key = value") }
            let key = line[..<eq].trimmingCharacters(in: .whitespaces)
            let value = line[line.index(after: eq)...].trimmingCharacters(in: .whitespaces)
            func string() throws -> String {
                guard value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") else {
                    throw ParseError(description: "\(where_): key '\(key)' needs a quoted string")
                }
                return String(value.dropFirst().dropLast())
            }
            switch key {
            case "theme": c.theme = try string()
            case "socket": c.socket = try string()
            case "color":
                let v = try string()
                guard ["auto", "truecolor", "256", "8", "none"].contains(v) else {
                    throw ParseError(description: "\(where_): key 'color' must be auto, truecolor, 256, 8 or none")
                }
                c.color = v
            case "ascii":
                guard value == "true" || value == "false" else { throw ParseError(description: "\(where_): key 'ascii' must be true or false") }
                c.ascii = value == "true"
            case "fps":
                guard let f = Double(value), f >= 1, f <= 60 else { throw ParseError(description: "\(where_): key 'fps' must be a number from 1 to 60") }
                c.fps = f
            default:
                throw ParseError(description: "\(where_): unknown key '\(key)' (known: \(keys.joined(separator: ", ")))")
            }
        }
        return c
    }
}
