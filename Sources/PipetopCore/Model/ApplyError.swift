/// Why an event was refused. The reducer leaves the state untouched when it throws.
public struct ApplyError: Error, Equatable, Sendable, CustomStringConvertible {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}
