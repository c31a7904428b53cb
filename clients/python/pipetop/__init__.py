"""Report a pipeline's progress to pipetop, from Python, with the standard library only.

    import pipetop

    with pipetop.job("import", phases=["fetch", "parse", "load"]) as job:
        with job.phase("fetch", total=len(pages)) as ph:
            for page in pages:
                fetch(page)
                ph.advance()          # a few dozen nanoseconds: counts are sent 20 times a second
        for row in pipetop.tqdm(rows, phase="parse", job=job):
            parse(row)

It never hurts the pipeline: without an engine nothing is raised and nothing blocks; messages
(each stamped with the time it happened) wait in a bounded buffer and go out when an engine
appears; what overflows the buffer, and what is still undelivered when a job ends, goes to the
spool (see ``spool_dir``), which the next engine on the socket applies with the original times.
It honours PIPETOP_SOCKET and PIPETOP_JOB (set by ``pipetop run``).
"""

import collections
import json
import os
import socket
import stat
import struct
import sys
import threading
import time
import traceback

__all__ = ["job", "Job", "Phase", "tqdm", "socket_path", "spool_dir", "flush", "resume"]
__version__ = "0.1.0"

#: Progress is sent at most this often per phase (seconds).
PROGRESS_INTERVAL = 0.05
#: Messages other than progress kept while no engine listens; the oldest go first past this.
BUFFER_LIMIT = 10000
#: All of a user's spool files together hold at most this many bytes (PIPETOP_SPOOL_LIMIT).
SPOOL_LIMIT = 64 << 20


def socket_path():
    """Where the engine listens: $PIPETOP_SOCKET, else $XDG_RUNTIME_DIR/pipetop/pipetop.sock,
    else /tmp/pipetop-UID/pipetop.sock (as the engine decides)."""
    env = os.environ.get("PIPETOP_SOCKET")
    if env:
        return env
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime:
        return os.path.join(runtime, "pipetop", "pipetop.sock")
    return "/tmp/pipetop-%d/pipetop.sock" % os.getuid()


