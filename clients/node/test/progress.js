// A job through every call of the client; prints the last checkpoint's data as the engine
// gives it back. Run by Tests/EndToEndTests/NodeClientTests.swift.
const pipetop = require('..');

(async () => {
  const before = await pipetop.resume('node-imp');
  await pipetop.job('import', { phases: ['fetch', 'load'], id: 'node-imp', labels: { team: 'cryo' } }, async (job) => {
    await job.phase('fetch', { total: 1000 }, async (ph) => {
      for (let i = 0; i < 997; i++) ph.advance();
      ph.advance(0, { failed: 2 });
      ph.update({ increment: 1, success: 0, error: 0, skipped: 1 });
      ph.step('page 3', 'done', '400 rows');
    });
    job.checkpoint('fetched', { page: 3, cursor: 'abc' });
    job.metric('rows_rejected', 7);
    job.log('retrying page 17', { level: 'warn', category: 'http' });
    job.alert('API quota at 90%', { severity: 'critical', name: 'quota', labels: { owner: 'ana' }, context: { used: 0.9 } });
    job.state('paused');
    job.state('running');
    await job.phase('load', { total: 10 }, (ph) => {
      ph.update({ success: 8 });
      ph.update({ error: 2, errorCategory: 'NETWORK' });
    });
  });
  const after = await pipetop.resume('node-imp');
  console.log(JSON.stringify({ before, after }));
})();
