'use strict';
// A job: its phases, checkpoints, metrics, alerts and log lines. Every call returns at once
// and never throws because of the engine (there may be none).
const { Phase, count } = require('./phase');

/** "Error: bad row 3": what a failed job or phase says. */
function errorText(e) {
  if (e instanceof Error) return `${e.name}: ${e.message}`;
  return String(e);
}

class Job {
  constructor(sender, name, { phases, id, labels } = {}) {
    this._sender = sender;
    const inherited = process.env.PIPETOP_JOB;
    // Under `pipetop run` the job exists already: report into it, leave its end to `run`.
    this.owned = id != null || !inherited;
    // The name is the id by default: each run of it is a new run of the same job in pipetop
    // (history, estimates and metrics follow it). Give `id` for jobs that run side by side.
    this.id = String(id || inherited || name);
    this.name = String(name);
    this.labels = Object.assign({}, labels || {});
    this._declared = (phases || []).map(String);
    this._phases = new Map();
    this._started = false;
    this._ended = false;
    this._ts = null;
  }

  _startMessage() {
    const m = { type: 'job.start', job: this.id, name: this.name, phases: this._declared, pid: process.pid, ts: this._ts };
    if (Object.keys(this.labels).length) m.labels = this.labels;
    return m;
  }

  start() {
    if (this._started) return this;
    this._started = true;
    this._ts = Date.now() / 1000;
    this._sender.jobs.add(this);
    this._sender.send(this._startMessage());
    return this;
  }

  /**
   * The phase `name` (made on first use). With `fn`: starts it, runs fn(phase) (sync or async),
   * ends it done, or failed with the error's text (rethrown), and returns fn's result.
   */
  phase(name, opts, fn) {
    if (typeof opts === 'function') { fn = opts; opts = {}; }
    const { total, unit } = opts || {};
    let p = this._phases.get(String(name));
    if (!p) {
      p = new Phase(this, name, total, unit);
      this._phases.set(p.name, p);
    } else if (total != null) {
      p.total = count(total);
    }
    if (!fn) return p;
    p.start();
    return settle(() => fn(p), () => p.end('done'), (e) => p.end('failed', errorText(e)));
  }

  checkpoint(name, data, { phase } = {}) {
    const m = { type: 'checkpoint', job: this.id, name: String(name) };
    if (phase) m.phase = phase;
    if (data !== undefined) m.data = data;
    this._sender.send(m);
  }

  metric(name, value, { kind = 'gauge', phase } = {}) {
    const v = Number(value);
    if (!Number.isFinite(v)) return;  // JSON has no NaN: the engine would refuse the line
    const m = { type: 'metric', job: this.id, name: String(name), value: v, kind };
    if (phase) m.phase = phase;
    this._sender.send(m);
  }

  log(message, { level = 'info', phase, category } = {}) {
    const m = { type: 'log', job: this.id, level, message: String(message) };
    if (phase) m.phase = phase;
    if (category) m.category = String(category);
    this._sender.send(m);
  }

  /** An alert for a person: severity 'info', 'warning' (the default) or 'critical'. */
  alert(message, { severity = 'warning', name, phase, labels, context, resolved } = {}) {
    const m = { type: 'alert', job: this.id, severity, message: String(message) };
    if (name) m.name = String(name);
    if (phase) m.phase = phase;
    if (labels) m.labels = labels;
    if (context) m.context = context;
    if (resolved) m.resolved = true;
    this._sender.send(m);
  }

  /** Moves the job to `state` ('paused', 'running', ...; docs/PROTOCOL.md's job.state). */
  state(state) {
    this._sender.send({ type: 'job.state', job: this.id, state: String(state) });
  }

  /**
   * Ends the job (and its running phases); under `pipetop run` only its phases. Resolves when
   * what it sent went out, or went to the spool (no engine); never rejects.
   */
  end(status = 'completed', error) {
    if (this._ended) return Promise.resolve(true);
    this._ended = true;
    if (!this._started) this.start();
    for (const p of this._phases.values()) {
      if (!p._started || p._ended) continue;
      // A canceled job's running phases were stopped, not failed: the engine ends them
      // canceled at the job's end (a producer cannot say it), so only their counts go.
      if (status === 'canceled' && this.owned) p._finish(null);
      else p.end(status === 'completed' ? 'done' : 'failed', error);
    }
    const s = this._sender;
    if (this.owned) {
      const m = { type: 'job.end', job: this.id, status };
      if (error) m.error = String(error);
      s.send(m);
    }
    s.jobs.delete(this);
    // No engine now: what waits goes to the spool, so the next engine learns how it ended.
    return s.flush(1000).then((ok) => ok || s.spoolPending()).catch(() => false);
  }

  /** Ends it failed with the error's text, its stack in the log. */
  fail(e) {
    const text = errorText(e);
    if (e instanceof Error && e.stack) this.log(e.stack.slice(-2000), { level: 'error' });
    return this.end('failed', text);
  }
}

/**
 * Runs fn (sync or async), then `ok()`, or `bad(e)` when it throws or rejects; returns its
 * result (a promise when fn returned one) or rethrows.
 */
function settle(fn, ok, bad) {
  let r;
  try {
    r = fn();
  } catch (e) {
    bad(e);
    throw e;
  }
  if (r && typeof r.then === 'function') {
    return r.then((v) => { ok(); return v; }, (e) => { bad(e); throw e; });
  }
  ok();
  return r;
}

module.exports = { Job, settle, errorText };
