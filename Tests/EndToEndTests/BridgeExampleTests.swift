import Foundation
import Testing

/// `pipetop bridge`'s own example: a viewer that sends one line and reads the stream.
@Suite("pipetop bridge: its help example", .serialized)
struct BridgeExampleTests {
    @Test func theHelpExampleGetsTheHelloAndTheBoardAndEnds() throws {
        let d = try Daemon()
        for run in 1...5 {
            let r = try runProcess("/bin/sh", ["-c", #"printf '%s\n' '{"type":"subscribe","v":3}' | "$0" bridge --socket "$1" | head -2"#,
                                               pipetopBinary, d.sock])
            let lines = r.out.split(separator: "\n")
            #expect(lines.count == 2, "run \(run): \(r.out) \(r.err)")
            #expect(lines.first?.contains(#""type":"hello""#) == true, "run \(run): \(r.out)")
            #expect(lines.last?.contains(#""type":"board""#) == true, "run \(run): \(r.out.prefix(300))")
        }
    }
}
