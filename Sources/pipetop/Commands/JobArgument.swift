import PipetopCore

/// A job named on the command line, by id or by name (its newest run), turned into the id the
/// engine knows, or refused in a sentence that suggests what exists.
enum JobArgument {
    static func id(_ reference: String, in state: PipelineState, command: String) throws -> String {
        if let id = state.jobID(for: reference) { return id }
        let near = state.jobSuggestions(for: reference)
        throw CLIError("pipetop \(command): no job has the id or name '\(reference)'"
                       + (near.isEmpty ? " (the engine knows no job)" : " (known: \(near.joined(separator: ", ")))"))
    }
}
