import Foundation
import Testing
@testable import pipetop
@testable import PipetopCore

/// Python progress bars through `pipetop run`: tqdm with no flag in a pipe; rich, enlighten and
/// alive-progress, which draw only on a terminal, with `--pty`.
@Suite("pipetop run with Python progress bars", .serialized)
struct RunCommandPythonBarTests {
    private func script(_ d: Daemon, _ name: String, _ body: String) throws -> String {
        // Not named like the module it imports (a rich.py would shadow rich).
        let path = d.dir + "/bars_" + name + ".py"
        try body.write(toFile: path, atomically: false, encoding: .utf8)
        return path
    }

    @Test func tqdmWithNoFlag() throws {
        let d = try Daemon()
        let python = try RunCommandTools.barsPython()
        let s = try script(d, "train", "import time\nfrom tqdm import tqdm\nfor i in tqdm(range(9)):\n    time.sleep(0.03)\n")
        let r = try RunCommandTools.run(d, id: "tq", [], [python, s])
        #expect(r.status == 0)
        #expect(r.job?.phase("run")?.done == 9)
        #expect(r.job?.phase("run")?.total == 9)
    }

    /// tqdm's unit goes to the phase: `240/400 rows`, `11 rows/s`, not items.
    @Test func tqdmsUnitGoesToThePhase() throws {
        let d = try Daemon()
        let python = try RunCommandTools.barsPython()
        let s = try script(d, "rows", "import time\nfrom tqdm import tqdm\nfor i in tqdm(range(40), unit='rows'):\n    time.sleep(0.01)\n")
        let r = try RunCommandTools.run(d, id: "rows", [], [python, s])
        #expect(r.status == 0)
        #expect(r.job?.phase("run")?.done == 40)
        #expect(r.job?.phase("run")?.unit == "rows")
        #expect(TqdmBar.unit(" 60%|██████    | 240/400 [00:21<00:18, 1.20s/rows]") == "rows")
        #expect(TqdmBar.unit(" 0%|          | 0/400 [00:00<?, ?rows/s]") == "rows")
        #expect(TqdmBar.unit(" 43%|████▎     | 3/7 [00:00<00:00,  6.65it/s]") == nil)
    }

    /// Epochs of batches: one count over the whole run (3 × 40), not the epoch bar's 3/3 at
    /// the end after turns with the batch bar.
    @Test func nestedTqdmBarsMakeOneCount() throws {
        let d = try Daemon()
        let python = try RunCommandTools.barsPython()
        let s = try script(d, "nested", """
            import time
            from tqdm import tqdm
            for e in tqdm(range(3), desc="epoch"):
                for b in tqdm(range(40), desc="batch", leave=False):
                    time.sleep(0.005)
            """)
        let r = try RunCommandTools.run(d, id: "nest", [], [python, s])
        #expect(r.status == 0)
        #expect(r.job?.phase("run")?.done == 120, "\(String(describing: r.job?.phase("run")))")
        #expect(r.job?.phase("run")?.total == 120)
    }

    @Test func richWithPty() throws {
        let d = try Daemon()
        let python = try RunCommandTools.barsPython()
        let s = try script(d, "rich", """
            import time
            from rich.progress import Progress
            with Progress() as p:
                t = p.add_task("Processing", total=5)
                for i in range(5):
                    time.sleep(0.1); p.update(t, advance=1)
            """)
        let r = try RunCommandTools.run(d, id: "rich", ["--pty"], [python, s])
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.contains("\u{1B}["), "on a pty rich draws with escape sequences")
        #expect(r.job?.phase("run")?.done == 100)
        #expect(r.job?.phase("run")?.total == 100)
    }

    @Test func enlightenWithPty() throws {
        let d = try Daemon()
        let python = try RunCommandTools.barsPython()
        let s = try script(d, "enl", """
            import time, enlighten
            m = enlighten.get_manager()
            b = m.counter(total=6, desc="Basic", unit="ticks")
            for i in range(6):
                time.sleep(0.05); b.update()
            m.stop()
            """)
        let r = try RunCommandTools.run(d, id: "enl", ["--pty"], [python, s])
        #expect(r.status == 0)
        #expect(r.job?.phase("run")?.done == 6)
        #expect(r.job?.phase("run")?.total == 6)
    }

    @Test func aliveProgressWithPty() throws {
        let d = try Daemon()
        let python = try RunCommandTools.barsPython()
        let s = try script(d, "alive", """
            import time
            from alive_progress import alive_bar
            with alive_bar(6) as bar:
                for i in range(6):
                    time.sleep(0.05); bar()
            """)
        let r = try RunCommandTools.run(d, id: "alive", ["--pty"], [python, s])
        #expect(r.status == 0)
        #expect(r.job?.phase("run")?.done == 6)
        #expect(r.job?.phase("run")?.total == 6)
    }
}
