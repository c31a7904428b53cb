import PipetopCore

/// Decodes a `Decodable` value from a `JSONValue` made by `JSONParser`:
/// a viewer reads Boards and their deltas with the wire module's own parser, never with
/// Foundation's JSONDecoder (71% of a busy dashboard's time went there).
public enum JSONValueDecoder {
    public static func decode<T: Decodable>(_ type: T.Type, from value: JSONValue) throws -> T {
        try decodeValue(type, value, path: [])
    }
}

struct ValueDecodingError: Error, CustomStringConvertible {
    var description: String
}

private func decodeValue<T: Decodable>(_ type: T.Type, _ v: JSONValue, path: [any CodingKey]) throws -> T {
    if let plain = try plainDecode(type, v, path: path) { return plain }
    return try T(from: ValueDecoder(value: v, codingPath: path))
}

private func where_(_ path: [any CodingKey]) -> String {
    path.isEmpty ? "the top" : path.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
}

/// Plain values straight from the JSON value, without a container in between.
private func plainDecode<T>(_ type: T.Type, _ v: JSONValue, path: [any CodingKey]) throws -> T? {
    func bad(_ want: String) -> ValueDecodingError { ValueDecodingError(description: "\(want) expected at \(where_(path)), found \(v.typeName)") }
    switch type {
    case is String.Type:
        guard case .string(let s) = v else { throw bad("a string") }
        return (s as! T)
    case is Bool.Type:
        guard case .bool(let b) = v else { throw bad("true or false") }
        return (b as! T)
    case is Double.Type:
        switch v {
        case .double(let d): return (d as! T)
        case .int(let i): return (Double(i) as! T)
        case .null: return (Double.nan as! T)  // the encoder writes NaN and infinities as null
        default: throw bad("a number")
        }
    case is Float.Type:
        guard let d = v.number else { throw bad("a number") }
        return (Float(d) as! T)
    case is Int.Type:
        guard case .int(let i) = v else { throw bad("an integer") }
        return (i as! T)
    case is Int32.Type:
        guard case .int(let i) = v, let n = Int32(exactly: i) else { throw bad("a 32-bit integer") }
        return (n as! T)
    case is Int64.Type:
        guard case .int(let i) = v else { throw bad("an integer") }
        return (Int64(i) as! T)
    case is UInt64.Type:
        switch v {
        case .int(let i) where i >= 0: return (UInt64(i) as! T)
        case .double(let d) where d >= 0 && d < 1.8e19: return (UInt64(d) as! T)
        default: throw bad("an unsigned integer")
        }
    case is JSONValue.Type:
        return (v as! T)
    default:
        return nil
    }
}

struct ValueDecoder: Decoder {
    let value: JSONValue
    var codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .object(let members) = value else {
            throw ValueDecodingError(description: "an object expected at \(where_(codingPath)), found \(value.typeName)")
        }
        return KeyedDecodingContainer(KeyedValueReader<Key>(members: members, codingPath: codingPath))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .array(let items) = value else {
            throw ValueDecodingError(description: "an array expected at \(where_(codingPath)), found \(value.typeName)")
        }
        return UnkeyedValueReader(items: items, codingPath: codingPath)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { SingleValueReader(value: value, codingPath: codingPath) }
}

struct KeyedValueReader<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let members: [(String, JSONValue)]
    var codingPath: [any CodingKey]
    /// Looked up by key; small objects are scanned (cheaper than a dictionary).
    private let index: [String: Int]?

    init(members: [(String, JSONValue)], codingPath: [any CodingKey]) {
        self.members = members
        self.codingPath = codingPath
        if members.count > 12 {
            var d: [String: Int] = [:]
            d.reserveCapacity(members.count)
            for (i, m) in members.enumerated() where d[m.0] == nil { d[m.0] = i }
            index = d
        } else {
            index = nil
        }
    }

    private func find(_ key: Key) -> JSONValue? {
        let k = key.stringValue
        if let index { return index[k].map { members[$0].1 } }
        return members.first { $0.0 == k }?.1
    }

    var allKeys: [Key] { members.compactMap { Key(stringValue: $0.0) } }
    func contains(_ key: Key) -> Bool { find(key) != nil }

    func decodeNil(forKey key: Key) throws -> Bool {
        guard let v = find(key) else { return true }
        return v == .null
    }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        guard let v = find(key) else {
            throw ValueDecodingError(description: "'\(key.stringValue)' missing at \(where_(codingPath))")
        }
        return try decodeValue(type, v, path: codingPath + [key])
    }

    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        guard let v = find(key), v != .null else { return nil }
        return try decodeValue(type, v, path: codingPath + [key])
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        try ValueDecoder(value: find(key) ?? .object([]), codingPath: codingPath + [key]).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try ValueDecoder(value: find(key) ?? .array([]), codingPath: codingPath + [key]).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder { ValueDecoder(value: .object(members), codingPath: codingPath) }
    func superDecoder(forKey key: Key) throws -> any Decoder { ValueDecoder(value: find(key) ?? .null, codingPath: codingPath + [key]) }
}

struct UnkeyedValueReader: UnkeyedDecodingContainer {
    let items: [JSONValue]
    var codingPath: [any CodingKey]
    var currentIndex = 0
    var count: Int? { items.count }
    var isAtEnd: Bool { currentIndex >= items.count }

    init(items: [JSONValue], codingPath: [any CodingKey]) { self.items = items; self.codingPath = codingPath }

    private struct Index: CodingKey {
        var intValue: Int?
        var stringValue: String { "\(intValue ?? 0)" }
        init(_ i: Int) { intValue = i }
        init?(stringValue: String) { return nil }
        init?(intValue: Int) { self.intValue = intValue }
    }

    private mutating func next() throws -> JSONValue {
        guard !isAtEnd else { throw ValueDecodingError(description: "the array at \(where_(codingPath)) ended early") }
        defer { currentIndex += 1 }
        return items[currentIndex]
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd, items[currentIndex] == .null else { return false }
        currentIndex += 1
        return true
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let i = currentIndex
        return try decodeValue(type, try next(), path: codingPath + [Index(i)])
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        let i = currentIndex
        return try ValueDecoder(value: try next(), codingPath: codingPath + [Index(i)]).container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        let i = currentIndex
        return try ValueDecoder(value: try next(), codingPath: codingPath + [Index(i)]).unkeyedContainer()
    }

    mutating func superDecoder() throws -> any Decoder {
        let i = currentIndex
        return ValueDecoder(value: try next(), codingPath: codingPath + [Index(i)])
    }
}

struct SingleValueReader: SingleValueDecodingContainer {
    let value: JSONValue
    var codingPath: [any CodingKey]
    func decodeNil() -> Bool { value == .null }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try decodeValue(type, value, path: codingPath) }
}
