'use strict';
// The process's one link to the engine. Nothing here blocks the event loop or throws into the
// program: lines wait in a bounded queue and are written with non-blocking writes of what the
// kernel takes (a stalled engine leaves them queued, never a pending write that would hold the
// process up at exit); progress is a counter read 20 times a second; without an engine what is
// left when a job ends, when the queue overflows or when the process exits goes to the spool.
const fs = require('fs');
const net = require('net');
const trust = require('./trust');
const spool = require('./spool');

const PROGRESS_INTERVAL = 50;  // ms between progress lines of a phase
const BUFFER_LIMIT = 10000;    // lines kept while no engine listens; the oldest half spills past it
const CHUNK = 64 * 1024;       // bytes handed to one write

function line(message) {
  return JSON.stringify(message) + '\n';
}

function say(text) {
  try { fs.writeSync(2, `pipetop: ${text}\n`); } catch { /* standard error closed: nothing to do */ }
}

class Sender {
  constructor(path) {
    this.path = path;
    this.queue = [];          // protocol lines, oldest first
    this.inflight = null;     // {lines, buffer, offset}: what a write left half done
    this.jobs = new Set();    // live jobs, announced again after a reconnect
    this.phases = new Set();  // running phases, polled for their counts
    this.socket = null;
    this.fd = -1;
    this.ready = false;       // connected and trusted: lines may go out
    this.backoff = 100;
    this.nextTry = 0;
    this.dropped = 0;
    this.refused = null;
    // The last connect found nobody listening (no file, a socket file a killed engine left, a
    // regular file): until one succeeds, waiting delivers nothing, so a job's end spools at once.
    this.unreachable = false;
    this.warnedSpool = false;
    this.scheduled = false;
    this.waiters = [];       // resume() calls waiting for the engine's answer
    this.exiting = false;    // in the exit handler: no new connection
    this.timer = setInterval(() => this.tick(), PROGRESS_INTERVAL);
    this.timer.unref();
  }

  send(message) {
    // Stamped now: it may reach an engine much later, through the spool.
    if (message.ts === undefined) message.ts = Date.now() / 1000;
    this.queue.push(line(message));
    if (this.queue.length > BUFFER_LIMIT) {
      // No engine for long: the oldest half goes to the spool.
      this.keep(this.queue.splice(0, BUFFER_LIMIT / 2));
    }
    this.soon();
  }

