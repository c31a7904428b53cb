import Foundation
import Synchronization
@testable import PipetopUI

/// A terminal for tests: keys go in with `press`, every frame the dashboard presents is kept
/// and read back as text. Its input is a real pipe, so the loop polls it as it polls a tty.
final class TestBackend: TerminalBackend, @unchecked Sendable {
    private struct Screen {
        var size: (width: Int, height: Int)
        var keys: [Key] = []
        /// Sizes that take effect when their `.resize` is read, as curses changes its size.
        var resizes: [(width: Int, height: Int)] = []
        var frames: [Grid] = []
        var bells = 0
    }
    private let screen: Mutex<Screen>
    private let input = WakePipe()

    init(width: Int = 80, height: Int = 24) { screen = Mutex(Screen(size: (width, height))) }

    var size: (width: Int, height: Int) { screen.withLock { $0.size } }
    var inputFD: Int32 { input.readFD }
    func present(_ grid: Grid) { screen.withLock { $0.frames.append(grid) } }
    func invalidate() {}
    func bell() { screen.withLock { $0.bells += 1 } }

    func readKey() -> Key? {
        screen.withLock { s in
            if s.keys.isEmpty {
                input.drain()  // under the lock: a key pressed after this wakes the loop again
                return nil
            }
            let key = s.keys.removeFirst()
            if key == .resize, !s.resizes.isEmpty { s.size = s.resizes.removeFirst() }
            return key
        }
    }

    func press(_ keys: Key...) {
        screen.withLock { $0.keys += keys }
        input.wake()
    }

    func type(_ text: String) { for c in text { press(.char(c)) } }

    /// A new size, announced as curses announces it: keys typed before it are read at the
    /// old size.
    func resize(width: Int, height: Int) {
        screen.withLock {
            $0.keys.append(.resize)
            $0.resizes.append((width, height))
        }
        input.wake()
    }

    var frameCount: Int { screen.withLock { $0.frames.count } }
    var bells: Int { screen.withLock { $0.bells } }
    var lastScreen: String { screen.withLock { $0.frames.last?.text ?? "" } }

    /// The newest frame once it satisfies `ok`, waiting up to `seconds`; nil if none did.
    func waitForScreen(_ seconds: Double = 10, _ ok: (String) -> Bool) -> String? {
        let deadline = Date().addingTimeInterval(seconds)
        repeat {
            let text = lastScreen
            if ok(text) { return text }
            usleep(5_000)
        } while Date() < deadline
        print("--- screen never matched; last frame:\n\(lastScreen)")
        return nil
    }
}
