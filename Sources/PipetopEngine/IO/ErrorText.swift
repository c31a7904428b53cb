import Foundation
import NIOCore
import PipetopStore

/// An error as a person reads it: the system's reason in words, never a type's internal name
/// (`unixDomainSocketPathTooLong`) or Foundation's dump (`Error Domain=NSCocoaErrorDomain
/// Code=4 ...`). Our own errors already read as sentences and are passed through.
public enum ErrorText {
    public static func sentence(_ error: any Error) -> String {
        switch error {
        case let e as IOError:
            return String(cString: strerror(e.errnoCode))
        case let e as SocketAddressError:
            switch e {
            case .unixDomainSocketPathTooLong: return "the path is too long for a Unix socket (at most \(maxSocketPathBytes) bytes)"
            case .unknown(let host, let port): return "cannot resolve \(host):\(port)"
            case .unsupported: return "the address is not supported"
            default: return "the address cannot be used"
            }
        case let e as POSIXError:
            return String(cString: strerror(e.code.rawValue))
        case let e as CocoaError:
            // Foundation keeps the errno underneath; its own text names the file already.
            let file = e.filePath.map { "\($0): " } ?? ""
            if let u = e.userInfo[NSUnderlyingErrorKey] as? NSError, u.domain == NSPOSIXErrorDomain {
                return file + String(cString: strerror(Int32(u.code)))
            }
            let code: Int32? = switch e.code {
            case .fileNoSuchFile, .fileReadNoSuchFile: ENOENT
            case .fileWriteNoPermission, .fileReadNoPermission: EACCES
            case .fileWriteVolumeReadOnly: EROFS
            case .fileWriteOutOfSpace: ENOSPC
            case .fileWriteFileExists: EEXIST
            default: nil
            }
            return code.map { file + String(cString: strerror($0)) } ?? e.localizedDescription
        case let e as NSError where e.domain == NSPOSIXErrorDomain:
            return String(cString: strerror(Int32(e.code)))
        case let e as NSError where type(of: error) == NSError.self:
            return e.localizedDescription
        default:
            return "\(error)"
        }
    }

    /// The longest path the engine can listen on: SwiftNIO keeps to the portable 103 bytes
    /// (macOS's sun_path), though Linux would take 107.
    public static let maxSocketPathBytes = 103
}
