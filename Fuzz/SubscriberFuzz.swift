// libFuzzer target: the viewer side of the subscriber protocol. Built and run by Fuzz/run.
//
// The input is what an engine (or anything listening on its socket path, or a broken ssh
// bridge) sends a viewer: lines of hello, snapshot, delta, heartbeat. Each line is decoded with
// `SubscriberMessage.decode` (what `SubscriptionFeed` does); snapshots replace the state and
// deltas are applied to it, as the feed does; then the dashboard draws the state (overview,
// a job, a phase, alerts) at two sizes. Nothing here may crash, whatever the bytes.
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

/// Real messages: a state built from producer events, then its snapshot and deltas.
private func seeds() -> [String: Data] {
    var s = PipelineState()
    var t = 1_700_000_000.0
    var out: [String: Data] = [:]
    func apply(_ lines: [String]) {
        for l in lines { try? s.apply(event(l), now: t); t += 1.5 }
    }
    func line(_ m: SubscriberMessage) -> Data { try! m.line() }
    out["hello"] = line(.hello(.init(engine: "pipetop 0.1.0", host: "h", socket: "/tmp/x.sock")))
    out["heartbeat"] = line(.heartbeat(.init(now: t)))
    out["empty-snapshot"] = line(.snapshot(.init(version: 0, now: t, state: s)))
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
    let before = s
    out["snapshot"] = line(.snapshot(.init(version: 13, now: t, state: s)))
    apply([
        #"{"type":"job.state","job":"etl","state":"running"}"#,
        #"{"type":"progress","job":"etl","phase":"fetch","done":1000}"#,
        #"{"type":"phase.end","job":"etl","phase":"fetch"}"#,
        #"{"type":"job.start","job":"new","phases":["only"]}"#,
    ])
    let delta = line(.delta(.init(version: 17, now: t, changes: s.delta(from: before))))
    out["delta"] = delta
    out["stream"] = out["hello"]! + out["snapshot"]! + delta + out["heartbeat"]!
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

private func draw(_ state: PipelineState, now: Double) {
    var m = DashboardModel(state: state, now: now, host: "h", socket: "/s")
    for (w, h) in [(80, 24), (150, 45)] {
        _ = DashboardView.render(m, width: w, height: h, glyphs: .utf8, theme: .defaultDark)
    }
    // Into the first job, its phase, then the alert list.
    for key in [Key.enter, .enter, .escape, .escape, .char("!")] {
        _ = m.nav.handle(key, state: state, pageSize: 10)
        _ = DashboardView.render(m, width: 100, height: 30, glyphs: .ascii, theme: .defaultDark)
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSubscriber(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    var snapshot: SubscriberMessage.Snapshot?
    for piece in bytes.split(separator: 0x0A, omittingEmptySubsequences: true) {
        guard let msg = try? SubscriberMessage.decode(Data(piece)) else { continue }
        switch msg {
        case .snapshot(let s): snapshot = s
        case .delta(let d):
            var s = snapshot ?? .init(version: 0, now: d.now, state: PipelineState())
            s.state.apply(d.changes)
            s.version = d.version
            s.now = d.now
            snapshot = s
        case .hello, .heartbeat: continue
        }
    }
    if let s = snapshot { draw(s.state, now: s.now) }
    return 0
}
