/// Something wrong in the config file: where (the file, and the line when there is one) and
/// what. The item it names is left out; everything else in the file applies.
struct ConfigProblem: Equatable, CustomStringConvertible {
    var file: String
    /// 1-based; nil for the file as a whole (cannot be read, too large).
    var line: Int?
    var message: String
    /// Whether the item it names is left out (false: kept, and the message says what follows).
    var leftOut = true

    var description: String { line.map { "\(file):\($0): \(message)" } ?? "\(file): \(message)" }
}
