/// A minimal WebSocket client (RFC 6455) in Python's standard library: connects, upgrades,
/// prints the status line, then each text message on its own line until it has `want` of
/// them (or 20 s pass), and closes properly; an upgrade refused, the answer's body as its
/// Content-Length says. Arguments: host, port, path, want, headers JSON.
let webSocketClientScript = #"""
import base64, json, os, socket, struct, sys
host, port, path, want, extra = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), json.loads(sys.argv[5])
s = socket.create_connection((host, port), timeout=20)
key = base64.b64encode(os.urandom(16)).decode()
head = "GET %s HTTP/1.1\r\nHost: %s:%d\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n" % (path, host, port, key)
head += "".join("%s: %s\r\n" % kv for kv in extra.items()) + "\r\n"
s.sendall(head.encode())
buf = b""
while b"\r\n\r\n" not in buf:
    chunk = s.recv(4096)
    if not chunk: break
    buf += chunk
status, _, rest = buf.partition(b"\r\n\r\n")
print(status.split(b"\r\n")[0].decode(), flush=True)
if b" 101 " not in status.split(b"\r\n")[0] + b" ":
    length = [int(l.split(b":", 1)[1]) for l in status.split(b"\r\n") if l.lower().startswith(b"content-length:")]
    while length and len(rest) < length[0]:
        chunk = s.recv(65536)
        if not chunk: break
        rest += chunk
    print(rest.decode(errors="replace"), flush=True); sys.exit(0)
def need(n):
    global rest
    while len(rest) < n:
        chunk = s.recv(65536)
        if not chunk: raise SystemExit("the server closed")
        rest += chunk
    out, rest = rest[:n], rest[n:]
    return out
got = 0
while got < want:
    b0, b1 = need(2)
    n = b1 & 0x7f
    if n == 126: n = struct.unpack(">H", need(2))[0]
    elif n == 127: n = struct.unpack(">Q", need(8))[0]
    data = need(n)
    if b0 & 0x0f == 1:
        print(data.decode(), flush=True); got += 1
mask = os.urandom(4)
s.sendall(bytes([0x88, 0x82]) + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(struct.pack(">H", 1000))))
s.close()
"""#
