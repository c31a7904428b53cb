import Testing
@testable import PipetopCore
@testable import PipetopEngine

/// The web API sends the read model's words for a phase's rate, ETA and time and a job's
/// current phase, so the page says what the dashboard says and works none of them out.
@Suite("Web Board JSON")
struct WebBoardJSONTests {
    static let now = 1_763_900_000.0

    static func board(byEngine: Bool = false) -> Board {
        let train = BoardPhase(id: "train", name: "train", state: .running, done: 400, skipped: 28, total: 1000, unit: "batches",
                               rate: 0.5, startedAt: now - 125, finishAt: now + 240)
        let job = BoardJob(id: "ml", name: "resnet", state: .running, startedAt: now - 130, byEngine: byEngine,
                           currentPhaseID: "train", phases: [train])
        return Board(at: now, jobs: [job])
    }

    static func job(_ b: Board) throws -> JSONValue { try #require(WebBoardJSON.encode(b, now: now)["jobs"]?[0]) }

    @Test func aSlowPhaseSaysItsRateInItsUnitPerMinute() throws {
        let job = try Self.job(Self.board())
        let phase = try #require(job["phases"]?[0])
        #expect(phase["rateText"] == .string("30 batches/min"), "never 0.5/s or 0.0/s: \(phase)")
        #expect(phase["etaText"] == .string("ETA 4m00s"))
        #expect(phase["elapsedText"] == .string("2m05s"))
        // The NOW column's words: done and skipped of the total, as the percent counts them.
        #expect(job["nowText"] == .string("train 428/1000"))
    }

    /// A lost job runs nothing: no rate, no ETA for its phase; its time and current phase stay.
    @Test func aLostJobsPhaseHasNoRateOrETA() throws {
        let job = try Self.job(Self.board(byEngine: true))
        let phase = try #require(job["phases"]?[0])
        #expect(phase["rateText"] == nil && phase["etaText"] == nil, "\(phase)")
        #expect(phase["elapsedText"] == .string("2m05s"))
        #expect(job["nowText"] == .string("train 428/1000"))
    }

    /// The lost verdict is sent as the read model has it, so the page does not work it out.
    @Test func aJobSaysWhetherItIsLost() throws {
        #expect(try Self.job(Self.board(byEngine: true))["lost"] == .bool(true))
        #expect(try Self.job(Self.board(byEngine: false))["lost"] == .bool(false))
    }
}
