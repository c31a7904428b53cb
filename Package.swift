// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "pipetop",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "pipetop", targets: ["pipetop"]),
        .library(name: "PipetopClient", targets: ["PipetopClient"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    ],
    targets: [
        // ncursesw with the wide-character API (see the shim header for why no pkg-config).
        .systemLibrary(name: "CNCurses", providers: [.apt(["libncurses-dev"])]),
        // Events kept on disk while no engine answers (clients write, the engine drains). No deps.
        .target(name: "PipetopSpool"),
        // The read model every viewer uses (dashboard, report, /metrics, remote viewers): view-ready
        // figures and their wording, without the engine's internals. No deps.
        .target(name: "PipetopBoard"),
        // Pure model: jobs, phases, steps, the reducer, ETA, and the projection onto the Board. No I/O.
        .target(name: "PipetopCore", dependencies: ["PipetopBoard"]),
        // NDJSON codec for events, replies and the subscriber protocol.
        .target(name: "PipetopWire", dependencies: ["PipetopCore"]),
        // History in SQLite (GRDB, WAL): the journal of applied events and state snapshots.
        .target(name: "PipetopStore", dependencies: [
            "PipetopCore", "PipetopWire", .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "GRDBSQLite", package: "GRDB.swift"),
        ]),
        // The tracker engine: Unix-socket server, subscriber fan-out, sampler.
        .target(name: "PipetopEngine", dependencies: [
            "PipetopCore", "PipetopWire", "PipetopStore", "PipetopSpool",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "NIOWebSocket", package: "swift-nio"),
        ]),
        // Cell grid, widgets, views, themes; the ncurses and in-memory backends.
        .target(name: "PipetopUI", dependencies: ["PipetopCore", "CNCurses"]),
        // Talking to an engine from outside: producers (emit, demo) and viewers (attach).
        .target(name: "PipetopClient", dependencies: ["PipetopCore", "PipetopWire", "PipetopSpool"]),
        .executableTarget(name: "pipetop", dependencies: [
            "PipetopCore", "PipetopWire", "PipetopEngine", "PipetopUI", "PipetopClient", "PipetopStore", "PipetopSpool",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // Figures for docs/PERFORMANCE.md: `swift run -c release pipetop-bench`.
        .executableTarget(name: "pipetop-bench", dependencies: ["PipetopEngine", "PipetopCore", "PipetopWire", "PipetopClient", "PipetopStore"], path: "Benchmarks/pipetop-bench"),
        .testTarget(name: "PipetopBoardTests", dependencies: ["PipetopBoard", "PipetopCore"]),
        .testTarget(name: "PipetopCoreTests", dependencies: ["PipetopCore"]),
        .testTarget(name: "PipetopWireTests", dependencies: ["PipetopWire"]),
        .testTarget(name: "PipetopEngineTests", dependencies: ["PipetopEngine", "PipetopWire", "PipetopClient", "PipetopStore", "PipetopSpool",
                                                             .product(name: "GRDB", package: "GRDB.swift")], exclude: ["Fixtures"]),
        .testTarget(name: "PipetopUITests", dependencies: ["PipetopUI"], exclude: ["Golden"]),
        // Drives the real binary in tmux; depending on the executable makes `swift test` build it.
        .testTarget(name: "EndToEndTests", dependencies: ["pipetop", "pipetop-bench", "PipetopWire", "PipetopClient", "PipetopCore", "PipetopEngine", "PipetopSpool"]),
    ]
)
