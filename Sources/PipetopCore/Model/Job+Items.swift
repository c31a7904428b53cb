extension Job {
    /// Items worked on (done or failed) in all phases.
    var itemsWorked: Int { phases.reduce(0) { $0 &+ $1.done &+ $1.failed } }
    /// Failed items plus error log lines.
    var errorsSoFar: Int { phases.reduce(0) { $0 &+ $1.failed } &+ errorCount }
}
