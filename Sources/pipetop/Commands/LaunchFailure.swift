/// Why a command could not be started, worded as a shell words it, with the status a shell
/// gives: 127 when it was not found, 126 when it was found but cannot be executed.
struct LaunchFailure: Error {
    /// E.g. "foo: command not found", "/tmp: Is a directory".
    let message: String
    let exitCode: Int32
}
