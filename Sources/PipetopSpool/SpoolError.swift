/// Why the spool could not be used, as a sentence.
public struct SpoolError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
