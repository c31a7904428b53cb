import Foundation

/// This binary's own file, from /proc/self/exe: what the dashboard re-executes and what the
/// demo starts its worker from (exec through the link itself names the process `exe`).
enum OwnExecutable {
    /// Its path, or nil when it cannot be read or the file is gone (rebuilt meanwhile).
    static var path: String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = readlink("/proc/self/exe", &buffer, Int(PATH_MAX))
        guard n > 0 else { return nil }
        let path = String(decoding: buffer[..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return access(path, X_OK) == 0 ? path : nil
    }
}
