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
