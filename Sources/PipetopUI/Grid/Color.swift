import Foundation

/// A colour as themes write it. Backends map it to what the terminal can show.
public enum Color: Sendable, Hashable {
    /// The terminal's own foreground or background.
    case `default`
    case rgb(UInt8, UInt8, UInt8)

    /// "#rrggbb" or "" / "default".
    public init?(hex: String) {
        let s = hex.trimmingCharacters(in: .whitespaces)
        if s.isEmpty || s == "default" { self = .default; return }
        guard s.hasPrefix("#"), s.count == 7, let v = UInt32(s.dropFirst(), radix: 16) else { return nil }
        self = .rgb(UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF))
    }
}
