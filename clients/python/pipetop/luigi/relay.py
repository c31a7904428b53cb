"""Task events from luigi's forked task processes (`--workers 2`) back to the run's process.

With more than one worker, luigi runs each task in a process forked from the run's process,
and fires START, SUCCESS and FAILURE there. Those processes do not report to the engine
themselves: they write each event as one line into a pipe made before they were forked, and a
thread of the run's process applies it to the run, so one process counts every task and sends
the job's end once. A line is at most PIPE_BUF bytes, so lines of two processes never mix.
"""

import json
import os
import select
import sys
import threading

#: A line written in one write(2) of at most this many bytes is never mixed with another's.
LINE_LIMIT = 4000
#: A task process waits at most this long (seconds) for room in the pipe, then drops the event.
WRITE_WAIT = 1.0


class Relay(object):
    def __init__(self, apply):
        self._apply = apply
        self._read, self._write = os.pipe()
        os.set_blocking(self._read, False)
        os.set_blocking(self._write, False)
        self._pending = b""
        self._stop = threading.Event()
        self._warned = False
        self._thread = threading.Thread(target=self._run, name="pipetop-luigi-relay", daemon=True)
        self._thread.start()

    # In a task process (forked): never blocks for long, never raises.

    def send(self, record):
        line = json.dumps(record, separators=(",", ":")).encode("utf-8") + b"\n"
        if len(line) > LINE_LIMIT:
            record = dict(record, text=str(record.get("text", ""))[-(LINE_LIMIT // 2):])
            line = json.dumps(record, separators=(",", ":")).encode("utf-8")[:LINE_LIMIT - 1] + b"\n"
        try:
            if select.select([], [self._write], [], WRITE_WAIT)[1]:
                if os.write(self._write, line) == len(line):
                    return
        except OSError:
            pass
        if not self._warned:
            self._warned = True
            sys.stderr.write("pipetop: an event of this luigi task could not reach the run's process\n")

    # In the run's process.

    def _run(self):
        while not self._stop.is_set():
            try:
                if select.select([self._read], [], [], 0.05)[0]:
                    self._drain()
            except (OSError, ValueError):
                return

    def _drain(self):
        while True:
            try:
                chunk = os.read(self._read, 65536)
            except BlockingIOError:
                return
            if not chunk:
                return
            lines = (self._pending + chunk).split(b"\n")
            self._pending = lines.pop()
            for line in lines:
                try:
                    record = json.loads(line.decode("utf-8"))
                except ValueError:
                    continue
                self._apply(record)

    def close(self):
        """Applies what the task processes wrote so far (they wrote before luigi learnt their
        outcome), then closes the pipe."""
        self._stop.set()
        self._thread.join(1.0)
        try:
            self._drain()
        except OSError:
            pass
        for fd in (self._read, self._write):
            try:
                os.close(fd)
            except OSError:
                pass
