import ArgumentParser
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The demo's one real process: works in bursts and grows and shrinks its memory, so the demo's
/// training job has resource timelines to show. Ends when the demo does (its standard input,
/// a pipe from the demo, reaches its end), kill -9 of the demo included.
struct DemoWorkerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "demo-worker", abstract: "The demo's sampled process (started by `pipetop demo`).",
                                                    shouldDisplay: false)

    func run() throws {
        var blocks: [UnsafeMutableRawPointer] = []
        let block = 8 << 20  // 8 MiB
        var sink = 0.0
        var tick = 0
        while true {
            // About a fifth of a core, in a burst, with a slow swing.
            let busy = 0.12 + 0.1 * sin(Double(tick) / 7)
            let until = Date().timeIntervalSince1970 + busy
            while Date().timeIntervalSince1970 < until { for i in 0..<10_000 { sink += sin(Double(i) + sink) } }
            // Memory between 16 and 128 MiB, touched so it counts as resident.
            let wanted = 2 + Int(7 * (1 + sin(Double(tick) / 11)))
            while blocks.count < wanted, let p = malloc(block) { memset(p, 1, block); blocks.append(p) }
            while blocks.count > wanted { free(blocks.removeLast()) }
            tick += 1
            // The rest of the second asleep, unless the demo is gone.
            var fds = [pollfd(fd: 0, events: Int16(POLLIN), revents: 0)]
            if poll(&fds, 1, Int32((1 - busy) * 1000)) > 0 {
                var byte: UInt8 = 0
                if read(0, &byte, 1) <= 0 { break }
            }
        }
        if sink == .infinity { print(sink) }  // keeps the work from being optimised away
    }
}
