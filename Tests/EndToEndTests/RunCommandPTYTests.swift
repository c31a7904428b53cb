import Foundation
import Testing
@testable import pipetop

/// `pipetop run --pty` into a pipe or a file: the command sees terminals of a documented size,
/// and its bytes arrive exactly as written (the pty's output processing is off).
@Suite("pipetop run --pty", .serialized)
struct RunCommandPTYTests {
    private let noSize = ["COLUMNS": "", "LINES": ""]

    @Test func bytesPassUnchangedIntoAFile() throws {
        let d = try Daemon()
        let out = d.dir + "/out.bin", err = d.dir + "/err.bin"
        // Every byte value, lone \n (a terminal would make it \r\n), tabs, \r\n, no final newline.
        let py = "import sys; sys.stdout.buffer.write(bytes(range(256)) * 3 + b'a\\nb\\tc\\r\\nend'); sys.stderr.buffer.write(b'e1\\ne2\\t!')"
        let r = try runProcess("/bin/sh", ["-c", "exec \"$@\" > \(out) 2> \(err)", "sh", pipetopBinary, "run", "--socket", d.sock, "--id", "bytes", "--pty", "--", "python3", "-c", py])
        #expect(r.status == 0)
        let expected = Data((0..<3).flatMap { _ in 0...255 }.map { UInt8($0) }) + Data("a\nb\tc\r\nend".utf8)
        let got = try Data(contentsOf: URL(fileURLWithPath: out))
        #expect(got == expected, "\(got.count) bytes, expected \(expected.count)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: err)) == Data("e1\ne2\t!".utf8))
    }

    @Test func theCommandSeesTerminalsOfTheDefaultSize() throws {
        let d = try Daemon()
        let probe = "[ -t 1 ] && echo out-tty; [ -t 2 ] && echo err-tty; stty size <&1"
        let r = try runPipetop(["run", "--socket", d.sock, "--id", "size", "--pty", "--", "sh", "-c", probe], env: noSize)
        #expect(r.out == "out-tty\nerr-tty\n24 80\n")
        let sized = try runPipetop(["run", "--socket", d.sock, "--id", "size2", "--pty", "--", "sh", "-c", "stty size <&1"], env: ["COLUMNS": "132", "LINES": "40"])
        #expect(sized.out == "40 132\n")
        // Without --pty a pipe stays a pipe.
        let plain = try runPipetop(["run", "--socket", d.sock, "--id", "size3", "--", "sh", "-c", "[ -t 1 ] && echo tty || echo pipe"])
        #expect(plain.out == "pipe\n")
    }
}
