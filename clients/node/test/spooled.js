// Runs with no engine (or a stalled one): many lines, a failed phase, a normal end. Prints how
// long the program's own calls took, in ms.
const pipetop = require('..');

const t = Date.now();
const job = pipetop.job('spooled', { id: process.argv[2] || 'node-spooled', phases: ['fetch', 'load'] });
const ph = job.phase('fetch', { total: 2 }).start();
ph.advance(2);
for (let i = 0; i < Number(process.argv[3] || 10); i++) job.log(`line ${i}`);
setTimeout(() => {
  ph.end();
  job.phase('load', { total: 1 }).advance();
  console.log(Date.now() - t);
}, 500);
