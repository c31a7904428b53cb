enum DemoScript {
    /// Completed runs of each pipeline sent before the live ones (an hour apart), so estimates
    /// have a history to calibrate on from the first frame: ranges, and `≈` where it is thin.
    static let pastRuns = 4

    static let jobs: [DemoJob] = [
        DemoJob(id: "etl-orders", name: "etl-orders", labels: ["team": "billing"], phases: [
            DemoPhase(id: "extract", name: "extract", total: 1_800, unit: "rows", rate: 3_000, stepSize: 600, stepLabel: "partition"),
            DemoPhase(id: "clean", name: "clean", total: 1_800, unit: "rows", rate: 2_400, stepSize: 900, stepLabel: "chunk"),
            DemoPhase(id: "enrich", name: "enrich", total: 1_800, unit: "rows", rate: 900, stepSize: 300, stepLabel: "batch",
                      failAt: 1_230, failReason: "lookup service: connection reset by peer"),
            DemoPhase(id: "load", name: "load", total: 1_800, unit: "rows", rate: 1_000),
            DemoPhase(id: "reconcile", name: "reconcile", total: 10, rate: 2),
            DemoPhase(id: "publish", name: "publish", total: 1, rate: 1),
        ], startedAgo: 1.5, restartAfter: 90),
        DemoJob(id: "nightly-import", name: "nightly-import", labels: ["env": "prod"], phases: [
            DemoPhase(id: "fetch", name: "fetch", total: 12_000, unit: "pages", rate: 60, stepSize: 400, stepLabel: "page-range"),
            DemoPhase(id: "validate", name: "validate", total: 12_000, unit: "pages", rate: 240, stepSize: 2_000),
            DemoPhase(id: "transform", name: "transform", total: 120_000, unit: "records", rate: 900, stepSize: 10_000, stepLabel: "shard", swing: 0.6),
            DemoPhase(id: "dedupe", name: "dedupe", total: 120_000, unit: "records", rate: 4_000),
            DemoPhase(id: "load", name: "load", total: 110_000, unit: "records", rate: 1_500, stepSize: 10_000, stepLabel: "table-part"),
            DemoPhase(id: "index", name: "index", total: 8, unit: "indexes", rate: 0.2, stepSize: 1, stepLabel: "index"),
        ], startedAgo: 260, restartAfter: 30),
        DemoJob(id: "genome-align", name: "genome-align NA12878", labels: ["sample": "NA12878"], phases: [
            DemoPhase(id: "fastqc", name: "fastqc", total: 48, unit: "files", rate: 1.5, stepSize: 1, stepLabel: "lane"),
            DemoPhase(id: "trim", name: "trim", total: 48, unit: "files", rate: 2, stepSize: 1, stepLabel: "lane"),
            DemoPhase(id: "align", name: "align", total: 2_000, unit: "Mreads", rate: 30, stepSize: 250, stepLabel: "chunk",
                      stallAt: 1_240, stallLog: "waiting for lock on reference index /ref/hg38.fa.bwt"),
            DemoPhase(id: "sort", name: "sort", total: 2_000, unit: "Mreads", rate: 80),
            DemoPhase(id: "call", name: "variant-call", total: 24, unit: "chroms", rate: 0.1, stepSize: 1, stepLabel: "chr"),
            DemoPhase(id: "report", name: "report", total: 1, rate: 1),
        ], startedAgo: 150, restartAfter: nil),
        DemoJob(id: "ml-train", name: "ml-train resnet50", labels: ["gpu": "0"], phases: [
            DemoPhase(id: "prepare", name: "prepare", total: 50_000, unit: "images", rate: 20_000),
            DemoPhase(id: "augment", name: "augment", total: 50_000, unit: "images", rate: 5_000, skip: true),
            DemoPhase(id: "train", name: "train", total: 30, unit: "epochs", rate: 0.12, stepSize: 1, stepLabel: "epoch", swing: 0.1),
            DemoPhase(id: "evaluate", name: "evaluate", total: 10_000, unit: "images", rate: 800),
            DemoPhase(id: "export", name: "export", total: 3, unit: "formats", rate: 0.5, stepSize: 1, stepLabel: "format"),
            DemoPhase(id: "publish", name: "publish", total: 1, rate: 0.5),
        ], startedAgo: 40, restartAfter: 30, sampled: true),
        DemoJob(id: "s3-backup", name: "s3-backup", labels: [:], phases: [
            DemoPhase(id: "scan", name: "scan", total: 40_000, unit: "files", rate: 8_000),
            DemoPhase(id: "diff", name: "diff", total: 40_000, unit: "files", rate: 12_000),
            DemoPhase(id: "upload", name: "upload", total: 2_600, unit: "MB", rate: 180, stepSize: 200, stepLabel: "part", swing: 0.8),
            DemoPhase(id: "verify", name: "verify", total: 2_600, unit: "MB", rate: 500),
            DemoPhase(id: "prune", name: "prune", total: 120, unit: "snapshots", rate: 40),
            DemoPhase(id: "report", name: "report", total: 1, rate: 2),
        ], startedAgo: 25, restartAfter: 20),
    ]
}
