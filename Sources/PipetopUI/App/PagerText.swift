/// A whole text the pager shows, named by where it lives on the Board (so it stays live: a
/// followed log grows as the job writes).
public enum PagerText: Sendable, Equatable, Hashable {
    /// A job's log, oldest line first.
    case log(job: String)
    /// An alert: its message, its details (a failure's phase and error lines), who did what.
    case alert(String)
    /// A step's detail (an error, a traceback).
    case step(job: String, phase: String, step: String)
}
