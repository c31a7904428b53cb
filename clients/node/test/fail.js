// A job left running when an exception nobody catches ends the process: it fails with the
// exception's text.
const pipetop = require('..');

const job = pipetop.job('failing', { id: 'node-fail', phases: ['parse'] });
const ph = job.phase('parse', { total: 5 }).start();
ph.advance(2);
setTimeout(() => { throw new Error('bad row 3'); }, 50);
