/// Why a body is not a weblog event, as a sentence (the 400 answer's body).
public struct WeblogError: Error, Equatable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
