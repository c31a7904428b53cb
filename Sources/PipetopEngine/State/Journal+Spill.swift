import Foundation
import PipetopSpool
import PipetopStore
import PipetopWire

extension Journal {
    /// Writes the rows the database could not take, at the engine's stop, to the spool of its
    /// socket, where the next engine on it applies them after restoring what was saved (so a
    /// job that completed stays completed, not "running", then failed as lost). Returns the
    /// end of the log line: where they went, or why they are lost.
    ///
    /// Each line keeps the time it was applied (`ts`, added where the producer sent none).
    /// Rows that came from the spool are left out: their claimed file is kept until they are
    /// saved, and the next engine takes it again. `spooledRows`: progress rows of those,
    /// already left out by the caller (theirs are marked in the row, not the line).
    func spill(_ rows: [Store.Entry], spooledRows: Int) -> String {
        let lines = rows.filter { !$0.line.hasPrefix(#"{"spooled":true,"#) }.map(Self.spoolLine)
        let fromSpool = rows.count - lines.count + spooledRows
        let left = fromSpool > 0 ? " (\(Self.events(Int64(fromSpool))) delivered from the spool stay in it)" : ""
        guard let spool = spoolOnStop else { return "they are lost (this engine has no spool)" }
        guard !lines.isEmpty else { return fromSpool > 0 ? "they stay in the spool \(spool.directory)" : "none was left to keep" }
        do {
            switch try spool.append(lines.joined()) {
            case .kept:
                return "they are kept in the spool \(spool.directory) for the next engine on \(spool.socket)\(left)"
            case .dropped:
                return "they are lost: the spool \(spool.root) is full (\(spool.limit >> 20) MiB)"
            }
        } catch {
            return "they are lost: they could not be kept in the spool either: \(error)"
        }
    }

    /// The row as a spool line: a protocol line with its own time (the time the engine applied
    /// it, for a producer that sent none), so that the next engine applies it when it happened.
    static func spoolLine(_ row: Store.Entry) -> String {
        var line = row.line
        if case .success(.event(let e)) = EventDecoder.decode(line), e.ts == nil, line.hasPrefix("{") {
            line = #"{"ts":"# + "\(row.at)" + (line == "{}" ? "" : ",") + line.dropFirst()
        }
        return line + "\n"
    }
}
