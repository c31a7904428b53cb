// libFuzzer target: the producer side of the wire. Built and run by Fuzz/run (not by SwiftPM).
//
// For every input:
// - the whole input, as one line, goes through `EventDecoder.decode`: it must not crash, and a
//   refused line must come with a reason;
// - when the progress fast path takes the line, the general decoder must give the same message;
// - an accepted event encodes to a line that decodes to the same event (encode, decode, encode
//   gives the same text: what the journal keeps for in-process events reads back as sent);
// - then the input is split into lines as the engine frames them and each event is applied, in
//   order, to a state with a live job; estimates and alert rules are refreshed as the engine's
//   clock tick does, and the state must still project and encode as the Board viewers are sent.
import Foundation
import PipetopCore
@testable import PipetopWire

private func event(_ line: String) -> Event {
    guard case .success(.event(let e)) = EventDecoder.decode(line) else { fatalError("bad fixture line \(line)") }
    return e
}

/// A live job `j` with a running phase `a` (total 100) and a pending phase `b`, and a finished
/// job `old`: events in the input reach the reducer rather than stopping at "unknown job".
private let base: PipelineState = {
    var s = PipelineState()
    let lines = [
        #"{"type":"job.start","job":"old","phases":["x"]}"#,
        #"{"type":"job.end","job":"old","status":"failed","error":"boom"}"#,
        #"{"type":"job.start","job":"j","name":"import","phases":["a",{"id":"b","name":"Load"}],"labels":{"pipeline":"p"}}"#,
        #"{"type":"phase.start","job":"j","phase":"a","total":100,"unit":"rows"}"#,
        #"{"type":"progress","job":"j","phase":"a","done":10}"#,
    ]
    var t = 1_700_000_000.0
    for l in lines {
        try! s.apply(event(l), now: t)
        t += 1
    }
    return s
}()

private func check(_ raw: UnsafeRawBufferPointer) {
    let result = EventDecoder.decode(raw)
    if case .failure(let e) = result, e.reason.isEmpty {
        fatalError("a line was refused without a reason")
    }
    if let fast = ProgressFastPath.decode(raw.bindMemory(to: UInt8.self)) {
        let general = EventDecoder.decodeGeneral(raw)
        guard case .success(let g) = general, g == fast else {
            fatalError("the progress fast path says \(fast), the general decoder says \(general)")
        }
    }
    if case .success(.event(let e)) = result {
        let once = EventEncoder.line(e)
        guard case .success(.event(let back)) = EventDecoder.decode(String(once.dropLast())) else {
            fatalError("an accepted event does not decode once encoded: \(once)")
        }
        let twice = EventEncoder.line(back)
        guard once == twice else { fatalError("encode/decode/encode differs:\n\(once)\(twice)") }
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzWire(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    check(bytes)
    var state = base
    var now = 1_700_000_010.0
    var applied = 0
    for piece in bytes.split(separator: 0x0A, omittingEmptySubsequences: true) {
        let line = UnsafeRawBufferPointer(rebasing: piece)
        if line.count != bytes.count { check(line) }
        guard case .success(.event(let e)) = EventDecoder.decode(line) else { continue }
        if (try? state.apply(e, now: now)) != nil { applied += 1 }
        now += 0.25
    }
    guard applied > 0 else { return 0 }
    state.refreshEstimates(now: now + 30)
    state.evaluateRules(now: now + 30)
    // What viewers are sent (the Board, and the CLI's state) can be made and read back.
    do {
        let board = BoardProjector.board(state, now: now + 30, options: .everything)
        let value = try JSONParser.parse(BoardMessage.board(version: 1, board: try JSONValueEncoder.encode(board)).line().dropLast().description)
        guard case .object? = value["board"] else { fatalError("a Board line without its Board") }
        _ = StateReply.line(state, now: now)
    } catch {
        fatalError("a state reached from the wire cannot be sent to viewers: \(error)")
    }
    return 0
}