def spool_dir(sock=None):
    """Where events for the engine at `sock` wait while no engine answers, as pipetop's own
    spool: $XDG_STATE_HOME/pipetop/spool/KEY (else ~/.local/state/pipetop/spool/KEY), KEY the
    64-bit FNV-1a of the socket path in hex. Returns (spool root, this socket's directory)."""
    sock = sock or socket_path()
    state = os.environ.get("XDG_STATE_HOME")
    if state and state.startswith("/"):
        root = os.path.join(state, "pipetop", "spool")
    else:
        root = os.path.join(os.path.expanduser("~"), ".local", "state", "pipetop", "spool")
    h = 0xcbf29ce484222325
    for b in sock.encode("utf-8"):
        h = ((h ^ b) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return root, os.path.join(root, "%016x" % h)


def _private_dir(path):
    """Creates `path` (0700) when missing; refuses a symlink or another user's directory."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
        try:
            os.mkdir(path, 0o700)
        except FileExistsError:
            pass
        st = os.lstat(path)
    if stat.S_ISLNK(st.st_mode):
        raise OSError("the spool directory %s is a symbolic link; pipetop does not follow it" % path)
    if not stat.S_ISDIR(st.st_mode):
        raise OSError("the spool directory %s is not a directory" % path)
    if st.st_uid != os.getuid():
        raise OSError("the spool directory %s belongs to another user (uid %d); pipetop does not use it"
                      % (path, st.st_uid))
    if st.st_mode & 0o077:
        os.chmod(path, 0o700)


def _spool(sock, lines):
    """Appends protocol lines to the spool of `sock`. Returns "kept", "full" (dropped; this
    writer filled the spool) or "dropped"."""
    root, directory = spool_dir(sock)
    _private_dir(root)
    _private_dir(directory)
    data = "".join(lines).encode("utf-8")
    try:
        limit = int(os.environ.get("PIPETOP_SPOOL_LIMIT", SPOOL_LIMIT))
    except ValueError:
        limit = SPOOL_LIMIT
    used = 0
    for sub in os.listdir(root):
        d = os.path.join(root, sub)
        if os.path.isdir(d) and not os.path.islink(d):
            for name in os.listdir(d):
                try:
                    st = os.lstat(os.path.join(d, name))
                except OSError:
                    continue
                if stat.S_ISREG(st.st_mode):
                    used += st.st_size
    if used + len(data) > limit:
        try:
            os.close(os.open(os.path.join(root, "full"), os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600))
            return "full"
        except FileExistsError:
            return "dropped"
    path = os.path.join(directory, "spool.ndjson")
    import fcntl
    for _ in range(20):
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            mine = os.fstat(fd)
            try:
                named = os.lstat(path)
            except FileNotFoundError:
                continue  # an engine took the file between our open and our lock
            if (named.st_ino, named.st_dev) != (mine.st_ino, mine.st_dev):
                continue
            if mine.st_uid != os.getuid() or not stat.S_ISREG(mine.st_mode):
                raise OSError("the spool file %s is not a regular file of this user's" % path)
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            return "kept"
        finally:
            os.close(fd)
    raise OSError("the spool file %s kept changing" % path)


def _line(message):
    return json.dumps(message, separators=(",", ":")) + "\n"


class _Sender(object):
    """One background thread per process: coalesces progress, buffers the rest, reconnects."""

    def __init__(self, path):
        self.path = path
        self.lock = threading.Lock()
        self.queue = collections.deque()
        self.phases = []          # live Phase objects, polled for their counts
        self.jobs = []            # live Job objects, replayed after a reconnect
        self.sock = None
        self.dropped = 0
        self.warned_spool = False
        #: Why the engine refused this process (another user's engine), once it said so.
        self.refused = None
        #: The last connect found nobody listening (no file, a stale socket, not a socket):
        #: until a connect succeeds, waiting delivers nothing, so a job's end spools at once.
        self.unreachable = False
        self.replies = b""       # a partial reply line
        self.waiters = []         # resume() calls waiting for the engine's answer
        self.wake = threading.Event()
        self.thread = threading.Thread(target=self._run, name="pipetop-sender", daemon=True)
        self.thread.start()

    def send(self, message):
        # Stamped now: it may reach an engine much later, through the spool.
        message.setdefault("ts", time.time())
        spill = []
        with self.lock:
            self.queue.append(message)
            if len(self.queue) > BUFFER_LIMIT:
                # No engine for long: the oldest half goes to the spool.
                spill = [self.queue.popleft() for _ in range(BUFFER_LIMIT // 2)]
        if spill:
            self.keep(spill)
        self.wake.set()

    def keep(self, messages):
        """Puts messages in the spool for the next engine; says once on stderr if it cannot."""
        messages = [m for m in messages if m.get("type") != "resume"]  # a request, not an event
        if not messages:
            return
        problem = None
        try:
            outcome = _spool(self.path, [_line(m) for m in messages])
            if outcome != "kept":
                self.dropped += len(messages)
                problem = "the spool is full: events are dropped"
        except (OSError, ValueError) as e:
            self.dropped += len(messages)
            problem = "events are lost: %s" % e
        if problem and not self.warned_spool:
            self.warned_spool = True
            sys.stderr.write("pipetop: %s\n" % problem)
            sys.stderr.flush()

    def spool_pending(self):
        """With no connection, what waits goes to the spool (a job ended while no engine ran)."""
        with self.lock:
            if self.sock is not None:
                return
            pending = list(self.queue)
            self.queue.clear()
        self.keep(pending)

    def flush(self, timeout=2.0):
        """Waits (at most `timeout` s) until everything queued so far went out."""
        self.wake.set()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                pending = bool(self.queue) or any(p._unsent() for p in self.phases)
            if not pending:
                return True
            if self.sock is None and not self.connectable():
                return False  # no engine listening: do not wait for one
            time.sleep(0.005)
        return False

    def resume(self, job, timeout):
        """The engine's answer to `resume` for `job`, asked on this connection after what was
        sent on it (a checkpoint just sent is in it); None without an engine or in time."""
        deadline = time.monotonic() + timeout
        if not self.flush(timeout) or self.sock is None:
            return None
        waiter = {"job": job, "answer": None, "event": threading.Event()}
        with self.lock:
            self.waiters.append(waiter)
            self.queue.append({"type": "resume", "job": job})
        self.wake.set()
        waiter["event"].wait(max(0.0, deadline - time.monotonic()))
        with self.lock:
            if waiter in self.waiters:
                self.waiters.remove(waiter)
        return waiter["answer"]

    def connectable(self):
        """Whether waiting may deliver: not when the last connect found nobody listening (a
        socket file an engine left when it was killed, or a regular file, is no engine), or the
        engine there is refused."""
        return os.path.exists(self.path) and not self.unreachable and self.refused is None

    def _connect(self):
        allowed = self._trusted_owner()
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        # Never blocks for long: an engine whose listen queue is full fails the connect at once.
        s.settimeout(0.2)
        try:
            try:
                s.connect(self.path)
            except (socket.timeout, BlockingIOError):
                self.unreachable = False  # an engine whose listen queue is full: it is there
                raise
            except OSError:
                self.unreachable = True  # ECONNREFUSED, ENOENT, ENOTSOCK...: nobody listens
                raise
            self.unreachable = False
            s.settimeout(None)
            s.setblocking(True)
            self._check_peer(s, os.getuid() if allowed is None else allowed)
        except OSError:
            s.close()
            raise
        self.sock = s
        # A new engine (or a restarted one) learns the live jobs again: starting an unfinished
        # job resumes it, and counts are absolute.
        for j in list(self.jobs):
            self._write(j._start_message())
            for p in list(j._phases.values()):
                if p._started and not p._ended:
                    self._write(p._start_message())
                    p._sent = None

    def _untrusted(self, why):
        """Says once why nothing goes to this socket, and fails the connection."""
        if self.refused is None:
            self.refused = why
            sys.stderr.write("pipetop: %s\n" % why)
            sys.stderr.flush()
        raise OSError(why)

    def _trusted_owner(self):
        """The uid the engine at our socket may run as, checked before anything is sent: the
        socket and its directory must be ours (or root's). Without XDG_RUNTIME_DIR the default
        is /tmp/pipetop-UID/pipetop.sock, a place another user can take first. A team engine
        (another user's, shared with a group we are in) is trusted only at a path given on
        purpose. None: no socket file (the connection will fail on its own)."""
        me = os.getuid()
        try:
            st = os.lstat(self.path)
        except OSError:
            return None
        if stat.S_ISLNK(st.st_mode):
            self._untrusted("%s is a symbolic link; pipetop does not follow one to an engine" % self.path)
        directory = os.path.dirname(self.path) or "."
        try:
            dst = os.lstat(directory)
        except OSError:
            dst = None
        if st.st_uid in (me, 0):
            if dst is not None and dst.st_uid not in (me, 0) and not (dst.st_mode & stat.S_ISVTX and dst.st_uid == 0):
                self._untrusted("the directory %s belongs to uid %d, not to you; pipetop sends nothing through it"
                                % (directory, dst.st_uid))
            return st.st_uid
        runtime = os.environ.get("XDG_RUNTIME_DIR")
        defaults = ["/tmp/pipetop-%d/pipetop.sock" % me]
        if runtime:
            defaults.append(os.path.join(runtime, "pipetop", "pipetop.sock"))
        shared = (st.st_mode & 0o060) == 0o060 and (st.st_gid == os.getegid() or st.st_gid in os.getgroups())
        if shared and self.path not in defaults and dst is not None and dst.st_uid in (st.st_uid, 0, me):
            return st.st_uid
        self._untrusted("the socket %s belongs to uid %d, not to you; pipetop sends nothing to another user's engine"
                        % (self.path, st.st_uid))

    def _check_peer(self, s, allowed):
        """The process listening must be the socket's owner (SO_PEERCRED). Another user's engine
        (one that lets a group in) may still refuse us: nothing of ours goes to it before it
        has answered a sync."""
        try:
            _, uid, _ = struct.unpack("3i", s.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i")))
        except (OSError, AttributeError):
            uid = -1
        if uid in (os.getuid(), 0):
            return
        if uid != allowed:
            self._untrusted("the engine listening on %s runs as uid %d, not as you; pipetop sends nothing to it" % (self.path, uid))
        s.settimeout(1.0)
        s.sendall(b'{"type":"sync","id":"peer","durable":false}\n')
        data = b""
        while b'"synced"' not in data:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
            self._note_refusal(data)
        s.setblocking(True)
        if self.refused is not None or b'"synced"' not in data:
            raise OSError("the engine at %s refused this process" % self.path)

    def _write(self, message):
        self.sock.sendall(_line(message).encode())

    def _answer(self, data):
        # Answers to resume() go to the call waiting for them.
        lines = (self.replies + data).split(b"\n")
        self.replies = lines.pop()[-65536:]
        for raw in lines:
            if b'"resume"' not in raw:
                continue
            try:
                m = json.loads(raw.decode("utf-8", "replace"))
            except ValueError:
                continue
            if not isinstance(m, dict) or m.get("type") != "resume":
                continue
            with self.lock:
                for w in self.waiters:
                    if w["job"] == m.get("job"):
                        self.waiters.remove(w)
                        w["answer"] = m
                        w["event"].set()
                        break

    def _note_refusal(self, data):
        # An engine that refuses this process (it belongs to another user) says why in an
        # error for line 0, then closes: say it once on standard error.
        if self.refused is not None or b'"line":0' not in data:
            return
        for raw in data.split(b"\n"):
            try:
                m = json.loads(raw.decode("utf-8", "replace"))
            except ValueError:
                continue
            if isinstance(m, dict) and m.get("type") == "error" and m.get("line") == 0:
                self.refused = str(m.get("reason"))
                sys.stderr.write("pipetop: %s\n" % self.refused)
                sys.stderr.flush()
                return

    def _drain_replies(self):
        # Error replies are not read by anybody; keep the socket's receive side empty.
        try:
            self.sock.setblocking(False)
            while True:
                data = self.sock.recv(65536)
                if not data:
                    break
                self._note_refusal(data)
                self._answer(data)
        except (BlockingIOError, InterruptedError):
            pass
        except OSError:
            raise
        finally:
            if self.sock is not None:
                self.sock.setblocking(True)

    def _run(self):
        backoff = 0.1
        while True:
            self.wake.wait(PROGRESS_INTERVAL)
            self.wake.clear()
            try:
                if self.sock is None:
                    self._connect()
                    backoff = 0.1
                while True:
                    with self.lock:
                        if not self.queue:
                            break
                        message = self.queue[0]
                    self._write(message)
                    with self.lock:
                        if self.queue and self.queue[0] is message:
                            self.queue.popleft()
                for p in list(self.phases):
                    if p._unsent():
                        counts = (p._done, p._failed, p._skipped)
                        m = {"type": "progress", "job": p.job.id, "phase": p.name, "done": counts[0], "ts": time.time()}
                        if counts[1] or (p._sent and p._sent[1]):
                            m["failed"] = counts[1]
                        if counts[2] or (p._sent and p._sent[2]):
                            m["skipped"] = counts[2]
                        self._write(m)
                        p._sent = counts
                self._drain_replies()
            except OSError:
                if self.sock is not None:
                    try:
                        self._drain_replies()  # a refusal is read before the socket goes
                    except OSError:
                        pass
                    try:
                        self.sock.close()
                    except OSError:
                        pass
                    self.sock = None
                time.sleep(backoff)
                backoff = min(2.0, backoff * 2)  # a local socket: trying is cheap


_sender = None
_sender_lock = threading.Lock()


def _get_sender():
    global _sender
    with _sender_lock:
        if _sender is None or _sender.path != socket_path():
            _sender = _Sender(socket_path())
        return _sender


def _forget_sender_after_fork():
    # A forked process has none of the sender's thread, and maybe a lock held at the fork: it
    # makes its own on first use (luigi's task processes, multiprocessing).
    global _sender, _sender_lock
    _sender = None
    _sender_lock = threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_sender_after_fork)


def flush(timeout=2.0):
    """Waits until what was reported went out (e.g. before a short script exits)."""
    return _get_sender().flush(timeout)


def resume(job_id, timeout=2.0, full=False):
    """The data of the job's last checkpoint, from the engine (the protocol's `resume`), or
    None (no checkpoint, an unknown job, no engine, no answer within `timeout`). Ask before the
    job starts again: a new run of a finished job starts with no checkpoint. `full`: the whole
    answer (known, state, run, checkpoint)."""
    try:
        answer = _get_sender().resume(str(job_id), timeout)
    except Exception:
        return None
    if answer is None or full:
        return answer
    checkpoint = answer.get("checkpoint")
    return checkpoint.get("data") if isinstance(checkpoint, dict) else None


class Phase(object):
    """One phase of a job. ``advance`` only adds to a counter; the sender thread reads it."""

    def __init__(self, job, name, total=None, unit=None):
        self.job = job
        self.name = name
        self.total = total
        self.unit = unit
        self._done = 0
        self._failed = 0
        self._skipped = 0
        self._sent = None  # (done, failed, skipped) as last sent
        self._started = False
        self._ended = False
        self._ts = None

    def _start_message(self):
        m = {"type": "phase.start", "job": self.job.id, "phase": self.name, "ts": self._ts}
        if self.total is not None:
            m["total"] = int(self.total)
        if self.unit:
            m["unit"] = self.unit
        return m

    def start(self):
        if not self._started:
            self._started = True
            self._ts = time.time()
            sender = self.job._sender
            with sender.lock:
                sender.phases.append(self)
            sender.send(self._start_message())
        return self

    def _unsent(self):
        return self._started and not self._ended and self._sent != (self._done, self._failed, self._skipped)

    def advance(self, n=1, failed=0, skipped=0):
        """Counts `n` more items done, `failed` and `skipped` more that did not succeed."""
        self._done += n
        if failed:
            self._failed += failed
        if skipped:
            self._skipped += skipped

    def update(self, increment=None, success=None, error=0, skipped=0, error_category=None):
        """CryoProtect's ``tracker.update``: `success` more done, `error` more failed, `skipped`
        more skipped; `increment` alone counts as done. `error_category` (with `error`) adds a
        warning log line with that category."""
        if success is None:
            success = increment if increment is not None and not error and not skipped else 0
        self.advance(int(success), failed=int(error or 0), skipped=int(skipped or 0))
        if error_category and error:
            self.job.log("%d item%s failed" % (error, "" if error == 1 else "s"), level="warn", phase=self.name,
                         category=error_category)

    def set(self, done=None, total=None, failed=None, skipped=None):
        """Sets the counts (absolute) or the total."""
        if done is not None:
            self._done = int(done)
        if failed is not None:
            self._failed = int(failed)
        if skipped is not None:
            self._skipped = int(skipped)
        if total is not None and total != self.total:
            self.total = int(total)
            self.job._sender.send({"type": "progress", "job": self.job.id, "phase": self.name, "total": self.total,
                                   "done": self._done})

    #: What a producer may say of a step; "canceled" is the engine's word for the steps a
    #: job's cancel stopped (a step event saying it is refused), as in the Swift client.
    STEP_STATES = ("running", "done", "failed")

    def step(self, step, state="running", detail=None):
        """A sub-step: ``step("page 3")``, then ``step("page 3", "done")`` (or ``"failed"``).

        Any other state is a mistake in the caller, said at once (ValueError) rather than sent
        for the engine to refuse unseen."""
        if state not in self.STEP_STATES:
            raise ValueError("a step's state is one of running, done, failed, not %r" % (state,))
        m = {"type": "step", "job": self.job.id, "phase": self.name, "step": str(step), "state": state}
        if detail is not None:
            m["detail"] = str(detail)
        self.job._sender.send(m)

    #: How a producer may end a phase; "canceled" is the engine's word for the phases a job's
    #: cancel stopped (a phase.end saying it is refused), as in the Swift client.
    END_STATUSES = ("done", "failed", "skipped")

    def end(self, status="done", error=None):
        """Ends the phase: "done", "failed" (with `error`) or "skipped"; any other status is a
        mistake in the caller, said at once (ValueError)."""
        if status not in self.END_STATUSES:
            raise ValueError("a phase ends done, failed or skipped, not %r" % (status,))
        m = {"type": "phase.end", "job": self.job.id, "phase": self.name, "status": status}
        if error:
            m["error"] = str(error)
        self._finish(m)

    def _finish(self, end):
        # The final counts first, then the end (none when the job's end ends it: canceled).
        if self._ended:
            return
        self._ended = True
        sender = self.job._sender
        p = {"type": "progress", "job": self.job.id, "phase": self.name, "done": self._done}
        if self._failed:
            p["failed"] = self._failed
        if self._skipped:
            p["skipped"] = self._skipped
        sender.send(p)
        if end is not None:
            sender.send(end)
        with sender.lock:
            if self in sender.phases:
                sender.phases.remove(self)

    def __enter__(self):
        return self.start()

    def __exit__(self, kind, value, tb):
        if kind is None:
            self.end("done")
        else:
            self.end("failed", error="%s: %s" % (kind.__name__, value))
        return False


class Job(object):
    """A job: its phases, checkpoints, metrics and log lines."""

    def __init__(self, name, phases=None, id=None, labels=None):
        self._sender = _get_sender()
        inherited = os.environ.get("PIPETOP_JOB")
        # Under `pipetop run` the job exists already: report into it, leave its end to `run`.
        self.owned = id is not None or not inherited
        # The name is the id by default: each run of it is a new run of the same job in pipetop
        # (history, estimates and metrics follow it). Give `id` for jobs that run side by side.
        self.id = id or inherited or name
        self.name = name
        self.labels = dict(labels or {})
        self._declared = list(phases or [])
        self._phases = collections.OrderedDict()
        self._ended = False
        self._ts = None

    def _start_message(self):
        m = {"type": "job.start", "job": self.id, "name": self.name, "phases": self._declared, "pid": os.getpid(),
             "ts": self._ts}
        if self.labels:
            m["labels"] = self.labels
        return m

    def start(self):
        self._ts = time.time()
        with self._sender.lock:
            self._sender.jobs.append(self)
        self._sender.send(self._start_message())
        return self

    def phase(self, name, total=None, unit=None):
        """The phase `name` (created on first use); use it in a ``with`` block, or call start()."""
        p = self._phases.get(name)
        if p is None:
            p = Phase(self, name, total, unit)
            self._phases[name] = p
        elif total is not None:
            p.total = total
        return p

    def checkpoint(self, name, data=None, phase=None):
        m = {"type": "checkpoint", "job": self.id, "name": str(name)}
        if phase:
            m["phase"] = phase
        if data is not None:
            m["data"] = data
        self._sender.send(m)

    def metric(self, name, value, kind="gauge", phase=None):
        m = {"type": "metric", "job": self.id, "name": str(name), "value": float(value), "kind": kind}
        if phase:
            m["phase"] = phase
        self._sender.send(m)

    def log(self, message, level="info", phase=None, category=None):
        m = {"type": "log", "job": self.id, "level": level, "message": str(message)}
        if phase:
            m["phase"] = phase
        if category:
            m["category"] = str(category)
        self._sender.send(m)

    def alert(self, message, severity="warning", name=None, phase=None, labels=None, context=None, resolved=False):
        """An alert for a person: `severity` info, warning or critical; `labels` (strings) go to
        notifications, `context` (a dict) is carried as sent; `resolved=True` closes it."""
        m = {"type": "alert", "job": self.id, "severity": severity, "message": str(message)}
        if name:
            m["name"] = str(name)
        if phase:
            m["phase"] = phase
        if labels:
            m["labels"] = dict((str(k), str(v)) for k, v in labels.items())
        if context:
            m["context"] = context
        if resolved:
            m["resolved"] = True
        self._sender.send(m)

    def artifact(self, name, path=None, url=None, size=None, phase=None):
        """Lists something the job made (a file by `path`, or a `url`), with its `size` in
        bytes when known; told again with the same name and phase, it is updated."""
        m = {"type": "artifact", "job": self.id, "name": str(name)}
        if path is not None and url is None:
            m["path"] = str(path)
            if size is None:
                try:
                    size = os.path.getsize(path)
                except OSError:
                    pass
        elif url is not None:
            m["url"] = str(url)
        if size is not None:
            m["size"] = int(size)
        if phase:
            m["phase"] = phase
        self._sender.send(m)

    def state(self, state):
        """Moves the job to `state`: ``state("paused")``, ``state("running")`` (docs/PROTOCOL.md)."""
        self._sender.send({"type": "job.state", "job": self.id, "state": str(state)})

    def end(self, status="completed", error=None):
        if self._ended:
            return
        self._ended = True
        for p in list(self._phases.values()):
            if p._started and not p._ended:
                if status == "canceled" and self.owned:
                    # Stopped, not failed: the engine ends it canceled at the job's end (a
                    # producer cannot say canceled of a phase), so only its counts go.
                    p._finish(None)
                else:
                    p.end("done" if status == "completed" else "failed", error)
        if self.owned:
            m = {"type": "job.end", "job": self.id, "status": status}
            if error:
                m["error"] = str(error)
            self._sender.send(m)
        with self._sender.lock:
            if self in self._sender.jobs:
                self._sender.jobs.remove(self)
        # No engine now: what waits goes to the spool, so the next engine learns how it ended.
        if not self._sender.flush(1.0):
            self._sender.spool_pending()

    def __enter__(self):
        return self.start()

    def __exit__(self, kind, value, tb):
        if kind is None:
            self.end("completed")
        else:
            text = "%s: %s" % (kind.__name__, value)
            self.log(text + "\n" + "".join(traceback.format_tb(tb))[-2000:], level="error")
            self.end("failed", error=text)
        return False


def job(name, phases=None, id=None, labels=None):
    """A job to use in a ``with`` block: completed when it ends, failed (with the exception's
    text) when an exception leaves it."""
    return Job(name, phases=phases, id=id, labels=labels)


def tqdm(iterable=None, phase=None, job=None, total=None, **tqdm_kwargs):
    """Iterates like tqdm (and draws tqdm's bar when tqdm is installed and stderr is a terminal),
    reporting each item to pipetop as progress of `phase` in `job` (a job named after the phase
    is started when none is given)."""
    import sys

    if total is None and iterable is not None and hasattr(iterable, "__len__"):
        total = len(iterable)
    name = phase or tqdm_kwargs.get("desc") or "items"
    owner = None
    if job is None:
        owner = job = Job(name).start()
    ph = job.phase(name, total=total)
    ph.start()
    bar = None
    if sys.stderr.isatty():
        try:
            import tqdm as real

            bar = real.tqdm(iterable, total=total, **tqdm_kwargs)
        except ImportError:
            bar = None
    ok = False
    try:
        for item in (bar if bar is not None else iterable):
            yield item
            ph._done += 1
        ok = True
    finally:
        if ok:
            ph.end("done")
            if owner is not None:
                owner.end("completed")
        elif owner is not None:
            # A generator cannot see the exception that stopped its loop: say what is known.
            text = "the loop stopped after %d%s items" % (ph._done, "" if total is None else " of %d" % total)
            ph.end("failed", text)
            owner.end("failed", text)
        # Stopped in a job of the caller's (an exception, or a break): the phase ends with the
        # job, with its verdict and the exception's text (never a made-up reason).


# Imported in a Luigi process (the `luigi` command imports luigi before the tasks' module), the
# client reports its runs: see pipetop/luigi/ and docs/INTEGRATIONS.md.
if "luigi" in sys.modules:
    try:
        from . import luigi as _luigi  # noqa: F401
    except Exception as _e:
        sys.stderr.write("pipetop: luigi runs are not reported: %s\n" % _e)
