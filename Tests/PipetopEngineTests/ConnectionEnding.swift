import Foundation
import PipetopClient
#if canImport(Glibc)
import Glibc
#endif

extension EngineConnection {
    struct StillOpen: Error, CustomStringConvertible {
        var description: String { "the engine did not close the connection within 10 s of the client's end of input" }
    }

    /// Ends what this client sends (a half close, as a client that exits does) and waits until
    /// the engine has dealt with it: it closes its side once everything before is handled.
    /// What the test then reads of the engine is what that end left behind, with no sleep.
    func finishSendingAndWaitForClose() throws {
        shutdown(fd, Int32(SHUT_WR))
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            do { _ = try readLine(timeout: deadline.timeIntervalSinceNow) } catch { return }
        }
        throw StillOpen()
    }
}
