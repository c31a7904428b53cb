import NIOCore
import NIOWebSocket
import PipetopCore
import PipetopWire

/// Says why a WebSocket is refused, in a message a client can show, then closes it.
enum WebSocketRefusal {
    static func send(_ sentence: String, code: WebSocketErrorCode, on channel: Channel) {
        let text = JSONWriter.string(.object([("type", .string("error")), ("error", .string(sentence))]))
        var b = channel.allocator.buffer(capacity: text.utf8.count)
        b.writeString(text)
        channel.write(WebSocketFrame(fin: true, opcode: .text, data: b), promise: nil)
        var c = channel.allocator.buffer(capacity: 2)
        c.write(webSocketErrorCode: code)
        channel.writeAndFlush(WebSocketFrame(fin: true, opcode: .connectionClose, data: c)).whenComplete { _ in
            channel.close(promise: nil)
        }
    }
}
