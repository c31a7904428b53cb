/// What sits at a place on screen, for the mouse: views mark their rows and the footer its
/// keys as they draw, so a click finds what the person saw there.
public struct ClickTarget: Sendable, Equatable {
    public enum Target: Sendable, Equatable {
        case job(String)
        case phase(job: String, phase: String)
        case step(job: String, phase: String, step: String)
        case alert(String)
        /// A key shown in the footer: a click presses it.
        case key(Key)
    }
    public var rect: Rect
    public var target: Target
}
