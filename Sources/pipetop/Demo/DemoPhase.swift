struct DemoPhase {
    var id: String
    var name: String
    var total: Int
    var unit: String?
    /// Items per second (a little jitter is added).
    var rate: Double
    /// Items per sub-step ("page 3", "shard 12"); 0 for none.
    var stepSize: Int = 0
    var stepLabel: String = "batch"
    /// The phase fails when it reaches this many items.
    var failAt: Int? = nil
    var failReason: String = ""
    /// Progress stops for good at this many items (a stuck phase).
    var stallAt: Int? = nil
    var stallLog: String = ""
    /// Rate multiplier that swings between 1-x and 1+x over ~20 s (uneven work).
    var swing: Double = 0.2
    var skip: Bool = false
}
