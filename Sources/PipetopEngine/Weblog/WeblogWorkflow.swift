import PipetopCore

/// What pipetop reads of a weblog event's `metadata` (sent with `started` and `completed`):
/// the plugin's FlowPayload, `{parameters, workflow}`, where `workflow` is Nextflow's
/// WorkflowMetadata (26.08.0-edge field names).
public struct WeblogWorkflow: Sendable, Equatable {
    /// `workflow.success`: set on `completed`.
    public var success: Bool?
    public var errorMessage: String?
    /// The manifest's name ("nf-core/rnaseq"), else the project's, else the script's.
    public var pipeline: String?
    public var launchDir: String?

    public init(success: Bool? = nil, errorMessage: String? = nil, pipeline: String? = nil, launchDir: String? = nil) {
        self.success = success; self.errorMessage = errorMessage; self.pipeline = pipeline; self.launchDir = launchDir
    }

    init(_ metadata: JSONValue) {
        // Nextflow's own documentation once showed `success` and `scriptName` beside
        // `workflow` rather than in it: both places are read.
        let w = metadata["workflow"] ?? .null
        func field(_ key: String) -> JSONValue? {
            if let v = w[key], v != .null { return v }
            if let v = metadata[key], v != .null { return v }
            return nil
        }
        if case .bool(let b)? = field("success") { success = b }
        errorMessage = field("errorMessage").flatMap(WeblogTrace.text)
        pipeline = w["manifest"]?["name"].flatMap(WeblogTrace.text)
            ?? field("projectName").flatMap(WeblogTrace.text)
            ?? field("scriptName").flatMap(WeblogTrace.text)
        launchDir = field("launchDir").flatMap(WeblogTrace.text)
    }
}
