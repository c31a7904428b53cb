import Foundation
@testable import PipetopClient
@testable import PipetopCore
@testable import PipetopWire

/// A test's viewer of subscriber protocol 2: reads the engine's messages, applies deltas to
/// the Board as the dashboard's feed does, and says how many messages came.
final class BoardReader {
    let connection: EngineConnection
    private(set) var hello: SubscriberHello?
    private(set) var board: Board?
    private var value: JSONValue?
    private(set) var messages = 0

    init(_ connection: EngineConnection) { self.connection = connection }

    /// Reads until `done` holds for the Board (or `seconds` pass); true when it did.
    @discardableResult
    func read(seconds: Double = 5, until done: (Board) -> Bool) throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            guard let line = try connection.readLine(timeout: 1) else { continue }
            messages += 1
            switch try BoardMessage.decode(line) {
            case .hello(let h): hello = h
            case .board(_, let v):
                value = v
                board = try JSONValueDecoder.decode(Board.self, from: v)
            case .delta(_, let changes):
                guard let old = value else { continue }
                value = MergePatch.apply(changes, to: old)
                board = try JSONValueDecoder.decode(Board.self, from: value!)
            default: continue
            }
            if let board, done(board) { return true }
        }
        return false
    }
}
