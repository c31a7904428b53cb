'use strict';
// Whom this client may talk to, as SocketTrust.swift and the Python client decide: the socket
// and its directory must be this user's (or root's). Without XDG_RUNTIME_DIR the default socket
// is /tmp/pipetop-UID/pipetop.sock, a place another local user can take first. A team engine
// (another user's socket, shared with a group this process is in) is trusted only at a path
// given on purpose, and gets nothing before it has answered a sync.
// Node cannot read SO_PEERCRED, so the listening process itself is not checked: the file's
// owner and its directory's stand for it.
const fs = require('fs');
const path = require('path');
const { uid, defaultSockets } = require('./paths');

class Untrusted extends Error {}

function inMyGroups(gid) {
  if (typeof process.getegid === 'function' && process.getegid() === gid) return true;
  return typeof process.getgroups === 'function' && process.getgroups().includes(gid);
}

/**
 * Checks the socket before connecting. Returns {owner, own} (own: this user's or root's
 * engine), or null when there is no socket file; throws Untrusted with a sentence.
 */
function check(sock) {
  const me = uid();
  let st;
  try { st = fs.lstatSync(sock); } catch { return null; }
  if (st.isSymbolicLink()) throw new Untrusted(`${sock} is a symbolic link; pipetop does not follow one to an engine (give the real socket's path)`);
  const dir = path.dirname(sock) || '.';
  let dst = null;
  try { dst = fs.lstatSync(dir); } catch { /* checked by connecting */ }
  if (st.uid === me || st.uid === 0) {
    const sticky = dst && (dst.mode & 0o1000) && dst.uid === 0;
    if (dst && dst.uid !== me && dst.uid !== 0 && !sticky) {
      throw new Untrusted(`the directory ${dir} belongs to uid ${dst.uid}, not to you; pipetop sends nothing through it`);
    }
    return { owner: st.uid, own: true };
  }
  const shared = (st.mode & 0o060) === 0o060 && inMyGroups(st.gid);
  if (shared && !defaultSockets().includes(sock) && dst && [st.uid, 0, me].includes(dst.uid)) {
    return { owner: st.uid, own: false };
  }
  throw new Untrusted(`the socket ${sock} belongs to uid ${st.uid}, not to you; pipetop sends nothing to another user's engine`);
}

module.exports = { check, Untrusted };
