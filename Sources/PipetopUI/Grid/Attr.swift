public struct Attr: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let bold = Attr(rawValue: 1)
    public static let dim = Attr(rawValue: 2)
    public static let reverse = Attr(rawValue: 4)
    public static let underline = Attr(rawValue: 8)
    public static let italic = Attr(rawValue: 16)
}
