import PipetopCore

/// Colours and attributes by role. Views ask for roles, never for colours.
public struct Theme: Sendable, Equatable {
    public var name: String
    public var text: Style
    public var dim: Style
    public var title: Style
    public var header: Style
    public var headerAccent: Style
    public var selection: Style
    public var border: Style
    public var footerKey: Style
    public var footerText: Style
    public var barFill: Style
    public var barEmpty: Style
    public var pending: Style
    public var running: Style
    public var done: Style
    public var failed: Style
    public var skipped: Style
    public var paused: Style
    public var warn: Style
    public var error: Style

    /// A dark theme that reads well on the usual dark terminal.
    public static let defaultDark = Theme(
        name: "default",
        text: Style(),
        dim: Style(fg: .rgb(0x8a, 0x8f, 0x98)),
        title: Style(fg: .rgb(0xe6, 0xe6, 0xe6), attrs: .bold),
        header: Style(fg: .rgb(0xe6, 0xe6, 0xe6), bg: .rgb(0x26, 0x32, 0x48)),
        headerAccent: Style(fg: .rgb(0x7d, 0xcf, 0xff), bg: .rgb(0x26, 0x32, 0x48), attrs: .bold),
        selection: Style(bg: .rgb(0x33, 0x3d, 0x52), attrs: .bold),
        border: Style(fg: .rgb(0x5c, 0x63, 0x70)),
        footerKey: Style(fg: .rgb(0x1a, 0x1b, 0x26), bg: .rgb(0x7d, 0xcf, 0xff), attrs: .bold),
        footerText: Style(fg: .rgb(0xa9, 0xb1, 0xd6)),
        barFill: Style(fg: .rgb(0x7a, 0xa2, 0xf7)),
        barEmpty: Style(fg: .rgb(0x3b, 0x42, 0x61)),
        pending: Style(fg: .rgb(0x8a, 0x8f, 0x98)),
        running: Style(fg: .rgb(0x7d, 0xcf, 0xff), attrs: .bold),
        done: Style(fg: .rgb(0x9e, 0xce, 0x6a)),
        failed: Style(fg: .rgb(0xf7, 0x76, 0x8e), attrs: .bold),
        skipped: Style(fg: .rgb(0xe0, 0xaf, 0x68), attrs: .dim),
        paused: Style(fg: .rgb(0xe0, 0xaf, 0x68)),
        warn: Style(fg: .rgb(0xe0, 0xaf, 0x68)),
        error: Style(fg: .rgb(0xf7, 0x76, 0x8e), attrs: .bold)
    )

    /// For light terminal backgrounds.
    public static let light = Theme(
        name: "light",
        text: Style(),
        dim: Style(fg: .rgb(0x6b, 0x70, 0x7a)),
        title: Style(fg: .rgb(0x1f, 0x23, 0x28), attrs: .bold),
        header: Style(fg: .rgb(0x1f, 0x23, 0x28), bg: .rgb(0xd8, 0xde, 0xe9)),
        headerAccent: Style(fg: .rgb(0x0b, 0x5c, 0xad), bg: .rgb(0xd8, 0xde, 0xe9), attrs: .bold),
        selection: Style(bg: .rgb(0xe4, 0xe9, 0xf2), attrs: .bold),
        border: Style(fg: .rgb(0x9a, 0xa0, 0xa6)),
        footerKey: Style(fg: .rgb(0xff, 0xff, 0xff), bg: .rgb(0x0b, 0x5c, 0xad), attrs: .bold),
        footerText: Style(fg: .rgb(0x44, 0x4b, 0x55)),
        barFill: Style(fg: .rgb(0x0b, 0x5c, 0xad)),
        barEmpty: Style(fg: .rgb(0xc8, 0xcd, 0xd4)),
        pending: Style(fg: .rgb(0x8a, 0x8f, 0x98)),
        running: Style(fg: .rgb(0x0b, 0x5c, 0xad), attrs: .bold),
        done: Style(fg: .rgb(0x1a, 0x7f, 0x37)),
        failed: Style(fg: .rgb(0xcf, 0x22, 0x2e), attrs: .bold),
        skipped: Style(fg: .rgb(0x9a, 0x67, 0x00), attrs: .dim),
        paused: Style(fg: .rgb(0x9a, 0x67, 0x00)),
        warn: Style(fg: .rgb(0x9a, 0x67, 0x00)),
        error: Style(fg: .rgb(0xcf, 0x22, 0x2e), attrs: .bold)
    )