  soon() {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => { this.scheduled = false; this.tick(); });
  }

  /**
   * Puts lines in the spool for the next engine; says once if it cannot. Synchronous, as in
   * the other clients (a few ms: only while no engine takes events, once per job end or per
   * 5,000 events): an append still under way when the process exits would be lost.
   */
  keep(lines) {
    lines = lines.filter((l) => !l.startsWith('{"type":"resume"'));  // a request, not an event
    if (!lines.length) return true;
    let problem = null;
    try {
      if (spool.appendSync(this.path, lines.join('')) !== 'kept') problem = 'the spool is full: events are dropped';
    } catch (e) {
      problem = `events are lost: ${e.message}`;
    }
    if (problem) {
      this.dropped += lines.length;
      if (!this.warnedSpool) { this.warnedSpool = true; say(problem); }
    }
    return !problem;
  }

  /** With no engine to write to, what waits goes to the spool (a job ended while none ran). */
  spoolPending() {
    if (this.ready) return true;
    return this.keep(this.takeInflight().concat(this.queue.splice(0)));
  }

  /** The unwritten lines of a half-done write (one cut in the middle is sent again whole). */
  takeInflight() {
    const f = this.inflight;
    this.inflight = null;
    if (!f) return [];
    let at = 0;
    const rest = [];
    for (const l of f.lines) {
      const n = Buffer.byteLength(l);
      if (at + n > f.offset) rest.push(l);
      at += n;
    }
    return rest;
  }

  pending() {
    if (this.inflight || this.queue.length) return true;
    for (const p of this.phases) if (p._unsent()) return true;
    return false;
  }

  /** Resolves true once everything queued went out, false after `timeout` ms or with no engine. */
  flush(timeout = 2000) {
    const deadline = Date.now() + timeout;
    return new Promise((resolve) => {
      const check = () => {
        this.tick();
        if (!this.pending()) return resolve(true);
        if (Date.now() >= deadline) return resolve(false);
        if (!this.socket && !this.connectable()) return resolve(false);  // no engine: do not wait
        setTimeout(check, 5);
      };
      check();
    });
  }

  /** Whether waiting may deliver: an engine may be listening, and it is not one refused. */
  connectable() {
    return !this.unreachable && this.refused === null && fs.existsSync(this.path);
  }

  tick() {
    try {
      if (!this.socket && !this.exiting && Date.now() >= this.nextTry) this.connect();
      if (this.ready) this.write();
    } catch (e) {
      this.drop();
    }
  }

  connect() {
    let how;
    try {
      how = trust.check(this.path);
    } catch (e) {
      if (this.refused === null) { this.refused = e.message; say(e.message); }
      return this.later();
    }
    if (how === null) { this.unreachable = true; return this.later(); }  // no socket file: no engine
    const s = net.createConnection(this.path);
    s.unref();
    this.socket = s;
    // Never waits for long: an engine whose listen queue is full is given up at once.
    const timer = setTimeout(() => { if (!this.ready && this.socket === s) this.drop(); }, 200);
    timer.unref();
    let partial = '';
    s.on('error', (e) => {
      if (this.socket !== s) return;
      // ECONNREFUSED, ENOENT, ENOTSOCK...: nobody listens. EAGAIN: an engine with a full queue.
      if (!this.ready && e && e.code !== 'EAGAIN') this.unreachable = true;
      this.drop();
    });
    s.on('close', () => { if (this.socket === s) this.drop(); });
    s.on('data', (d) => {
      const parts = (partial + d.toString('utf8')).split('\n');
      partial = parts.pop().slice(-65536);
      for (const raw of parts) this.reply(raw, s);
    });
    s.on('connect', () => {
      clearTimeout(timer);
      this.unreachable = false;
      this.fd = s._handle && typeof s._handle.fd === 'number' ? s._handle.fd : -1;
      if (this.fd < 0) return this.drop();
      // Another user's engine gets nothing of ours before it has said it takes us.
      if (!how.own) fs.writeSync(this.fd, '{"type":"sync","id":"peer","durable":false}\n');
      else this.trusted(s);
    });
  }

  trusted(s) {
    this.ready = true;
    this.backoff = 100;
    // A new or restarted engine learns the live jobs again (starting an unfinished job resumes
    // it; counts are absolute, so they are all sent again).
    const again = [];
    for (const j of this.jobs) {
      again.push(line(j._startMessage()));
      for (const p of j._phases.values()) if (p._started && !p._ended) { again.push(line(p._startMessage())); p._sent = null; }
    }
    this.queue.unshift(...again);
    this.soon();
  }

  /** A line the engine sent: a refusal, the answer to the peer check or to resume(). */
  reply(raw, s) {
    let m;
    try { m = JSON.parse(raw); } catch { return; }
    if (!m || typeof m !== 'object') return;
    if (m.type === 'error' && m.line === 0 && this.refused === null) {
      // An engine that refuses this process says why in an error for line 0, then closes.
      this.refused = String(m.reason);
      say(this.refused);
    } else if (m.type === 'synced' && m.id === 'peer' && !this.ready && this.socket === s && this.refused === null) {
      this.trusted(s);
    } else if (m.type === 'resume') {
      const i = this.waiters.findIndex((w) => w.job === m.job);
      if (i >= 0) this.waiters.splice(i, 1)[0].resolve(m);
    }
  }

  /**
   * The engine's answer to `resume` for a job (null: no engine, no answer in time). Asked on
   * this connection, after what was sent on it: a checkpoint just sent is in the answer.
   */
  resume(job, timeout = 2000) {
    const deadline = Date.now() + timeout;
    return new Promise((resolve) => {
      const ask = () => {
        this.tick();
        if (this.ready && !this.inflight && !this.queue.length) {
          const w = { job, resolve };
          this.waiters.push(w);
          const t = setTimeout(() => { this.forget(w); resolve(null); }, Math.max(1, deadline - Date.now()));
          w.resolve = (m) => { clearTimeout(t); resolve(m); };
          this.queue.push(line({ type: 'resume', job }));
          return this.soon();
        }
        if (Date.now() >= deadline || (!this.socket && !this.connectable())) return resolve(null);
        setTimeout(ask, 5);
      };
      ask();
    });
  }

  forget(w) {
    const i = this.waiters.indexOf(w);
    if (i >= 0) this.waiters.splice(i, 1);
  }

  later() {
    this.nextTry = Date.now() + this.backoff;
    this.backoff = Math.min(2000, this.backoff * 2);  // a local socket: trying is cheap
  }

  drop() {
    const s = this.socket;
    this.socket = null;
    this.ready = false;
    this.fd = -1;
    // A line cut in the middle is lost on the engine's side: it goes again, whole.
    this.queue.unshift(...this.takeInflight());
    if (s) { try { s.destroy(); } catch { /* gone */ } }
    this.later();
  }

  /** Writes what the kernel takes now; false when something is left for later. */
  write() {
    for (;;) {
      if (!this.inflight) {
        if (!this.queue.length) this.queueProgress();
        if (!this.queue.length) return true;
        let bytes = 0, n = 0;
        while (n < this.queue.length && (n === 0 || bytes + this.queue[n].length <= CHUNK)) bytes += this.queue[n++].length;
        const lines = this.queue.splice(0, n);
        this.inflight = { lines, buffer: Buffer.from(lines.join(''), 'utf8'), offset: 0 };
      }
      const f = this.inflight;
      let written;
      try {
        written = fs.writeSync(this.fd, f.buffer, f.offset, f.buffer.length - f.offset);
      } catch (e) {
        if (e.code === 'EAGAIN' || e.code === 'EWOULDBLOCK') return false;  // the engine is behind
        this.drop();
        return false;
      }
      f.offset += written;
      if (f.offset < f.buffer.length) return false;
      this.inflight = null;
    }
  }

  queueProgress() {
    const now = Date.now() / 1000;
    for (const p of this.phases) {
      if (!p._unsent()) continue;
      const m = { type: 'progress', job: p.job.id, phase: p.name, done: p._done, ts: now };
      if (p._failed || (p._sent && p._sent[1])) m.failed = p._failed;
      if (p._skipped || (p._sent && p._sent[2])) m.skipped = p._skipped;
      this.queue.push(line(m));
      p._sent = [p._done, p._failed, p._skipped];
    }
  }

  /** At exit (synchronous only): writes what the kernel takes, spools the rest. */
  finish() {
    if (this.ready) this.write();
    this.queueProgress();
    if (this.ready) this.write();
    this.ready = false;
    this.spoolPending();
  }
}

module.exports = { Sender, line, say, PROGRESS_INTERVAL, BUFFER_LIMIT };
