import Foundation
import PipetopCore

/// An alert as a journal line carries it (`alert.record`): the record's own Codable form,
/// carried through the wire's JSON values. Keys sorted, so the same alert always reads the same.
enum AlertRecordCoding {
    static func json(_ a: Alert) -> JSONValue {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let data = try? encoder.encode(a), let v = try? JSONParser.parse(String(decoding: data, as: UTF8.self)) else { return .null }
        return v
    }

    static func alert(_ v: JSONValue) throws(WireError) -> Alert {
        do {
            return try JSONDecoder().decode(Alert.self, from: Data(JSONWriter.string(v).utf8))
        } catch {
            throw WireError("field 'alert' is not an alert record (a field is missing or of the wrong kind)")
        }
    }
}
