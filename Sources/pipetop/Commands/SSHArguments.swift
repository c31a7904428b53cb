/// `--ssh-option` values as ssh takes them: `-F FILE`, `-J host`, `-p 2222`, `-i key`,
/// `-o K=V` (or `-oK=V`, `-p2222`), a flag such as `-4` or `-A`, or a bare `K=V`, which means
/// `-o K=V` as it always did. Options that would stop ssh from running pipetop's bridge are
/// refused with the reason.
enum SSHArguments {
    /// Options of ssh(1) that take a value.
    static let withValue: Set<Character> = ["B", "b", "c", "D", "E", "e", "F", "I", "i", "J", "L", "l", "m", "O", "o", "P", "p", "Q", "R", "S", "W", "w"]
    /// Options of ssh(1) that take none.
    static let flags: Set<Character> = ["4", "6", "A", "a", "C", "f", "G", "g", "K", "k", "M", "N", "n", "q", "s", "T", "t", "V", "v", "X", "x", "Y", "y"]
    /// What each option that cannot work here would do instead.
    static let refused: [Character: String] = [
        "N": "runs no remote command, and pipetop needs one to start its bridge",
        "f": "sends ssh to the background, where pipetop cannot read it",
        "W": "forwards a port instead of running pipetop's bridge",
        "O": "controls a master connection instead of running pipetop's bridge",
        "Q": "only lists what ssh supports",
        "G": "only prints ssh's configuration",
        "V": "only prints ssh's version",
        "t": "asks for a terminal, which would mangle the bridge's stream (pipetop passes -T)",
        "s": "asks for a subsystem instead of running pipetop's bridge",
    ]

    struct Problem: Error, CustomStringConvertible { let description: String }

    /// The ssh arguments for each `--ssh-option` value, in order.
    static func parse(_ values: [String]) throws(Problem) -> [String] {
        var out: [String] = []
        for value in values {
            let text = value.trimmingCharacters(in: .whitespaces)
            guard text.hasPrefix("-") else {
                guard !text.isEmpty, text.contains("=") else {
                    throw Problem(description: "--ssh-option '\(value)': give an ssh option such as -p 2222, -J bastion or -o Port=2222 (a bare Key=Value means -o Key=Value)")
                }
                out += ["-o", text]
                continue
            }
            let body = text.dropFirst()
            guard let letter = body.first, !text.hasPrefix("--") else {
                throw Problem(description: "--ssh-option '\(value)': ssh has no long options; give one such as -p 2222 or -o Port=2222")
            }
            if let why = refused[letter] { throw Problem(description: "--ssh-option '\(value)': -\(letter) \(why)") }
            if withValue.contains(letter) {
                let rest = body.dropFirst().trimmingCharacters(in: .whitespaces)
                guard !rest.isEmpty else { throw Problem(description: "--ssh-option '\(value)': -\(letter) needs a value in the same argument, e.g. --ssh-option '-\(letter) VALUE'") }
                out += ["-\(letter)", rest]
            } else if flags.contains(letter) {
                guard body.allSatisfy({ flags.contains($0) && refused[$0] == nil }) else {
                    throw Problem(description: "--ssh-option '\(value)': give one option per --ssh-option, each with its value")
                }
                out.append(text)
            } else {
                throw Problem(description: "--ssh-option '\(value)': ssh has no option -\(letter)")
            }
        }
        return out
    }
}