    /// Strong contrast and no subtle greys, for bright rooms and tired eyes.
    public static let highContrast = Theme(
        name: "high-contrast",
        text: Style(fg: .rgb(0xff, 0xff, 0xff)),
        dim: Style(fg: .rgb(0xc0, 0xc0, 0xc0)),
        title: Style(fg: .rgb(0xff, 0xff, 0xff), attrs: [.bold, .underline]),
        header: Style(fg: .rgb(0x00, 0x00, 0x00), bg: .rgb(0xff, 0xff, 0xff)),
        headerAccent: Style(fg: .rgb(0x00, 0x00, 0x00), bg: .rgb(0xff, 0xff, 0x00), attrs: .bold),
        selection: Style(attrs: [.reverse, .bold]),
        border: Style(fg: .rgb(0xff, 0xff, 0xff)),
        footerKey: Style(fg: .rgb(0x00, 0x00, 0x00), bg: .rgb(0xff, 0xff, 0x00), attrs: .bold),
        footerText: Style(fg: .rgb(0xff, 0xff, 0xff)),
        barFill: Style(fg: .rgb(0x00, 0xff, 0xff)),
        barEmpty: Style(fg: .rgb(0x80, 0x80, 0x80)),
        pending: Style(fg: .rgb(0xc0, 0xc0, 0xc0)),
        running: Style(fg: .rgb(0x00, 0xff, 0xff), attrs: .bold),
        done: Style(fg: .rgb(0x00, 0xff, 0x00), attrs: .bold),
        failed: Style(fg: .rgb(0xff, 0x00, 0x00), attrs: [.bold, .underline]),
        skipped: Style(fg: .rgb(0xff, 0xff, 0x00)),
        paused: Style(fg: .rgb(0xff, 0xff, 0x00), attrs: .underline),
        warn: Style(fg: .rgb(0xff, 0xff, 0x00), attrs: .bold),
        error: Style(fg: .rgb(0xff, 0x00, 0x00), attrs: [.bold, .underline])
    )

    /// The themes that ship with pipetop, by name; `Themes/NAME.theme` holds each as a file.
    public static let builtIn: [Theme] = [.defaultDark, .light, .highContrast, .monochrome]

    /// No colour at all: states are told apart by symbol and attribute.
    public static let monochrome = Theme(
        name: "mono",
        text: Style(), dim: Style(attrs: .dim), title: Style(attrs: .bold),
        header: Style(attrs: .reverse), headerAccent: Style(attrs: [.reverse, .bold]),
        selection: Style(attrs: .reverse), border: Style(attrs: .dim),
        footerKey: Style(attrs: .reverse), footerText: Style(),
        barFill: Style(), barEmpty: Style(attrs: .dim),
        pending: Style(attrs: .dim), running: Style(attrs: .bold), done: Style(),
        failed: Style(attrs: [.bold, .underline]), skipped: Style(attrs: .dim), paused: Style(attrs: .underline),
        warn: Style(attrs: .bold), error: Style(attrs: [.bold, .underline])
    )

    public func phase(_ s: PhaseState) -> Style {
        switch s {
        case .pending: return pending
        case .running: return running
        case .done: return done
        case .failed: return failed
        case .skipped, .canceled: return skipped
        case .unknown: return dim  // an engine newer than this viewer: no verdict to colour
        }
    }

    /// A job's phase as it stands: a lost job's running phase is styled as its row's "lost"
    /// (the failed style), else by its state.
    public func phase(_ p: BoardPhase, of job: BoardJob) -> Style { job.isLost(p) ? failed : phase(p.state) }

    /// A job as it stands: lost in the failed style, as its ETA column's "lost".
    public func job(_ j: BoardJob) -> Style { j.isLost ? failed : job(j.state) }

    public func job(_ s: JobState) -> Style {
        switch s {
        case .pending: return pending
        case .running, .completing: return running
        case .pausing, .paused: return paused
        case .canceling, .canceled: return skipped
        case .completed: return done
        case .failed: return failed
        case .unknown: return dim
        }
    }

    /// A job's step as it stands: a lost job's running step in the failed style, as "lost" is.
    public func step(_ s: Step, of job: BoardJob) -> Style { job.isLost(s) ? failed : step(s.state) }

    public func step(_ s: StepState) -> Style {
        switch s {
        case .running: return running
        case .done: return done
        case .failed: return failed
        case .canceled: return skipped
        case .unknown: return dim
        }
    }

    public func severity(_ s: Alert.Severity) -> Style {
        switch s {
        case .info: return text
        case .warning: return warn
        case .critical: return error
        }
    }

    public func log(_ l: LogLevel) -> Style {
        switch l {
        case .debug: return dim
        case .info: return text
        case .warn: return warn
        case .error: return error
        }
    }
}
