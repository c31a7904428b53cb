'use strict';
// One phase of a job. advance() only adds to counters; the sender reads them 20 times a second
// and sends the absolute counts.

function count(n, what) {
  const v = Math.trunc(Number(n));
  return Number.isFinite(v) && v >= 0 ? v : 0;
}

// What a producer may say of a step, and how it may end a phase (as the Swift and Python
// clients allow); 'canceled' is the engine's word for what a job's cancel stopped.
const STEP_STATES = ['running', 'done', 'failed'];
const END_STATUSES = ['done', 'failed', 'skipped'];

class Phase {
  constructor(job, name, total, unit) {
    this.job = job;
    this.name = String(name);
    this.total = total == null ? null : count(total);
    this.unit = unit || null;
    this._done = 0;
    this._failed = 0;
    this._skipped = 0;
    this._sent = null;      // [done, failed, skipped] as last sent
    this._started = false;
    this._ended = false;
    this._ts = null;
  }

  _startMessage() {
    const m = { type: 'phase.start', job: this.job.id, phase: this.name, ts: this._ts };
    if (this.total != null) m.total = this.total;
    if (this.unit) m.unit = this.unit;
    return m;
  }

  _unsent() {
    if (!this._started || this._ended) return false;
    const s = this._sent;
    return !s || s[0] !== this._done || s[1] !== this._failed || s[2] !== this._skipped;
  }

  get done() { return this._done; }
  get failed() { return this._failed; }
  get skipped() { return this._skipped; }

  /** Starts the phase (advance, update and set start it too). */
  start() {
    if (!this._started) {
      this._started = true;
      this._ts = Date.now() / 1000;
      const s = this.job._sender;
      s.phases.add(this);
      s.send(this._startMessage());
    }
    return this;
  }

  /** `n` more items done; `failed` and `skipped` more that did not succeed. */
  advance(n = 1, { failed = 0, skipped = 0 } = {}) {
    if (!this._started) this.start();
    this._done += count(n);
    this._failed += count(failed);
    this._skipped += count(skipped);
    return this;
  }

  /**
   * CryoProtect's tracker.update: `success` more done, `error` more failed, `skipped` more
   * skipped; `increment` alone counts as done. `errorCategory` (with `error`) adds a warning
   * log line with that category, counted by category in the job screen and report.
   */
  update({ increment, success, error = 0, skipped = 0, errorCategory } = {}) {
    const done = success != null ? success : (increment != null && !error && !skipped ? increment : 0);
    this.advance(done, { failed: error, skipped });
    if (errorCategory && count(error) > 0) {
      const n = count(error);
      this.job.log(`${n} item${n === 1 ? '' : 's'} failed`, { level: 'warn', phase: this.name, category: String(errorCategory) });
    }
    return this;
  }

  /** Sets the counts (absolute) or the total. */
  set({ done, failed, skipped, total } = {}) {
    if (!this._started) this.start();
    if (done != null) this._done = count(done);
    if (failed != null) this._failed = count(failed);
    if (skipped != null) this._skipped = count(skipped);
    if (total != null && count(total) !== this.total) {
      this.total = count(total);
      this.job._sender.send({ type: 'progress', job: this.job.id, phase: this.name, total: this.total, done: this._done });
    }
    return this;
  }

  /**
   * A sub-step: step('page 3'), then step('page 3', 'done') (or 'failed'). Any other state is
   * a mistake in the caller, said at once (TypeError) rather than sent for the engine to refuse
   * unseen: 'canceled' is the engine's word for the steps a job's cancel stopped.
   */
  step(step, state = 'running', detail) {
    if (!STEP_STATES.includes(state)) {
      throw new TypeError(`a step's state is one of ${STEP_STATES.join(', ')}, not ${JSON.stringify(state)}`);
    }
    const m = { type: 'step', job: this.job.id, phase: this.name, step: String(step), state };
    if (detail != null) m.detail = String(detail);
    this.job._sender.send(m);
    return this;
  }

  /**
   * Ends the phase: 'done' (the default), 'failed' (with `error`) or 'skipped'. Any other
   * status is a mistake in the caller, said at once (TypeError): 'canceled' is the engine's,
   * for the phases a job's cancel stopped (end the job canceled instead).
   */
  end(status = 'done', error) {
    if (!END_STATUSES.includes(status)) {
      throw new TypeError(`a phase ends ${END_STATUSES.join(', ')}, not ${JSON.stringify(status)}`);
    }
    const m = { type: 'phase.end', job: this.job.id, phase: this.name, status };
    if (error) m.error = String(error);
    this._finish(m);
  }

  // The final counts first, then the end (none when the job's end ends it: canceled).
  _finish(end) {
    if (this._ended) return;
    if (!this._started) this.start();
    this._ended = true;
    const s = this.job._sender;
    const p = { type: 'progress', job: this.job.id, phase: this.name, done: this._done };
    if (this._failed) p.failed = this._failed;
    if (this._skipped) p.skipped = this._skipped;
    s.send(p);
    if (end) s.send(end);
    s.phases.delete(this);
  }
}

module.exports = { Phase, count };
