/// What a job's log lines add up to beyond its error count: warnings, and the error and
/// warning lines by `category` ("io", "parse", "quota"...), so a person sees which kind of
/// trouble dominates without reading the log.
public struct LogTally: Sendable, Equatable, Codable {
    public var warnings = 0
    /// Lines at level warn or error that named a category, by category.
    public var categories: [String: Int] = [:]

    /// Categories kept apart; past this many, new ones are counted under `otherCategory`.
    public static let maxCategories = 50
    public static let otherCategory = "other"

    public init(warnings: Int = 0, categories: [String: Int] = [:]) { self.warnings = warnings; self.categories = categories }

    public mutating func count(warning: Bool, category: String?) {
        if warning { warnings += 1 }
        guard let category, !category.isEmpty else { return }
        let key = categories[category] != nil || categories.count < Self.maxCategories ? category : Self.otherCategory
        categories[key, default: 0] += 1
    }

    /// Categories, most lines first (ties by name): "io 12, parse 3".
    public var ranked: [(name: String, count: Int)] {
        categories.map { (name: $0.key, count: $0.value) }.sorted { $0.count != $1.count ? $0.count > $1.count : $0.name < $1.name }
    }
}
