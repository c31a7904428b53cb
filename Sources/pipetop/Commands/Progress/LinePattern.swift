import Foundation

/// A regular expression over one line of output, giving its capture groups as text.
struct LinePattern: @unchecked Sendable {
    private let re: NSRegularExpression

    init(_ pattern: String) { re = try! NSRegularExpression(pattern: pattern) }

    /// The capture groups of the first match (an unmatched optional group is ""), or nil.
    func groups(_ s: String) -> [String]? {
        let ns = s as NSString
        guard let m = re.firstMatch(in: s, range: NSRange(location: 0, length: ns.length)) else { return nil }
        return (1..<m.numberOfRanges).map { m.range(at: $0).location == NSNotFound ? "" : ns.substring(with: m.range(at: $0)) }
    }

    /// Every match's capture groups, in order.
    func allGroups(_ s: String) -> [[String]] {
        let ns = s as NSString
        return re.matches(in: s, range: NSRange(location: 0, length: ns.length)).map { m in
            (1..<m.numberOfRanges).map { m.range(at: $0).location == NSNotFound ? "" : ns.substring(with: m.range(at: $0)) }
        }
    }

    /// A count as tools print it: digits, maybe with thousands separators ("1,234,567").
    static func integer(_ s: String) -> Int? { Int(s.replacingOccurrences(of: ",", with: "")) }
}
