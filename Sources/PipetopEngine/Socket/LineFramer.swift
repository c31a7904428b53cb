import NIOCore
import PipetopWire

/// Splits the byte stream into protocol lines. A line longer than `maxLineBytes` is not
/// buffered: its bytes are skipped up to the next newline and it surfaces as `.tooLong`, so
/// the connection stays usable and memory stays bounded whatever a client sends.
struct LineFramer: ByteToMessageDecoder {
    typealias InboundOut = Framed

    enum Framed {
        case line(ByteBuffer)
        case tooLong(bytes: Int)
    }

    let limit: Int
    /// Bytes of the current line already searched for a newline (so a line arriving in
    /// many small reads is scanned once).
    private var scanned = 0
    private var discarding = false
    private var discarded = 0

    init(limit: Int = maxLineBytes) { self.limit = limit }

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        let view = buffer.readableBytesView
        let from = view.index(view.startIndex, offsetBy: scanned)
        guard let nl = view[from...].firstIndex(of: UInt8(ascii: "\n")) else {
            if discarding {
                discarded += buffer.readableBytes
                buffer.moveReaderIndex(forwardBy: buffer.readableBytes)
                scanned = 0
            } else if buffer.readableBytes > limit {
                discarding = true
                discarded = buffer.readableBytes
                buffer.moveReaderIndex(forwardBy: buffer.readableBytes)
                scanned = 0
            } else {
                scanned = buffer.readableBytes
            }
            return .needMoreData
        }
        let length = nl - view.startIndex
        scanned = 0
        if discarding || length > limit {
            let total = discarded + length
            discarding = false
            discarded = 0
            buffer.moveReaderIndex(forwardBy: length + 1)
            context.fireChannelRead(wrapInboundOut(.tooLong(bytes: total)))
            return .continue
        }
        var line = buffer.readSlice(length: length)!
        buffer.moveReaderIndex(forwardBy: 1)
        if line.readableBytes > 0, line.getInteger(at: line.writerIndex - 1, as: UInt8.self) == UInt8(ascii: "\r") {
            line.moveWriterIndex(to: line.writerIndex - 1)
        }
        context.fireChannelRead(wrapInboundOut(.line(line)))
        return .continue
    }

    /// At end of stream, complete lines are still delivered; a partial last line is dropped
    /// (the client went away in the middle of it).
    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        buffer.moveReaderIndex(forwardBy: buffer.readableBytes)
        return .needMoreData
    }
}
