import Foundation
import PipetopEngine
import PipetopUI
import CNCurses
#if canImport(Glibc)
import Glibc
#endif

/// Finds the theme `--theme` names; on any problem, the default theme and what went wrong.
enum ThemeChoice {
    static func resolve(_ spec: String, environment: [String: String] = ProcessInfo.processInfo.environment) -> (Theme, String?) {
        if let t = Theme.builtIn.first(where: { $0.name == spec }) { return (t, nil) }
        var path = spec
        if !spec.contains("/") && !spec.hasSuffix(".theme") {
            let config = environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 }
                ?? (environment["HOME"] ?? NSHomeDirectory()) + "/.config"
            path = "\(config)/pipetop/themes/\(spec).theme"
            if !FileManager.default.fileExists(atPath: path) {
                let names = Theme.builtIn.map(\.name).joined(separator: ", ")
                return (.defaultDark, "theme '\(spec)' not found (built in: \(names); or put \(path)); using default")
            }
        }
        do {
            return (try ThemeFile.load(path: path), nil)
        } catch {
            return (.defaultDark, "\(error); using the default theme")
        }
    }
}
