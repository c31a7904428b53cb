// A job ended canceled: its running phase is left to the engine, which ends it canceled.
const pipetop = require('..');

(async () => {
  const job = pipetop.job('import', { id: 'node-cancel', phases: ['fetch', 'load'] });
  const ph = job.phase('fetch', { total: 10 }).start();
  ph.advance(4);
  ph.step('page 5');
  await job.end('canceled', 'interrupted');
})();
