// libFuzzer target: the viewer side of subscriber protocol 2. Built and run by Fuzz/run.
//
// The input is what an engine (or anything listening on its socket path, or a broken ssh
// bridge) sends a viewer: lines of hello, board, board.delta, heartbeat, event. Each line is
// decoded with `BoardMessage.decode` (what `SubscriptionFeed` does); a Board replaces the
// viewer's, a delta is applied to it (`MergePatch`) and the result decoded
// (`JSONValueDecoder`), as the feed does; then the dashboard draws it (overview, a job, a
// phase, alerts) at two sizes. Nothing here may crash, whatever the bytes.
//
// With PIPETOP_FUZZ_SEED_DIR set, the seed corpus (real engine messages) is written there first.
import Foundation
import PipetopCore
import PipetopUI
@testable import PipetopWire

private func event(_ line: String) -> Event {
    guard case .success(.event(let e)) = EventDecoder.decode(line) else { fatalError("bad fixture line \(line)") }
    return e
}

/// Real messages: Boards projected from producer events, and the deltas between them.
private func seeds() -> [String: Data] {
    var s = PipelineState()
    var t = 1_700_000_000.0
    var out: [String: Data] = [:]
    func apply(_ lines: [String]) {
        for l in lines { try? s.apply(event(l), now: t); t += 1.5 }
        s.refreshEstimates(now: t)
    }
    func board() -> JSONValue { try! JSONValueEncoder.encode(BoardProjector.board(s, now: t, options: .everything)) }
    func line(_ m: BoardMessage) -> Data { Data(m.line().utf8) }
    out["hello"] = line(.hello(.init(engine: "pipetop 0.1.0", host: "h", socket: "/tmp/x.sock")))
    out["heartbeat"] = line(.heartbeat(now: t))
    out["empty-board"] = line(.board(version: 0, board: board()))
    apply([
        #"{"type":"job.start","job":"etl","name":"nightly etl","phases":["fetch",{"id":"load","name":"Load"}],"labels":{"pipeline":"etl","env":"prod"},"rules":[{"name":"slow","metric":"phase.rate","op":"<","value":1,"for":60}]}"#,
        #"{"type":"phase.start","job":"etl","phase":"fetch","total":1000,"unit":"rows"}"#,
        #"{"type":"progress","job":"etl","phase":"fetch","done":400,"failed":3}"#,
        #"{"type":"step","job":"etl","phase":"fetch","step":"page 1","state":"done","detail":"200 rows"}"#,
        #"{"type":"step","job":"etl","phase":"fetch","step":"page 2","state":"running"}"#,
        #"{"type":"log","job":"etl","level":"error","message":"row 17: bad date","phase":"fetch"}"#,
        #"{"type":"checkpoint","job":"etl","name":"page-2","phase":"fetch","data":{"cursor":"abc","n":[1,2.5]}}"#,
        #"{"type":"metric","job":"etl","name":"mem","value":123.5,"kind":"gauge"}"#,
        #"{"type":"alert","job":"etl","severity":"critical","message":"disk almost full","name":"disk"}"#,
        #"{"type":"job.start","job":"gen","phases":["a"]}"#,
        #"{"type":"progress","job":"gen","phase":"a","inc":5}"#,
        #"{"type":"job.end","job":"gen","status":"failed","error":"exit 3"}"#,
        #"{"type":"job.state","job":"etl","state":"paused"}"#,
    ])
    let before = board()
    out["board"] = line(.board(version: 13, board: before))
    apply([
        #"{"type":"job.state","job":"etl","state":"running"}"#,
        #"{"type":"progress","job":"etl","phase":"fetch","done":1000}"#,
        #"{"type":"phase.end","job":"etl","phase":"fetch"}"#,
        #"{"type":"job.start","job":"new","phases":["only"]}"#,
    ])
    let delta = line(.delta(version: 17, changes: MergePatch.diff(before, board()) ?? .object([])))
    out["delta"] = delta
    out["event"] = line(.event(seq: 3, event: .object([("type", .string("job.state")), ("job", .string("etl")), ("state", .string("paused"))])))
    out["stream"] = out["hello"]! + out["board"]! + delta + out["event"]! + out["heartbeat"]!
    return out
}

@_cdecl("LLVMFuzzerInitialize")
public func fuzzInitialize(_ argc: UnsafeMutablePointer<Int32>?, _ argv: UnsafeMutableRawPointer?) -> Int32 {
    if let dir = ProcessInfo.processInfo.environment["PIPETOP_FUZZ_SEED_DIR"] {
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        for (name, data) in seeds() { FileManager.default.createFile(atPath: dir + "/" + name, contents: data) }
    }
    return 0
}

private func draw(_ board: Board) {
    var m = DashboardModel(board: board, now: board.at, host: "h", socket: "/s")
    for (w, h) in [(80, 24), (150, 45)] {
        _ = DashboardView.render(m, width: w, height: h, glyphs: .utf8, theme: .defaultDark)
    }
    // Into the first job, its phase, then the alert list.
    for key in [Key.enter, .enter, .escape, .escape, .char("!")] {
        _ = m.nav.handle(key, state: board, pageSize: 10)
        _ = DashboardView.render(m, width: 100, height: 30, glyphs: .ascii, theme: .defaultDark)
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSubscriber(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    var value: JSONValue?
    var board: Board?
    for piece in bytes.split(separator: 0x0A, omittingEmptySubsequences: true) {
        guard let msg = try? BoardMessage.decode(String(decoding: piece, as: UTF8.self)) else { continue }
        switch msg {
        case .board(_, let v):
            value = v
            board = try? JSONValueDecoder.decode(Board.self, from: v)
        case .delta(_, let changes):
            guard let old = value else { continue }
            let v = MergePatch.apply(changes, to: old)
            value = v
            board = try? JSONValueDecoder.decode(Board.self, from: v)
        case .hello, .heartbeat, .event, .skipped: continue
        }
    }
    if let board { draw(board) }
    return 0
}
