/// What the dashboard's loop needs from a terminal. `NCursesTerminal` puts frames on a real
/// one; tests implement it to drive the loop with keys and read back every frame.
public protocol TerminalBackend: AnyObject {
    /// Columns and rows now.
    var size: (width: Int, height: Int) { get }
    /// Readable when a key may be waiting: the loop `poll`s it beside the snapshot source,
    /// so it sleeps until a key, a snapshot or the next second. A hang-up on it means the
    /// terminal went away.
    var inputFD: Int32 { get }
    /// Puts a frame on screen (a backend sends only what changed since the last one).
    func present(_ grid: Grid)
    /// Forgets what is on screen so the next frame is written whole (after a resize).
    func invalidate()
    /// One key if one is waiting; never blocks (the loop waits on `inputFD` first).
    func readKey() -> Key?
    /// The terminal bell (tmux flags the window).
    func bell()
}
