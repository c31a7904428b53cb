import Foundation

/// The program a `/bin/sh -c` command line runs first, and why it could not run: what a
/// `command` notify target finds out only when an alert fires (at 3 a.m.), said when the
/// config is checked and when the engine starts.
///
/// Only a plain first word is judged: one with expansions, quotes that hold them, or a shell
/// keyword (`if`, `{`, `(`...) is not, since only the shell can tell what it runs.
enum ShellProgram {
    /// sh's own commands: they always run.
    static let builtins: Set<String> = [
        ":", ".", "[", "alias", "bg", "break", "cd", "command", "continue", "echo", "eval", "exec", "exit", "export", "false", "fg",
        "getopts", "hash", "jobs", "kill", "local", "printf", "pwd", "read", "readonly", "return", "set", "shift", "test", "times",
        "trap", "true", "type", "ulimit", "umask", "unalias", "unset", "wait",
    ]
    static let keywords: Set<String> = ["if", "then", "else", "elif", "fi", "for", "while", "until", "do", "done", "case", "esac", "!", "{", "}", "in"]
    /// dash's search path when PATH is not set.
    static let defaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

    /// The first word the shell runs as a command (after `NAME=value` assignments); nil when
    /// it cannot be told without running the shell.
    static func firstWord(_ command: String) -> String? {
        var words: [String] = []
        var word = ""
        var started = false
        var quote: Character?
        for ch in command {
            if let q = quote {
                if ch == q { quote = nil; continue }
                // Inside double quotes, `$`, backquotes and backslashes still expand.
                if q == "\"" && (ch == "$" || ch == "`" || ch == "\\") { return nil }
                word.append(ch)
                continue
            }
            switch ch {
            case "'", "\"": quote = ch; started = true
            case " ", "\t", "\n", ";", "&", "|", "<", ">", "(", ")":
                if started {
                    words.append(word)
                    // An assignment before the command: the command is the next word.
                    guard Self.isAssignment(word) else { return Self.judged(words.last!) }
                    word = ""; started = false
                }
                if ch != " " && ch != "\t" { return nil }  // a redirection or a subshell first: the shell's to tell
            case "$", "`", "\\", "*", "?", "[":
                return nil  // an expansion: the shell's to tell
            case "~", "#" where !started:
                return nil  // a home directory, or a comment
            default:
                word.append(ch); started = true
            }
        }
        guard quote == nil, started, !Self.isAssignment(word) else { return nil }
        return Self.judged(word)
    }

    private static func judged(_ word: String) -> String? {
        word.isEmpty || keywords.contains(word) ? nil : word
    }

    private static func isAssignment(_ word: String) -> Bool {
        guard let eq = word.firstIndex(of: "="), eq != word.startIndex else { return false }
        return word[..<eq].allSatisfy { $0 == "_" || $0.isASCII && ($0.isLetter || $0.isNumber) } && !word.first!.isNumber
    }

    /// Why `command`'s program cannot run, in words ("no program 'foo' on PATH"); nil when it
    /// can, or when that cannot be told. `path`: the PATH the shell will search (nil: not set);
    /// `directory`: where a relative path is taken from.
    static func problem(_ command: String, path: String?, directory: String) -> String? {
        guard let program = firstWord(command), !builtins.contains(program) else { return nil }
        if program.contains("/") {
            let full = program.hasPrefix("/") ? program : directory + "/" + program
            return why(full, named: program)
        }
        let searched = path ?? defaultPath
        var notExecutable: String?
        for dir in searched.split(separator: ":", omittingEmptySubsequences: false) {
            let full = (dir.isEmpty ? directory : String(dir)) + "/" + program
            switch why(full, named: full) {
            case nil: return nil
            case let w? where notExecutable == nil && access(full, F_OK) == 0: notExecutable = w
            default: continue
            }
        }
        return notExecutable ?? "no program '\(program)' on PATH (\(searched))"
    }

    /// Why the file at `full` cannot be run; nil when it can.
    private static func why(_ full: String, named: String) -> String? {
        var st = stat()
        guard stat(full, &st) == 0 else { return "no program '\(named)' (\(String(cString: strerror(errno))))" }
        if (st.st_mode & S_IFMT) == S_IFDIR { return "'\(named)' is a directory, not a program" }
        guard access(full, X_OK) == 0 else { return "'\(named)' is not executable" }
        return nil
    }
}
