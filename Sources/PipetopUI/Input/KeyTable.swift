import Foundation

/// The one key table: it drives key handling, the footer and the `?` help screen, so what
/// the screen says is always what the keys do. Conventions from htop, k9s, lazygit and less.
public enum KeyTable {
    public static let bindings: [Binding] = [
        Binding([.up, .char("k")], .moveUp, footer: "move", help: "move up", label: "↑↓/jk"),
        Binding([.down, .char("j")], .moveDown, help: "move down"),
        Binding([.pageUp], .pageUp, help: "page up"),
        Binding([.pageDown, .char(" ")], .pageDown, help: "page down"),
        Binding([.home, .char("g")], .top, help: "first row"),
        Binding([.end, .char("G")], .bottom, help: "last row"),
        Binding([.enter, .right, .char("l")], .drill, in: [.overview, .job, .phase, .alerts, .text], footer: "open",
                help: "open what is selected; an alert or a step: its whole text; in a text: the alert's job", label: "Enter"),
        Binding([.escape, .backspace, .left, .char("h")], .back, in: [.job, .phase, .alerts, .text, .hosts], footer: "back", help: "back to the screen before", label: "Esc"),
        Binding([.char("/")], .filter, footer: "filter", help: "a new filter on what rows show: name, state, stalled, alerting, labels... (Enter keeps it, Esc clears it)"),
        Binding([.char("n")], .nextFailed, in: [.phase, .text], footer: "next", help: "jump to the next failed step (or match, in a text)"),
        Binding([.char("N")], .previousFailed, in: [.phase, .text], help: "jump to the previous failed step (or match)"),
        Binding([.char("L")], .openLog, in: [.overview, .job], footer: "log", help: "the selected job's whole log, scrollable, following its end"),
        Binding([.char("f")], .follow, in: [.text], footer: "follow", help: "follow the end of a log as it grows (or stop)"),
        Binding([.char("a")], .acknowledge, footer: "ack", help: "acknowledge the selected alert (or the job's newest)"),
        Binding([.char("A")], .acknowledgeAll, help: "acknowledge every alert shown (asks first)"),
        Binding([.char("s")], .silence, help: "silence the selected alert's rule for its job"),
        Binding([.char("x")], .clearResolved, help: "clear an acknowledged failure, or resolved alerts"),
        Binding([.tab], .focusAlerts, in: [.overview, .job], help: "between the list and the alerts pane"),
        Binding([.char("!")], .alerts, in: [.overview, .job, .phase], footer: "alerts", help: "all alerts, full screen"),
        Binding([.char("o")], .sortNext, in: [.overview], help: "sort jobs by the next key: needs attention, name, progress, ETA, elapsed, CPU, memory, state"),
        Binding([.char("O")], .sortReverse, in: [.overview], help: "reverse the order"),
        Binding([.char("v")], .showNext, in: [.overview], footer: "view", help: "show all jobs, the active ones, or the failed, lost and alerting ones"),
        Binding([.char("K")], .signalJob, in: [.overview, .job], help: "signal the selected job's process: TERM, INT or KILL (asks first; its log says what was sent)"),
        Binding([.char("D")], .forgetJob, in: [.overview, .job], help: "forget the selected finished job: off the list with its alerts; its past runs stay (asks first)"),
        Binding([.char("E")], .endJob, in: [.overview, .job], help: "end the selected job as failed or canceled, when its process is gone (asks first)"),
        Binding([.char("H")], .hosts, in: [.overview], help: "the engines watched over ssh (pipetop attach): each one's link, last error in full, next try"),
        Binding([.char("?")], .help, footer: "help", help: "this help"),
        Binding([.char("q")], .quit, in: [.overview], footer: "quit", help: "quit pipetop"),
        Binding([.char("q")], .back, in: [.job, .phase, .alerts, .text, .hosts], help: "back (q quits from the overview)"),
    ]

    public static func action(for key: Key, in context: Context) -> Action? {
        bindings.first { $0.applies(in: context) && $0.keys.contains(key) }?.action
    }

    /// The footer's bindings for a screen, most needed first (the footer cuts from the end):
    /// help and quit are always there, so nobody is stuck.
    public static func footer(for context: Context) -> [Binding] {
        let order: [Action] = [.help, .quit, .back, .drill, .acknowledge, .follow, .nextFailed, .openLog, .alerts, .filter, .moveUp]
        return bindings.filter { $0.footer != nil && $0.applies(in: context) }
            .sorted { (order.firstIndex(of: $0.action) ?? 99) < (order.firstIndex(of: $1.action) ?? 99) }
    }
}
