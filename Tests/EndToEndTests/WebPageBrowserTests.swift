import Foundation
import Testing
@testable import PipetopClient

/// The live page in a real headless browser (Debian's chromium through chromedriver): it shows
/// a running job, its progress moves as events arrive, an alert acknowledged from it is
/// acknowledged in the engine, a silence from it too, a phase's steps (newest first, the
/// failed with why, filtered), a phase's progress as the dashboard words it, a failed job's reason,
/// a phase's rate, time and ETA as the dashboard words them, a card naming its current phase
/// (at 390 and 1400 px), a lost job said lost on its card, its details and its running phase and
/// step (its CPU not shown as now), a job named `<script>` shows as text, and
/// with every event stream taken the page still shows the jobs and says why it is not live.
@Suite(.serialized) struct WebPageBrowserTests {
    @Test func thePageInARealBrowser() throws {
        try #require(FileManager.default.isExecutableFile(atPath: "/usr/bin/chromium") && FileManager.default.isExecutableFile(atPath: "/usr/bin/chromedriver"),
                     "Debian's chromium and chromium-driver are needed (.ci/run installs them)")
        let dir = try scratchDir()
        let sock = dir + "/d.sock", port = try freePort(), tokenFile = dir + "/token"
        // Sampled, so a job whose process is gone becomes lost.
        let p = try startDaemon(sock, ["--sample-interval", "0.2", "--http", "\(port)", "--http-token-file", tokenFile])
        defer { p.terminate(); p.waitUntilExit() }
        try #require(waitForHTTP(port), "the daemon's --http listener did not start")
        let token = try #require(tokenWritten(tokenFile))
        let script = dir + "/drive.py"
        try browserDriverScript.write(toFile: script, atomically: true, encoding: .utf8)
        let r = try runProcess("/usr/bin/python3", [script, sock, "http://127.0.0.1:\(port)/", token], env: ["PT_PROFILE": dir + "/profile"])
        #expect(r.status == 0, "\(r.out)\(r.err)")
        #expect(r.out.contains("shown as text: <script>alert(1)</script>"), "\(r.out)")
        #expect(r.out.contains("progress moved to 60/100"))
        #expect(r.out.contains("card now: fetch 60/100"), "\(r.out)")
        #expect(r.out.contains("phase rate and time: "), "\(r.out)")
        #expect(r.out.contains("width 390: fits (fetch") && r.out.contains("width 1400: fits (fetch"), "\(r.out)")
        #expect(r.out.contains("page: acknowledged by web:robot"), "\(r.out)")
        #expect(r.out.contains("page: silenced until"), "\(r.out)")
        #expect(r.out.contains("narrow: the alert's message has the row's width"), "\(r.out)")
        #expect(r.out.contains("steps: page <i>3</i>|failed|HTTP 503 after 3 retries / page 2|running|GET /orders?page=2 / page 1|done|"), "\(r.out)")
        #expect(r.out.contains("phase row: 65/100 · 65% · 1 failed · 4 skipped bar 65%"), "\(r.out)")
        #expect(r.out.contains("why: load failed: disk full on /data"), "\(r.out)")
        #expect(r.out.contains("lost: s-lost|load: lost / s-pending|index: pending"), "\(r.out)")
        #expect(r.out.contains("lost: lost"), "\(r.out)")
        #expect(r.out.contains("lost resources: CPU and memory: not sampled since the job went lost"), "\(r.out)")
        #expect(r.out.contains("streams full: the engine already serves 16 event streams"), "\(r.out)")
        // The engine has the acknowledgement and the silence, as the CLI reads them.
        let alerts = try runPipetop(["alerts", "--all", "--socket", sock])
        #expect(alerts.out.contains("acknowledged by web:robot"), "\(alerts.out)")
        // Silenced for the day chosen in the page's list.
        let listed = try runPipetop(["alerts", "--json", "--socket", sock])
        let silence = try #require((jsonObject(listed.out)?["silences"] as? [[String: Any]])?.first, "\(listed.out)")
        #expect(silence["by"] as? String == "web:robot")
        let iso = ISO8601DateFormatter()
        iso.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let until = try #require((silence["until"] as? String).flatMap { iso.date(from: $0) }, "\(silence)")
        #expect(abs(until.timeIntervalSinceNow - 86_400) < 600, "silenced until \(until)")
        // The page is served with a policy that runs nothing but its own script.
        let page = webRequest("http://127.0.0.1:\(port)/")
        #expect(page.headers["content-type"]?.hasPrefix("text/html") == true)
        #expect(page.headers["content-security-policy"]?.contains("default-src 'none'") == true)
        #expect(!page.body.contains("innerHTML"), "job strings go in as text only")
    }
}
