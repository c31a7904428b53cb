'use strict';
// Where the engine listens and where events wait while none does: as the engine and the
// other clients decide (docs/PROTOCOL.md, "Transport" and "The spool").
const os = require('os');
const path = require('path');

function uid() {
  return typeof process.getuid === 'function' ? process.getuid() : 0;
}

/** $PIPETOP_SOCKET, else $XDG_RUNTIME_DIR/pipetop/pipetop.sock, else /tmp/pipetop-UID/pipetop.sock. */
function socketPath() {
  const env = process.env.PIPETOP_SOCKET;
  if (env) return env;
  const runtime = process.env.XDG_RUNTIME_DIR;
  if (runtime) return path.join(runtime, 'pipetop', 'pipetop.sock');
  return `/tmp/pipetop-${uid()}/pipetop.sock`;
}

/** The user's default socket paths, where only this user's own engine is trusted. */
function defaultSockets() {
  const d = [`/tmp/pipetop-${uid()}/pipetop.sock`];
  if (process.env.XDG_RUNTIME_DIR) d.push(path.join(process.env.XDG_RUNTIME_DIR, 'pipetop', 'pipetop.sock'));
  return d;
}

/** 64-bit FNV-1a of the path's UTF-8 bytes, 16 lower-case hex digits. */
function fnv1a64(text) {
  let h = 0xcbf29ce484222325n;
  for (const b of Buffer.from(text, 'utf8')) {
    h = ((h ^ BigInt(b)) * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return h.toString(16).padStart(16, '0');
}

/** [spool root, this socket's directory]: $XDG_STATE_HOME/pipetop/spool/KEY (else ~/.local/state/...). */
function spoolDir(sock) {
  sock = sock || socketPath();
  const state = process.env.XDG_STATE_HOME;
  const root = state && state.startsWith('/')
    ? path.join(state, 'pipetop', 'spool')
    : path.join(os.homedir(), '.local', 'state', 'pipetop', 'spool');
  return [root, path.join(root, fnv1a64(sock))];
}

module.exports = { uid, socketPath, defaultSockets, fnv1a64, spoolDir };
