'use strict';
// Where a job can continue from: the protocol's `resume` request, asked on the process's
// connection (after what it sent), answered with the job's last checkpoint. Never rejects.

/** The checkpoint's data (null: no checkpoint, unknown job, no engine, no answer in time). */
function resume(sender, jobId, { timeout = 2000, full = false } = {}) {
  return sender.resume(String(jobId), timeout).then((m) => {
    if (!m) return null;
    if (full) return m;
    const c = m.checkpoint;
    return c && c.data !== undefined ? c.data : null;
  }, () => null);
}

module.exports = { resume };
