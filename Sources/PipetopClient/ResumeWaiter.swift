import Foundation
import PipetopCore

/// A `PipetopReport.resume` call waiting for the engine's answer, which the sender's thread
/// reads on the process's connection.
final class ResumeWaiter: @unchecked Sendable {
    let job: String
    private let cond = NSCondition()
    private var answer: JSONValue?
    private var answered = false

    init(job: String) { self.job = job }

    func give(_ a: JSONValue) {
        cond.withLock { answer = a; answered = true; cond.signal() }
    }

    /// The answer, or nil when none came by `deadline`.
    func wait(until deadline: Date) -> JSONValue? {
        cond.withLock {
            while !answered && cond.wait(until: deadline) {}
            return answer
        }
    }
}
