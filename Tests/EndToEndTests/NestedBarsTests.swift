import Testing
@testable import pipetop

/// Nested progress bars (epochs of batches) read as one count that moves smoothly, not two
/// that take turns and restart the rate.
struct NestedBarsTests {
    func feed(_ readings: [(Int, Int)]) -> [NestedBars.Count] {
        var bars = NestedBars()
        return readings.map { bars.take(done: $0.0, total: $0.1) }
    }

    @Test func epochsOfBatchesMakeOneCountOverTheWholeRun() {
        // As tqdm draws `for e in tqdm(range(3)): for b in tqdm(range(40))`.
        let got = feed([(0, 3), (0, 40), (20, 40), (40, 40), (1, 3), (0, 40), (20, 40), (40, 40), (2, 3), (0, 40), (40, 40), (3, 3)])
        #expect(got.map(\.done) == [0, 0, 20, 40, 40, 40, 60, 80, 80, 80, 120, 120])
        #expect(got.dropFirst().allSatisfy { $0.total == 120 })
        #expect(!got.contains { $0.reset }, "the count never starts again")
    }

    @Test func anOuterLineNotReadIsInferredFromTheInnerStartingAgain() {
        // The reader reads only some lines in a burst: epoch 1/3 was not among them.
        let got = feed([(0, 3), (0, 40), (40, 40), (10, 40), (2, 3), (40, 40)])
        #expect(got.map(\.done) == [0, 0, 40, 50, 80, 120])
        #expect(!got.contains { $0.reset })
    }

    @Test func aBarAfterAFinishedOneStartsTheCountAgain() {
        let got = feed([(5, 10), (10, 10), (3, 200), (200, 200)])
        #expect(got.map(\.done) == [5, 10, 3, 200])
        #expect(got.map(\.total) == [10, 10, 200, 200])
        #expect(got.map(\.reset) == [false, false, true, false])
    }

    @Test func theSameTotalAgainIsTheNextBar() {
        let got = feed([(5, 10), (9, 10), (2, 10)])
        #expect(got.map(\.reset) == [false, false, true])
        #expect(got.last?.total == 10)
    }

    @Test func anInnerBarGoingBackBeforeItFinishedIsFollowedAlone() {
        let got = feed([(0, 3), (10, 40), (5, 40), (6, 40)])
        #expect(got.map(\.done) == [0, 10, 5, 6])
        #expect(got.map(\.total) == [3, 120, 40, 40])
        #expect(got.map(\.reset) == [false, false, true, false])
    }
}
