/// A job's estimate of the time left as shown (see docs/ETA.md), as of the board's time.
public struct BoardETA: Sendable, Equatable, Codable {
    /// How far to trust the range.
    public enum Confidence: String, Sendable, Codable {
        /// Calibrated on earlier runs' errors: an 80% range.
        case calibrated
        /// Too few earlier runs: the model's own range, marked `≈`.
        case rough
        /// Some phase ahead cannot be estimated: the job takes at least this long (`≥`).
        case lowerBound = "lower-bound"
    }

    /// When the shown estimate was made (engine's clock): it changes only when the estimate
    /// moves materially, so a viewer counts down from it between boards.
    public var madeAt: Double
    /// Seconds left then, and the 80% range.
    public var remaining: Double
    public var low: Double
    public var high: Double
    public var confidence: Confidence
    /// Counting down stops while the job is paused or stalled (no work, no progress).
    public var frozen: Bool

    public init(madeAt: Double, remaining: Double, low: Double, high: Double, confidence: Confidence, frozen: Bool) {
        self.madeAt = madeAt; self.remaining = remaining; self.low = low; self.high = high; self.confidence = confidence; self.frozen = frozen
    }

    /// The figures at `now` (engine's clock).
    public func left(at now: Double) -> (remaining: Double, low: Double, high: Double) {
        let gone = frozen ? 0 : max(0, now - madeAt)
        return (max(0, remaining - gone), max(0, low - gone), max(0, high - gone))
    }
}
