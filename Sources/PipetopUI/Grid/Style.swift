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

public struct Attr: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let bold = Attr(rawValue: 1)
    public static let dim = Attr(rawValue: 2)
    public static let reverse = Attr(rawValue: 4)
    public static let underline = Attr(rawValue: 8)
    public static let italic = Attr(rawValue: 16)
}

/// How one cell looks. Every state also has a symbol or attribute, so monochrome works.
public struct Style: Sendable, Hashable {
    public var fg: Color
    public var bg: Color
    public var attrs: Attr

    public init(fg: Color = .default, bg: Color = .default, attrs: Attr = []) {
        self.fg = fg; self.bg = bg; self.attrs = attrs
    }

    public static let plain = Style()

    public func with(_ a: Attr) -> Style { var s = self; s.attrs.formUnion(a); return s }
    public func on(_ bg: Color) -> Style { var s = self; s.bg = bg; return s }
}

import Foundation
