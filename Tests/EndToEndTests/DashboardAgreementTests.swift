import Foundation
import Testing
@testable import PipetopClient
import PipetopWire
import PipetopCore
import PipetopEngine

/// The dashboard (read from a real terminal), `report --format json` and `/metrics` show the
/// same figures for each job: state (stalled or not), done/total, percent, rate and ETA, for
/// producers on time and producers whose clock is ten minutes behind the engine's.
///
/// Readings are taken one after the other: figures that count down (ETA, a stall's age) may
/// move by the wall time between them, plus the display's rounding.
@Suite("The dashboard agrees with report and /metrics", .serialized)
struct DashboardAgreementTests {
    /// How a job reports: 60 s of work at 10 items/s out of 1000, on a clock `behind` seconds
    /// late, sent at once; a stuck one stopped four minutes ago (on its own clock) and says so
    /// now in a log line (stamped now, on its clock: what shows the engine that clock).
    static func lines(job: String, behind: Double, stuck: Bool) -> [String] {
        let now = Date().timeIntervalSince1970 - behind
        let start = now - 60 - (stuck ? 240 : 0)
        var lines = [#"{"type":"job.start","job":"\#(job)","name":"\#(job)","phases":["load"],"ts":\#(start)}"#,
                     #"{"type":"phase.start","job":"\#(job)","phase":"load","total":1000,"ts":\#(start)}"#]
        for i in 1...60 { lines.append(#"{"type":"progress","job":"\#(job)","phase":"load","done":\#(i * 10),"ts":\#(start + Double(i))}"#) }
        if stuck { lines.append(#"{"type":"log","job":"\#(job)","level":"info","message":"waiting for a lock","ts":\#(now)}"#) }
        return lines
    }

    @Test func everyFigureAgreesOnTimeAndTenMinutesOff() throws {
        let dir = try scratchDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let sock = dir + "/d.sock", port = try freePort()
        let daemon = try startDaemon(sock, ["--sample-interval", "0", "--metrics", "127.0.0.1:\(port)", "--db", dir + "/p.db"])
        defer { daemon.terminate(); daemon.waitUntilExit() }
        let c = try EngineConnection(path: sock)
        defer { c.close() }
        let jobs = [("ontime", 0.0, false), ("skewed", 600.0, false), ("stuck", 0.0, true), ("stuck-skewed", 600.0, true)]
        for (job, behind, stuck) in jobs { #expect(try send(c, Self.lines(job: job, behind: behind, stuck: stuck)).isEmpty) }

        // The dashboard, attached to the daemon, at a width where every column shows.
        let pane = try TmuxPane("\(pipetopBinary) --socket \(sock) --fps 10", width: 160, height: 20, env: ["LANG": "C.UTF-8"])
        // Wait until it shows an estimate for the running jobs and a stall for the stuck ones.
        let (ready, screen0) = pane.waitFor(20) { s in
            jobs.allSatisfy { job, _, stuck in
                guard let row = Self.row(job, in: s) else { return false }
                return stuck ? row.eta.hasPrefix("stalled") : (row.eta != "-" && !row.eta.isEmpty)
            }
        }
        #expect(ready, "the dashboard did not show every job's estimate:\n\(screen0)")
        guard ready else { return }

        // The three readings, taken again (up to five times) while a running job's range on
        // screen is not the report's: the first estimate's wide range is replaced by a narrower
        // one at the next refresh, which may fall between two readings. A range that never
        // agrees still fails below.
        var t0 = Date(), screen = "", report = JSONValue.null, metrics = "", apart = 0.0
        for attempt in 1...5 {
            t0 = Date()
            screen = pane.screen
            report = try JSONParser.parse(try runPipetop(["report", "--format", "json", "--socket", sock]).out)
            metrics = httpGet("http://127.0.0.1:\(port)/metrics").body
            apart = Date().timeIntervalSince(t0)
            let agree = jobs.filter { !$0.2 }.allSatisfy { job, _, _ in
                guard let range = Self.row(job, in: screen)?.range,
                      let eta = report["jobs"]?.arrayValue?.first(where: { $0["id"] == .string(job) })?["eta"],
                      let low = eta["low_s"]?.number, let high = eta["high_s"]?.number else { return false }
                return abs(range.0 - low) <= 1 + apart && abs(range.1 - high) <= 1 + apart
            }
            if agree || attempt == 5 { break }
            Thread.sleep(forTimeInterval: 1)
        }

        func metric(_ name: String, _ job: String) -> Double? {
            metrics.split(separator: "\n").first { $0.hasPrefix(name + "{") && $0.contains(#"job_id="\#(job)""#) }
                .flatMap { Double($0.split(separator: " ").last ?? "") }
        }
        for (job, _, stuck) in jobs {
            let row = try #require(Self.row(job, in: screen), "\(job) not on screen:\n\(screen)")
            let r = try #require(report["jobs"]?.arrayValue?.first { $0["id"] == .string(job) }, "\(job) not in the report")
            let phase = try #require(r["phases"]?[0])
            let context = "\(job): screen \(row), report \(JSONWriter.string(r["eta"] ?? .null)), screen:\n\(screen)"

            // State: stalled on all three or on none.
            let stalledScreen = row.eta.hasPrefix("stalled")
            #expect(row.eta.contains("stalled") == stalledScreen, "\(context)")
            let stalledReport = r["eta"]?["stalled_s"].map { $0 != .null } ?? false
            #expect(stalledScreen == stuck && stalledReport == stuck && metric("pipetop_job_stalled", job) == (stuck ? 1 : 0), "\(context)")
            // Elapsed, on the job's own clock (the screen shows whole seconds).
            let took = try #require(r["duration_s"]?.number), scrapedTook = try #require(metric("pipetop_job_duration_seconds", job))
            #expect(abs(row.elapsed - took) <= 1 + apart && abs(took - scrapedTook) <= 1 + apart, "elapsed \(context), /metrics \(scrapedTook)")
            // Done and total.
            #expect(row.done == 600 && row.total == 1000, "\(context)")
            #expect(phase["done"]?.number == 600 && phase["total"]?.number == 1000, "\(context)")
            #expect(metric("pipetop_phase_items_done_total", job) == 600, "\(context)")
            // Percent.
            let ratio = try #require(r["progress"]?.number)
            #expect(row.percent == Int((ratio * 100).rounded()) && metric("pipetop_job_progress_ratio", job) == ratio, "\(context)")
            // Rate: the recent rate on all three (`rate_now_per_s` in the report). While nothing
            // comes it decays, re-projected once a second, and the screen shows two or three
            // digits: 5% apart at most. The report's `rate_per_s` is the average over the
            // phase's run: done over its elapsed time.
            let scraped = metric("pipetop_phase_rate_items_per_second", job) ?? 0
            let reported = try #require(phase["rate_now_per_s"]?.number)
            #expect(abs(row.rate - scraped) <= max(0.05, scraped * 0.05) && abs(reported - scraped) <= max(0.05, scraped * 0.05),
                    "rate \(context), /metrics \(scraped), report \(reported)")
            let average = try #require(phase["rate_per_s"]?.number), ran = try #require(phase["duration_s"]?.number)
            #expect(abs(average - 600 / ran) < 0.01, "average rate \(context), report \(average) over \(ran) s")
            #expect(abs(ran - (stuck ? 300 : 60)) < 30 + apart, "\(context): the phase ran \(ran) s on its own clock")
            // ETA: the time left, or the stall's age.
            if stuck {
                let age = try #require(r["eta"]?["stalled_s"]?.number)
                #expect(abs(row.seconds - age) <= 1 + apart, "stalled for \(context)")
                #expect(age > 200 && age < 300, "\(context)")
            } else {
                let left = try #require(r["eta"]?["remaining_s"]?.number)
                let scrapedLeft = try #require(metric("pipetop_job_eta_seconds", job))
                // /metrics may serve a rendering up to `renderReuseSeconds` old: its time left is
                // counted from then (seen failing once on a loaded machine).
                let reuse = MetricsServer.renderReuseSeconds
                #expect(abs(row.seconds - left) <= 1 + apart && abs(left - scrapedLeft) <= 1 + apart + reuse, "ETA \(context), /metrics \(scrapedLeft)")
                let range = try #require(row.range, "no range on screen: \(context)")
                let low = try #require(r["eta"]?["low_s"]?.number), high = try #require(r["eta"]?["high_s"]?.number)
                #expect(abs(range.0 - low) <= 1 + apart && abs(range.1 - high) <= 1 + apart, "range \(context)")
                #expect(left > 5 && left < 60, "400 items at 10/s: \(context)")
            }
        }
        try pane.keys("q")
    }

    /// One job's row of the overview, as figures.
    struct Row: CustomStringConvertible {
        var done = -1, total = -1, percent = -1
        var rate = -1.0, elapsed = -1.0
        var eta = ""
        /// The ETA column's first duration ("≈2m10s", "stalled 4m00s") in seconds.
        var seconds: Double { Self.seconds(eta.split(separator: " ").first { $0.first?.isNumber == true || $0.hasPrefix("≈") || $0.hasPrefix("≥") }.map(String.init) ?? "") }
        /// Its 80% range ("0s–2m24s"), in seconds.
        var range: (Double, Double)? {
            guard let r = eta.split(separator: " ").first(where: { $0.contains("–") }) else { return nil }
            let ends = r.split(separator: "–").map { Self.seconds(String($0)) }
            return ends.count == 2 ? (ends[0], ends[1]) : nil
        }
        var description: String { "\(done)/\(total) \(percent)% \(rate)/s elapsed \(elapsed) s eta '\(eta)'" }

        static func seconds(_ text: String) -> Double {
            var total = 0.0, digits = ""
            for ch in text {
                if ch.isNumber { digits.append(ch); continue }
                let n = Double(digits) ?? 0
                switch ch { case "h": total += n * 3600; case "m": total += n * 60; case "s": total += n; default: break }
                digits = ""
            }
            return total
        }
    }

    /// Reads `job`'s row: "> ontime  ◐  load 600/1000  ████…  60%  10.0/s  1m00s  40s".
    static func row(_ job: String, in screen: String) -> Row? {
        guard let line = screen.split(separator: "\n").first(where: { l in l.split(separator: " ").contains { $0 == job } }) else { return nil }
        var row = Row()
        let words = line.split(separator: " ").map(String.init)
        if let f = words.first(where: { $0.contains("/") && !$0.hasSuffix("/s") }) {
            let parts = f.split(separator: "/")
            row.done = Int(parts.first ?? "") ?? -1
            row.total = Int(parts.last ?? "") ?? -1
        }
        if let p = words.first(where: { $0.hasSuffix("%") }) { row.percent = Int(p.dropLast()) ?? -1 }
        if let r = words.first(where: { $0.hasSuffix("/s") }) { row.rate = Double(r.dropLast(2)) ?? -1 }
        // After the rate come the elapsed time and the ETA: "≈40s 0s–2m24s", "stalled 4m00s".
        if let r = words.firstIndex(where: { $0.hasSuffix("/s") }), r + 2 < words.count {
            row.elapsed = Row.seconds(words[r + 1])
            row.eta = words[(r + 2)...].joined(separator: " ")
        }
        return row
    }
}
