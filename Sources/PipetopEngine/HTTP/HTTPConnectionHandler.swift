import NIOCore
import NIOHTTP1
import NIOWebSocket

/// One client of an `HTTPListener`: reads a request (its body up to the cap), has the
/// listener's services answer it, and writes the answer before reading the next one. HEAD is
/// answered as GET would be (status and headers) without the body.
final class HTTPConnectionHandler: ChannelInboundHandler, RemovableChannelHandler, @unchecked Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart
    let listener: HTTPListener
    /// Its place in the listener's limits: a stream's once its answer is one.
    let slot: HTTPConnectionSlot
    private var head: HTTPRequestHead?
    private var body = ByteBuffer()
    /// The body went past the cap: the rest of the request is dropped and 413 answered.
    private var tooLarge = false
    /// An answer is still on its way: the client has not read it yet.
    private var answering = false

    init(listener: HTTPListener, slot: HTTPConnectionSlot) { self.listener = listener; self.slot = slot }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let h):
            head = h
            body.clear()
            // A declared length past the cap is refused before a byte of it is read.
            if let n = h.headers.first(name: "content-length").flatMap(Int.init), n > HTTPListener.maxBodyBytes {
                refuseTooLarge(h, context: context)
            }
        case .body(var part):
            guard !tooLarge, let h = head else { return }
            if body.readableBytes + part.readableBytes > HTTPListener.maxBodyBytes {
                refuseTooLarge(h, context: context)
                return
            }
            body.writeBuffer(&part)
        case .end:
            guard !tooLarge, let h = head else { return }
            head = nil
            // A new request before the last answer was taken: a client that asks and does
            // not read would make the server queue answers for ever.
            guard !answering else { context.close(promise: nil); return }
            // The services answer HEAD as GET; `write` leaves the body out.
            let request = HTTPRequest(method: h.method == .HEAD ? .GET : h.method, sentMethod: h.method, uri: h.uri, headers: h.headers, body: body)
            body = ByteBuffer()
            // A WebSocket upgrade not taken (refused, or asked on another path) ends with its
            // answer: its client wanted another protocol, not a next request, so the
            // connection's place is given back rather than held until it idles out.
            let upgrade = h.headers.first(name: "upgrade")?.lowercased() == "websocket"
            write(listener.answer(request), for: h, keepAlive: h.isKeepAlive && !upgrade, context: context)
        }
    }

    private func refuseTooLarge(_ h: HTTPRequestHead, context: ChannelHandlerContext) {
        tooLarge = true
        body = ByteBuffer()
        let answer = HTTPAnswer.text(.payloadTooLarge, "the request body is larger than pipetop takes (\(HTTPListener.maxBodyBytes) bytes)")
        // The rest of the body is never read: the connection ends with this answer.
        write(answer, for: h, keepAlive: false, context: context)
    }

    private func write(_ answer: HTTPAnswer, for h: HTTPRequestHead, keepAlive keep: Bool, context: ChannelHandlerContext) {
        let head = h.method == .HEAD
        if let stream = answer.stream, !head {
            guard slot.becomeStream() else { return write(HTTPListener.streamsFull, for: h, keepAlive: false, context: context) }
            return start(stream, answer, for: h, context: context)
        }
        var headers = answer.stream == nil ? HTTPHeaders([("Content-Type", answer.contentType), ("Content-Length", "\(answer.body.readableBytes)")])
            : streamHeaders(answer)  // HEAD of a stream: the head its GET gets, and no stream
        headers.add(name: "Connection", value: keep ? "keep-alive" : "close")
        if answer.stream == nil { for (name, value) in answer.headers { headers.add(name: name, value: value) } }
        answering = true
        context.channel.setOption(ChannelOptions.autoRead, value: false).whenComplete { _ in }
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: h.version, status: answer.status, headers: headers))), promise: nil)
        if answer.body.readableBytes > 0 && !head { context.write(wrapOutboundOut(.body(.byteBuffer(answer.body))), promise: nil) }
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        let timeout = context.eventLoop.scheduleTask(in: .seconds(HTTPListener.writeSeconds)) {
            loopBound.value.1.close(promise: nil)
        }
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { result in
            timeout.cancel()
            let (handler, context) = loopBound.value
            handler.answering = false
            if !keep || (try? result.get()) == nil { context.close(promise: nil); return }
            context.channel.setOption(ChannelOptions.autoRead, value: true).whenComplete { _ in }
        }
    }

    /// A streamed answer: the head now, then the stream owns the connection. A request sent
    /// on it afterwards closes it (`answering` stays set).
    private func start(_ stream: any HTTPStream, _ answer: HTTPAnswer, for h: HTTPRequestHead, context: ChannelHandlerContext) {
        answering = true
        context.writeAndFlush(wrapOutboundOut(.head(HTTPResponseHead(version: h.version, status: answer.status, headers: streamHeaders(answer)))), promise: nil)
        stream.start(on: context.channel)
    }

    private func streamHeaders(_ answer: HTTPAnswer) -> HTTPHeaders {
        var headers = HTTPHeaders([("Content-Type", answer.contentType), ("Cache-Control", "no-cache"), ("Transfer-Encoding", "chunked")])
        for (name, value) in answer.headers { headers.add(name: name, value: value) }
        return headers
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent { context.close(promise: nil); return }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        // A WebSocket upgrade no service takes (another path, a bad key): the request comes
        // on as plain HTTP and is answered as such, rather than the connection dropped.
        if error is NIOWebSocketUpgradeError { return }
        context.close(promise: nil)
    }
}
