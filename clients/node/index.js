'use strict';
/**
 * Report a pipeline's progress to pipetop from Node, with no dependencies.
 *
 *     const pipetop = require('pipetop');
 *     await pipetop.job('import', { phases: ['fetch', 'load'] }, async (job) => {
 *       await job.phase('fetch', { total: pages.length }, async (ph) => {
 *         for (const page of pages) { await fetch(page); ph.advance(); }
 *       });
 *     });
 *
 * It never hurts the program: nothing throws because of the engine and nothing blocks the event
 * loop; lines wait in a bounded queue (each stamped with its time) and go out when an engine
 * answers; what is left when a job ends, overflows or the process exits goes to pipetop's spool
 * for the next engine. A job still running when the process exits is ended: completed, or failed
 * with the uncaught exception's text (or the exit status).
 */
const { Sender, say } = require('./lib/sender');
const { Job, errorText } = require('./lib/job');
const { Phase } = require('./lib/phase');
const paths = require('./lib/paths');
const { resume } = require('./lib/resume');

let sender = null;
let crash = null;
let exiting = false;

function getSender() {
  const path = paths.socketPath();
  if (!sender || sender.path !== path) {
    if (sender) sender.finish();
    sender = new Sender(path);
  }
  return sender;
}

/**
 * A job, started. With `fn`: runs fn(job) (sync or async) and resolves to its result once the
 * job ended completed; if fn throws, the job fails with the error's text and the promise rejects
 * with that error.
 */
function job(name, opts, fn) {
  if (typeof opts === 'function') { fn = opts; opts = {}; }
  const j = new Job(getSender(), name, opts || {}).start();
  if (!fn) return j;
  return (async () => {
    let r;
    try {
      r = await fn(j);
    } catch (e) {
      await j.fail(e);
      throw e;
    }
    await j.end('completed');
    return r;
  })();
}

/** Resolves true once what was reported went out (false after `timeout` ms, or with no engine). */
function flush(timeout = 2000) {
  return getSender().flush(timeout);
}

/** Ends the jobs still running when the process ends. */
function endLive(status, error) {
  if (!sender) return;
  for (const j of Array.from(sender.jobs)) {
    if (error) {
      if (crash instanceof Error && crash.stack) j.log(crash.stack.slice(-2000), { level: 'error' });
      j.end(status, error);
    } else {
      j.end(status);
    }
  }
}

function verdict(code) {
  if (crash !== null) return ['failed', errorText(crash)];
  if (code) return ['failed', `the process exited with status ${code}`];
  return ['completed', null];
}

// Observes an uncaught exception (or unhandled rejection) without changing what Node does.
process.on('uncaughtExceptionMonitor', (e) => { crash = e; });
// The program has nothing left to do: its live jobs end, and the engine gets them (at most 1 s).
process.on('beforeExit', (code) => {
  if (exiting || !sender || (!sender.jobs.size && !sender.pending())) return;
  exiting = true;
  const [status, error] = verdict(code || process.exitCode);
  endLive(status, error);
  sender.flush(1000).catch(() => {});
});
// The last word, synchronous: live jobs end; what the socket does not take goes to the spool.
process.on('exit', (code) => {
  if (!sender) return;
  sender.exiting = true;
  try {
    const [status, error] = verdict(code);
    endLive(status, error);
    sender.finish();
  } catch (e) {
    say(`events are lost: ${e.message}`);
  }
});

module.exports = {
  job,
  flush,
  resume: (jobId, opts) => resume(getSender(), jobId, opts),
  socketPath: paths.socketPath,
  spoolDir: paths.spoolDir,
  Job,
  Phase,
  version: '0.1.0',
};
