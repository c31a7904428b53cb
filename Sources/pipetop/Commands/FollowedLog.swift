import Foundation
import PipetopCore

/// A workflow tool's log read as it is written (`pipetop follow snakemake|nextflow`): lines
/// in, events out. `live` is set once all that was written before is read (from then on, a
/// line happens at `now`); `ended` once the log said how the run ended; `pid` the tool's
/// process, watched for when it is gone without saying.
protocol FollowedLog {
    var live: Bool { get set }
    var now: Double { get set }
    var ended: Bool { get }
    var pid: Int32? { get }
    mutating func feed(_ line: String) -> [Event]
    /// The end of what was there to read: a block held back for its next line is complete.
    mutating func caughtUp() -> [Event]
}
