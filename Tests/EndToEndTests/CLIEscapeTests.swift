import Foundation
import Testing
@testable import PipetopClient

/// A job's own text reaches the terminal through `report`, `alerts` and `history` too: like the
/// dashboard, they must show escape sequences instead of obeying them. JSON stays exact.
@Suite("Job text in the CLI's output", .serialized)
struct CLIEscapeTests {
    /// OSC 0 (window title), OSC 52 (clipboard), CSI 2J (clear), a C1 CSI, "\r ESC[K" that
    /// would overwrite "failed" on its line, and a right-to-left override.
    static let hostile = "ev\u{1B}]0;owned\u{07}il\u{1B}]52;c;cm0gLXJmIH4=\u{07}\u{1B}[2J\u{9B}31m\r\u{1B}[Kcompleted\u{202E}gpj.exe"

    static func json(_ s: String) -> String {
        let data = try! JSONSerialization.data(withJSONObject: [s], options: [])
        let text = String(decoding: data, as: UTF8.self)
        return String(text.dropFirst().dropLast())
    }

    func rawControls(_ s: String) -> [String] {
        s.unicodeScalars.filter { ($0.value < 0x20 && $0.value != 0x0A && $0.value != 0x09) || (0x7F..<0xA0).contains($0.value) || $0.value == 0x202E }
            .map { String(format: "U+%04X", $0.value) }
    }

    @Test func reportAlertsAndHistoryShowEscapesInsteadOfObeyingThem() throws {
        let d = try Daemon()
        let c = try EngineConnection(path: d.sock)
        defer { c.close() }
        let name = Self.json(Self.hostile)
        let replies = try send(c, [
            #"{"type":"job.start","job":"h1","name":\#(name),"phases":["a"],"labels":{"pipeline":\#(name)}}"#,
            #"{"type":"phase.start","job":"h1","phase":"a","total":2}"#,
            #"{"type":"log","job":"h1","level":"error","message":\#(name)}"#,
            #"{"type":"alert","job":"h1","severity":"warning","message":\#(name),"name":"x"}"#,
            #"{"type":"job.end","job":"h1","status":"failed","error":\#(name)}"#,
        ])
        #expect(replies.isEmpty, "\(replies)")
        for args in [["report"], ["report", "--format", "detailed"], ["report", "--format", "csv"], ["alerts", "--all"], ["history"]] {
            let r = try runPipetop(args + ["--socket", d.sock])
            #expect(r.status == 0, "\(args): \(r.err)")
            #expect(r.out.contains("^[]0;owned^G") || args == ["history"] && r.out.contains("^["), "\(args): \(r.out)")
            #expect(rawControls(r.out).isEmpty, "\(args) printed \(rawControls(r.out)): \(r.out)")
            #expect(r.out.contains("<U+202E>"), "\(args): \(r.out)")
        }
        // JSON is data, kept exact.
        let j = try runPipetop(["report", "--format", "json", "--socket", d.sock])
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(j.out.utf8)) as? [String: Any])
        let jobs = try #require(parsed["jobs"] as? [[String: Any]])
        #expect(jobs.first?["name"] as? String == Self.hostile)
    }
}
