/// Maps theme colours to terminal colour numbers.
public enum ColorMapper {
    /// Colour number for `c` at `depth`; -1 is the terminal's default.
    public static func number(_ c: Color, depth: ColorDepth) -> Int32 {
        guard case let .rgb(r, g, b) = c else { return -1 }
        switch depth {
        case .none: return -1
        case .truecolor: return Int32(r) << 16 | Int32(g) << 8 | Int32(b)
        case .c256: return nearest256(r, g, b)
        case .c8: return nearest8(r, g, b)
        }
    }

    private static let levels: [Int] = [0, 95, 135, 175, 215, 255]

    static func nearest256(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> Int32 {
        func level(_ v: UInt8) -> Int { levels.indices.min { abs(levels[$0] - Int(v)) < abs(levels[$1] - Int(v)) }! }
        let (ri, gi, bi) = (level(r), level(g), level(b))
        let cube = (levels[ri], levels[gi], levels[bi])
        let avg = (Int(r) + Int(g) + Int(b)) / 3
        let grayIndex = max(0, min(23, (avg - 8 + 5) / 10))
        let gray = 8 + 10 * grayIndex
        func dist(_ a: (Int, Int, Int)) -> Int {
            let dr = a.0 - Int(r), dg = a.1 - Int(g), db = a.2 - Int(b)
            return dr * dr + dg * dg + db * db
        }
        if dist((gray, gray, gray)) < dist(cube) { return Int32(232 + grayIndex) }
        return Int32(16 + 36 * ri + 6 * gi + bi)
    }

    /// The eight ANSI colours by hue; dark greys become black, light ones white.
    static func nearest8(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> Int32 {
        let palette: [(Int, Int, Int)] = [(0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0),
                                          (0, 0, 238), (205, 0, 205), (0, 205, 205), (229, 229, 229)]
        var best = 0, bestD = Int.max
        for (i, p) in palette.enumerated() {
            let d = (p.0 - Int(r)) * (p.0 - Int(r)) + (p.1 - Int(g)) * (p.1 - Int(g)) + (p.2 - Int(b)) * (p.2 - Int(b))
            if d < bestD { bestD = d; best = i }
        }
        return Int32(best)
    }
}
