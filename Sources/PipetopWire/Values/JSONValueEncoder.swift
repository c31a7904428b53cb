import PipetopCore

/// Encodes a `Codable` value as a `JSONValue` (nil fields left out; keys as the properties are named), for
/// the wire: the Board is encoded once per frame and diffed (`MergePatch`) without going
/// through Foundation's encoder.
public enum JSONValueEncoder {
    public static func encode<T: Encodable>(_ value: T) throws -> JSONValue {
        let e = ValueEncoder()
        try value.encode(to: e)
        return e.box.value
    }
}

/// Where an encoded value is built up (containers write into their parent's box).
/// (Members and items live in the box itself, so appending never copies an array.)
final class ValueBox {
    enum Mode { case empty, single, object, array }
    var mode = Mode.empty
    var single: JSONValue = .null
    var members: [(String, ValueBox)] = []
    var items: [ValueBox] = []

    var value: JSONValue {
        switch mode {
        case .empty: return .object([])
        case .single: return single
        case .object: return .object(members.map { ($0.0, $0.1.value) })
        case .array: return .array(items.map(\.value))
        }
    }

    static func holding(_ v: JSONValue) -> ValueBox { let b = ValueBox(); b.mode = .single; b.single = v; return b }
    static func object() -> ValueBox { let b = ValueBox(); b.mode = .object; return b }
    static func array() -> ValueBox { let b = ValueBox(); b.mode = .array; return b }
}

final class ValueEncoder: Encoder {
    let box: ValueBox
    var codingPath: [any CodingKey] = []
    var userInfo: [CodingUserInfoKey: Any] = [:]
    init(box: ValueBox = ValueBox()) { self.box = box }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if box.mode != .object { box.mode = .object; box.members = [] }
        return KeyedEncodingContainer(KeyedValueContainer<Key>(box: box))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if box.mode != .array { box.mode = .array; box.items = [] }
        return UnkeyedValueContainer(box: box)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { SingleValueContainer(box: box) }
}

/// The JSON form of the plain values `Codable` hands over.
func plainValue<T: Encodable>(_ value: T) throws -> JSONValue? {
    switch value {
    case let v as String: return .string(v)
    case let v as Bool: return .bool(v)
    case let v as Int: return .int(v)
    case let v as Int32: return .int(Int(v))
    case let v as Int64: return .int(Int(v))
    case let v as UInt64: return v <= UInt64(Int.max) ? .int(Int(v)) : .double(Double(v))
    case let v as Double: return plainDouble(v)
    case let v as Float: return plainDouble(Double(v))
    case let v as JSONValue: return v
    default: return nil
    }
}

func plainDouble(_ v: Double) -> JSONValue { v.isFinite ? (v == v.rounded() && abs(v) < 1e15 ? .int(Int(v)) : .double(v)) : .null }

private func encoded<T: Encodable>(_ value: T) throws -> ValueBox {
    if let plain = try plainValue(value) { return .holding(plain) }
    let box = ValueBox()
    try value.encode(to: ValueEncoder(box: box))
    return box
}

struct KeyedValueContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let box: ValueBox
    var codingPath: [any CodingKey] = []

    private func put(_ key: Key, _ child: ValueBox) { box.members.append((key.stringValue, child)) }

    mutating func encodeNil(forKey key: Key) throws {}
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws { put(key, try encoded(value)) }
    mutating func encodeIfPresent<T: Encodable>(_ value: T?, forKey key: Key) throws {
        if let value { put(key, try encoded(value)) }
    }
    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        let child = ValueBox.object()
        put(key, child)
        return KeyedEncodingContainer(KeyedValueContainer<NestedKey>(box: child))
    }
    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let child = ValueBox.array()
        put(key, child)
        return UnkeyedValueContainer(box: child)
    }
    mutating func superEncoder() -> any Encoder { ValueEncoder(box: box) }
    mutating func superEncoder(forKey key: Key) -> any Encoder {
        let child = ValueBox()
        put(key, child)
        return ValueEncoder(box: child)
    }
}

struct UnkeyedValueContainer: UnkeyedEncodingContainer {
    let box: ValueBox
    var codingPath: [any CodingKey] = []
    var count: Int { box.items.count }

    private func add(_ child: ValueBox) { box.items.append(child) }

    mutating func encodeNil() throws { add(.holding(.null)) }
    mutating func encode<T: Encodable>(_ value: T) throws { add(try encoded(value)) }
    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let child = ValueBox.object()
        add(child)
        return KeyedEncodingContainer(KeyedValueContainer<NestedKey>(box: child))
    }
    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let child = ValueBox.array()
        add(child)
        return UnkeyedValueContainer(box: child)
    }
    mutating func superEncoder() -> any Encoder {
        let child = ValueBox()
        add(child)
        return ValueEncoder(box: child)
    }
}

struct SingleValueContainer: SingleValueEncodingContainer {
    let box: ValueBox
    var codingPath: [any CodingKey] = []
    mutating func encodeNil() throws { box.mode = .single; box.single = .null }
    mutating func encode<T: Encodable>(_ value: T) throws {
        let b = try encoded(value)
        box.mode = b.mode; box.single = b.single; box.members = b.members; box.items = b.items
    }
}
