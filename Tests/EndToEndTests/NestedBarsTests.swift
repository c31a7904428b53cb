import Testing
@testable import pipetop

/// Nested progress bars (epochs of batches) read as one count that moves smoothly, not two
/// that take turns and restart the rate; anything else read as the bars it is.
struct NestedBarsTests {
    enum Reading { case bar(Int, Int), percent(Int), other(Int, Int) }

    /// The count sent after each reading (tqdm bars unless `other`: a tool whose bars do not nest).
    func feed(_ readings: [Reading]) -> [NestedBars.Count] {
        var bars = NestedBars()
        return readings.compactMap { r in
            switch r {
            case .bar(let d, let t): bars.observe(done: d, total: t, nests: true)
            case .percent(let v): bars.observe(done: v, total: 100, nests: false)
            case .other(let d, let t): bars.observe(done: d, total: t, nests: false)
            }
            return bars.count()
        }
    }
    func feed(_ bars: [(Int, Int)]) -> [NestedBars.Count] { feed(bars.map { Reading.bar($0.0, $0.1) }) }

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

    @Test func aShorterLastInnerBarIsAShareOfTheFirstsScale() {
        // 75 items in batches of 40: the second epoch's bar has 35.
        let got = feed([(0, 3), (0, 40), (40, 40), (1, 3), (0, 35), (35, 35), (2, 3)])
        #expect(got.map(\.done) == [0, 0, 40, 40, 40, 80, 80])
        #expect(!got.contains { $0.reset })
    }

    @Test func aBarAfterNestedBarsFinishedIsTheNextBar() {
        // Training, then an evaluation bar.
        let got = feed([(0, 3), (0, 40), (40, 40), (1, 3), (40, 40), (2, 3), (40, 40), (3, 3), (0, 10), (5, 10)])
        #expect(got.suffix(2).map(\.done) == [0, 5])
        #expect(got.suffix(2).map(\.total) == [10, 10])
        #expect(got.suffix(2).map(\.reset) == [true, false])
        // The same when the last outer line was not read.
        let missed = feed([(0, 3), (0, 40), (40, 40), (1, 3), (40, 40), (2, 3), (40, 40), (0, 10), (5, 10)])
        #expect(missed.suffix(2).map(\.done) == [0, 5])
        #expect(missed.suffix(2).map(\.total) == [10, 10])
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

    @Test func aReadingThatDoesNotNestIsNeverAnOuterBar() {
        // tqdm with unit_scale: "50.0/500" is read as a percentage, then "100/500" as counts.
        let scaled = feed([.percent(10), .percent(19), .bar(100, 500), .bar(500, 500)])
        #expect(scaled.map(\.done) == [10, 19, 100, 500])
        #expect(scaled.map(\.total) == [100, 100, 500, 500])
        // rsync's files after its percentage; a prose counter before a tqdm bar.
        #expect(feed([.percent(40), .other(3, 21), .other(21, 21)]).map(\.total) == [100, 21, 21])
        #expect(feed([.other(1, 3), .bar(0, 40), .bar(40, 40)]).map(\.total) == [3, 40, 40])
    }

    @Test func aThirdLevelIsPassedOverWhileBothOthersRun() {
        // files of chunks of lines: the lines' bar (10) is not read.
        let got = feed([(0, 3), (0, 4), (0, 10), (10, 10), (1, 4), (0, 10), (4, 4), (1, 3)])
        #expect(got.map(\.done) == [0, 0, 0, 0, 1, 1, 4, 4])
        #expect(got.dropFirst().allSatisfy { $0.total == 12 })
        #expect(!got.contains { $0.reset })
    }

    @Test func nestingThatWouldPassTheLargestCountIsNotDone() {
        let got = feed([(0, 5_000_000_000), (1, 3_000_000_000)])
        #expect(got.last?.total == 3_000_000_000, "followed alone")
        #expect(got.last?.reset == false)
    }

    @Test func bytesWithNoTotal() {
        var bars = NestedBars()
        bars.observe(done: 1000)
        #expect(bars.count() == NestedBars.Count(done: 1000, total: nil, reset: false))
        bars.observe(done: 10)
        #expect(bars.count()?.reset == true)
    }
}
