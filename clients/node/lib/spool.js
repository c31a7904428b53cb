'use strict';
// Appends protocol lines to the spool of a socket, as pipetop's other clients do
// (docs/PROTOCOL.md, "The spool"): 0700 directories of this user's, spool.ndjson 0600,
// appended under an exclusive flock on the file still at that name, at most 64 MiB per user.
// Node has no flock(2): the append runs in `sh` with util-linux's flock(1).
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');
const { uid, spoolDir } = require('./paths');

const SPOOL_LIMIT = 64 * 1024 * 1024;

// Locks the open file, checks it is still the one named (an engine may have claimed it by a
// rename: then open again), and appends standard input to it.
const APPEND = `umask 077
p=$1
i=0
while [ $i -lt 20 ]; do
  i=$((i+1))
  if [ -L "$p" ]; then echo "the spool file $p is a symbolic link" >&2; exit 3; fi
  exec 9>>"$p" || exit 3
  flock -x 9 || exit 3
  if [ "$(stat -c %d:%i -- "$p" 2>/dev/null)" = "$(stat -L -c %d:%i /proc/self/fd/9)" ]; then
    exec cat >&9
  fi
  exec 9>&-
done
echo "the spool file $p kept changing" >&2
exit 4
`;

/** Creates `dir` (0700) when missing; refuses a symlink or another user's directory. */
function privateDir(dir) {
  let st;
  try {
    st = fs.lstatSync(dir);
  } catch (e) {
    if (e.code !== 'ENOENT') throw e;
    fs.mkdirSync(path.dirname(dir), { recursive: true, mode: 0o700 });
    try { fs.mkdirSync(dir, { mode: 0o700 }); } catch (e2) { if (e2.code !== 'EEXIST') throw e2; }
    st = fs.lstatSync(dir);
  }
  if (st.isSymbolicLink()) throw new Error(`the spool directory ${dir} is a symbolic link; pipetop does not follow it`);
  if (!st.isDirectory()) throw new Error(`the spool directory ${dir} is not a directory`);
  if (st.uid !== uid()) throw new Error(`the spool directory ${dir} belongs to another user (uid ${st.uid}); pipetop does not use it`);
  if (st.mode & 0o077) fs.chmodSync(dir, 0o700);
}

function limit() {
  const n = parseInt(process.env.PIPETOP_SPOOL_LIMIT || '', 10);
  return Number.isFinite(n) && n >= 0 ? n : SPOOL_LIMIT;
}

/** Bytes in all of this user's spool files. */
function used(root) {
  let total = 0;
  for (const sub of fs.readdirSync(root)) {
    const d = path.join(root, sub);
    let st;
    try { st = fs.lstatSync(d); } catch { continue; }
    if (!st.isDirectory()) continue;
    for (const name of fs.readdirSync(d)) {
      try {
        const f = fs.lstatSync(path.join(d, name));
        if (f.isFile()) total += f.size;
      } catch { /* taken by an engine meanwhile */ }
    }
  }
  return total;
}

/** Checks the place and the limit: the file to append to, or "full" / "dropped". */
function prepare(sock, bytes) {
  const [root, dir] = spoolDir(sock);
  privateDir(root);
  privateDir(dir);
  if (used(root) + bytes > limit()) {
    try {
      fs.closeSync(fs.openSync(path.join(root, 'full'),
        fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW, 0o600));
      return 'full';
    } catch {
      return 'dropped';
    }
  }
  return path.join(dir, 'spool.ndjson');
}

function failure(r) {
  const text = String(r.stderr || '').trim();
  return new Error(text || `the spool could not be written (flock exited with status ${r.status})`);
}

/** Appends `text` (whole lines) now: "kept", "full" or "dropped"; throws with a sentence. */
function appendSync(sock, text) {
  const data = Buffer.from(text, 'utf8');
  const file = prepare(sock, data.length);
  if (file === 'full' || file === 'dropped') return file;
  const r = spawnSync('/bin/sh', ['-c', APPEND, 'pipetop-spool', file], { input: data, stdio: ['pipe', 'ignore', 'pipe'] });
  if (r.error) throw r.error;
  if (r.status !== 0) throw failure(r);
  return 'kept';
}

module.exports = { appendSync, SPOOL_LIMIT };
