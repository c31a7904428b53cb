import ArgumentParser
import Foundation
import PipetopClient
#if canImport(Glibc)
import Glibc
#endif

struct BridgeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bridge",
        abstract: "Join standard input and output to the engine's socket.",
        discussion: """
        The building block for reaching an engine on another host: `ssh host pipetop bridge` carries the protocol over ssh. Bytes are copied both ways unchanged until either side closes.

        Examples:
          ssh build-3 pipetop bridge
          printf '%s\\n' '{"type":"subscribe","v":3}' | pipetop bridge | head -2
        """)

    @OptionGroup var socketOptions: SocketOptions

    func run() throws {
        let conn: EngineConnection
        do { conn = try EngineConnection(path: socketOptions.resolved) } catch { throw CLIError("pipetop bridge: \(error)") }
        signal(SIGPIPE, SIG_IGN)
        let fd = conn.fd
        // stdin → socket; at end of input, half-close so the engine still answers.
        let upstream = Thread {
            var buf = [UInt8](repeating: 0, count: 65_536)
            while true {
                let n = read(0, &buf, buf.count)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { break }
                if !Self.writeAll(fd, buf, n) { break }
            }
            shutdown(fd, Int32(SHUT_WR))
        }
        upstream.start()
        // socket → stdout, until the engine closes or stdout goes away. A reader that left
        // (`| head -2`) is seen at once through poll, not only at the next write: a quiet
        // engine may not send anything for a long time.
        var buf = [UInt8](repeating: 0, count: 65_536)
        var watch = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0), pollfd(fd: 1, events: 0, revents: 0)]
        while true {
            if poll(&watch, 2, -1) < 0 { if errno == EINTR { continue }; break }
            if watch[1].revents & Int16(POLLERR | POLLHUP) != 0 { break }
            guard watch[0].revents != 0 else { continue }
            let n = read(fd, &buf, buf.count)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            if !Self.writeAll(1, buf, n) { break }
        }
        conn.close()
    }

    static func writeAll(_ fd: Int32, _ bytes: [UInt8], _ n: Int) -> Bool {
        var off = 0
        while off < n {
            let w = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + off, n - off) }
            if w < 0 {
                if errno == EINTR { continue }
                return false
            }
            off += w
        }
        return true
    }
}
