import PipetopUI

/// What the CLI prints as text goes through here: a job's name, message or log line can hold
/// escape sequences (a title change, the clipboard through OSC 52, "\r ESC[K" rewriting
/// "failed" as "completed"), C1 controls and direction overrides. They come out visible, as on
/// the dashboard (`^[`, `<9b>`, `<U+202E>`); newlines and tabs of the text itself are kept.
/// JSON output is left exact (its writer escapes controls itself).
enum TerminalSafe {
    static func text(_ s: String) -> String { TextWidth.visible(s, keep: [0x0A, 0x09]) }
}
