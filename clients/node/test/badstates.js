// A step state or phase status a producer may not say is refused at the call, with a sentence,
// and nothing is sent: the job goes on and ends completed.
const pipetop = require('..');

(async () => {
  const job = pipetop.job('states', { id: 'node-states', phases: ['fetch'] });
  const ph = job.phase('fetch', { total: 2 }).start();
  for (const call of [() => ph.step('page 1', 'canceled'), () => ph.step('page 1', 'skipped'), () => ph.end('canceled')]) {
    try { call(); console.log('accepted'); } catch (e) { console.log(`${e.name}: ${e.message}`); }
  }
  ph.advance(2);
  ph.step('page 1', 'done');
  ph.end();
  await job.end();
})();
