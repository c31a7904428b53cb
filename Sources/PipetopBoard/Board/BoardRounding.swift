import Foundation

/// How precise the Board's figures are: as precise as anyone reads them, so that a figure
/// that did not change for a person does not change on the wire either.
public enum BoardRounding {
    /// Clock times and durations: a tenth of a second.
    public static func time(_ t: Double) -> Double { t.isFinite ? (t * 10).rounded() / 10 : t }
    /// Rates: three significant digits.
    public static func rate(_ r: Double) -> Double {
        guard r.isFinite, r != 0 else { return r }
        let scale = pow(10, 2 - floor(log10(abs(r))))
        return (r * scale).rounded() / scale
    }
}
