import Foundation
import PipetopEngine
import PipetopUI
import CNCurses
#if canImport(Glibc)
import Glibc
#endif

/// Who acknowledges alerts from this dashboard: `user@host`.
func userAtHost() -> String {
    let user = getpwuid(getuid()).flatMap { String(validatingCString: $0.pointee.pw_name) }
        ?? ProcessInfo.processInfo.environment["USER"] ?? "uid\(getuid())"
    return "\(user)@\(ProcessInfo.processInfo.hostName)"
}
