// Five jobs one after another, each awaited to its end; prints how long they took in ms. Run
// with nobody listening at the socket (a socket file a killed engine left, a regular file).
const pipetop = require('..');

(async () => {
  const t = Date.now();
  for (let i = 0; i < 5; i++) {
    await pipetop.job(`stale ${i}`, { id: `node-stale-${i}`, phases: ['p'] }, async (job) => {
      job.phase('p', { total: 2 }).start().advance(2);
    });
  }
  console.log(Date.now() - t);
})();
