import Foundation
import PipetopCore

/// What a client of `/api/v1/events` asked for: `job=ID[,ID]`, `type=a,b`, and where to
/// resume (`since=SEQ`, or the `Last-Event-ID` an EventSource sends when it reconnects).
struct EventFilter: Sendable {
    var jobs: Set<String>?
    var types: Set<String>?
    /// Resume after this event number (nil: from now).
    var since: UInt64?

    /// The filter a query (`job=a&type=progress,log&since=12`) asks for, or a sentence.
    init(query: String, lastEventID: String?) throws(FilterError) {
        for pair in query.split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = String(kv[0]), raw = kv.count > 1 ? String(kv[1]) : ""
            guard let value = raw.replacingOccurrences(of: "+", with: " ").removingPercentEncoding else {
                throw FilterError("the value of \(key) is not valid percent-encoding")
            }
            let list = Set(value.split(separator: ",").map(String.init))
            switch key {
            case "job": jobs = (jobs ?? []).union(list)
            case "type":
                // A misspelt type would match nothing, silently, for ever.
                if let unknown = list.sorted().first(where: { !Event.typeNames.contains($0) }) {
                    throw FilterError("there is no event type '\(unknown)': the types are \(Event.typeNames.joined(separator: ", "))")
                }
                types = (types ?? []).union(list)
            case "since":
                guard let n = UInt64(value) else { throw FilterError("since wants the number of the last event seen (got \(value))") }
                since = n
            default: throw FilterError("/api/v1/events takes job, type and since, not \(key)")
            }
        }
        if since == nil, let id = lastEventID?.trimmingCharacters(in: .whitespaces), !id.isEmpty {
            guard let n = UInt64(id) else { throw FilterError("Last-Event-ID wants an event number (got \(id))") }
            since = n
        }
    }

    func admits(job: String, type: String) -> Bool {
        (jobs?.contains(job) ?? true) && (types?.contains(type) ?? true)
    }

    struct FilterError: Error { let sentence: String; init(_ s: String) { sentence = s } }
}
