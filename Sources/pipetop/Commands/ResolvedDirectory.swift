import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A directory named on the command line, absolute with symbolic links resolved (as a workflow
/// engine's own `getcwd()` sees it), or an error in a sentence naming the command.
enum ResolvedDirectory {
    static func path(_ dir: String, command: String) throws -> String {
        guard let real = realpath(dir, nil) else {
            throw CLIError("pipetop \(command): cannot use \(dir): \(String(cString: strerror(errno)))")
        }
        defer { free(real) }
        return String(cString: real)
    }
}
