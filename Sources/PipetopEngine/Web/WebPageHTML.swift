/// The live page served at `/`: one file, no CDN, no fonts, no build step. It reads the API
/// with the token when one is needed (kept in the tab's sessionStorage), follows the event
/// stream and takes the Board again when events come. Every string from a job is set with
/// `textContent`, never parsed as HTML.
enum WebPageHTML {
    static let text = #"""
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>pipetop</title>
<style>
:root { color-scheme: light dark; --bg:#fff; --fg:#1b1b1b; --dim:#666; --line:#ddd; --ok:#2a8a3a; --run:#1f6fd1; --bad:#c62828; --warn:#b76e00; --todo:#ccc; }
@media (prefers-color-scheme: dark) { :root { --bg:#111; --fg:#e6e6e6; --dim:#999; --line:#333; --ok:#4caf50; --run:#4f8fe8; --bad:#ef5350; --warn:#f0a020; --todo:#444; } }
body { margin:0; font:14px/1.4 system-ui, sans-serif; background:var(--bg); color:var(--fg); }
header { display:flex; gap:1em; align-items:center; padding:.5em 1em; border-bottom:1px solid var(--line); flex-wrap:wrap; }
header h1 { font-size:1.1em; margin:0; }
.dim { color:var(--dim); }
main { padding:0 1em 2em; max-width:70em; }
section h2 { font-size:1em; margin:1.2em 0 .4em; }
.job { border:1px solid var(--line); border-radius:6px; padding:.5em .7em; margin:.4em 0; cursor:pointer; }
.job .top { display:flex; gap:.8em; flex-wrap:wrap; align-items:baseline; }
.name { font-weight:600; overflow-wrap:anywhere; }
.strip { display:flex; gap:2px; height:10px; margin:.4em 0 .2em; }
.strip span { flex:1; border-radius:2px; background:var(--todo); }
.bar { height:6px; background:var(--todo); border-radius:3px; overflow:hidden; }
.bar div { height:100%; background:var(--run); }
.s-done,.s-succeeded { background:var(--ok)!important; } .s-running { background:var(--run)!important; }
.s-failed { background:var(--bad)!important; } .s-skipped,.s-canceled { background:var(--warn)!important; }
.s-lost { background:repeating-linear-gradient(45deg,var(--bad) 0 3px,var(--todo) 3px 6px)!important; }
table { border-collapse:collapse; width:100%; } td,th { text-align:left; padding:.2em .4em; border-bottom:1px solid var(--line); vertical-align:top; }
/* Long words (a signed URL in a message) wrap in the cells that carry text from jobs, so
   the buttons stay on screen; short cells keep their words whole. */
td.msg, #steps td { overflow-wrap:anywhere; } td.wrap { overflow-wrap:break-word; }
.alert.critical .sev { color:var(--bad); font-weight:600; } .alert.warning .sev { color:var(--warn); }
pre { white-space:pre-wrap; overflow-wrap:anywhere; font-size:12px; }
button { font:inherit; }
#badge { padding:.1em .5em; border-radius:1em; background:var(--todo); }
#badge.on { background:var(--bad); color:#fff; }
#tokenbox { display:none; padding:.5em 1em; border-bottom:1px solid var(--line); }
.why { color:var(--bad); overflow-wrap:anywhere; margin:.2em 0; }
tr.phase { cursor:pointer; } tr.phase.sel { outline:2px solid var(--run); }
.st-failed { color:var(--bad); } .st-running { color:var(--run); } .st-canceled { color:var(--warn); }
.acts { white-space:nowrap; } .acts select, .acts button { margin:0 .2em .2em 0; }
/* A phone's width: an alert is a block (severity, job and time on a line, the message under,
   the buttons under that), so its message is not squeezed to a letter a line. */
@media (max-width: 40em) {
  #alerts tr { display:flex; flex-wrap:wrap; gap:0 .6em; border-bottom:1px solid var(--line); padding:.3em 0; }
  #alerts td { border:0; padding:0; } #alerts td.msg { order:1; flex-basis:100%; } #alerts td.acts { order:2; flex-basis:100%; white-space:normal; }
}
#steps h3 { font-size:1em; margin:1em 0 .3em; }
</style>
</head>
<body>
<header><h1>pipetop</h1><span id="host" class="dim"></span><span>alerts <span id="badge">0</span></span><span id="link" class="dim">connecting…</span></header>
<div id="tokenbox"><label>Token (<code>pipetop token</code> on the engine's host): <input id="token" type="password" size="40"></label> <button id="savetoken">Use</button> <span id="tokenwhy" class="dim"></span></div>
<main>
<section><h2>Jobs</h2><div id="jobs"></div></section>
<section id="detail" hidden><h2>Job <span id="dname" class="name"></span> <button id="dclose">close</button></h2><div id="dbody"></div></section>
<section><h2>Alerts</h2><label class="dim">acknowledge or silence as <input id="who" size="12" placeholder="your name"></label><table><tbody id="alerts"></tbody></table></section>
</main>
<script>
"use strict";
const $ = id => document.getElementById(id);
let board = null, focus = null, focusPhase = null, stepFilter = "all", lastSeq = null, pending = false, streaming = false, waiting = null;
// The silence length chosen per alert: the list is drawn again as events come.
const silenceFor = {};
// Every string from the engine goes in through here: text, never HTML.
function el(tag, text, cls) { const e = document.createElement(tag); if (text != null) e.textContent = String(text); if (cls) e.className = cls; return e; }
// Draws `nodes` into `box` by bringing what is there to look like them, in place: elements
// that stay keep their identity, so a click under way, an open list or a selection on them
// is not lost when the view is drawn again (several times a second on a busy engine).
function show(box, ...nodes) { const fresh = document.createElement(box.nodeName); fresh.append(...nodes); patchChildren(box, fresh); }
function patchChildren(old, fresh) {
  const oc = [...old.childNodes], fc = [...fresh.childNodes];
  fc.forEach((f, i) => { if (i < oc.length) patch(oc[i], f); else old.append(f); });
  for (const o of oc.slice(fc.length)) o.remove();
}
function patch(old, fresh) {
  if (old.nodeType !== fresh.nodeType || old.nodeName !== fresh.nodeName) return old.replaceWith(fresh);
  if (old.nodeType === Node.TEXT_NODE) { if (old.data !== fresh.data) old.data = fresh.data; return; }
  if (old.nodeType !== Node.ELEMENT_NODE) return old.replaceWith(fresh);
  for (const a of [...old.attributes]) if (!fresh.hasAttribute(a.name)) old.removeAttribute(a.name);
  for (const a of [...fresh.attributes]) if (old.getAttribute(a.name) !== a.value) old.setAttribute(a.name, a.value);
  old.onclick = fresh.onclick; old.onchange = fresh.onchange;
  if (old.nodeName === "OPTION" && old.selected !== fresh.selected) old.selected = fresh.selected;
  patchChildren(old, fresh);
}
function token() { return sessionStorage.getItem("pipetop-token") || ""; }
function headers() { const t = token(); return t ? { "Authorization": "Bearer " + t } : {}; }
function askToken(why) { $("tokenbox").style.display = "block"; $("tokenwhy").textContent = why; }
$("savetoken").onclick = () => {
  sessionStorage.setItem("pipetop-token", $("token").value.trim()); $("tokenbox").style.display = "none";
  // The acknowledgement or silence that asked for the token goes now.
  if (waiting) { const w = waiting; waiting = null; act(w); } else refresh();
  if (!streaming) follow();
};
$("who").value = localStorage.getItem("pipetop-who") || "";
$("who").onchange = () => localStorage.setItem("pipetop-who", $("who").value.trim());
$("dclose").onclick = () => { focus = null; focusPhase = null; $("detail").hidden = true; remember(); };
// The job and phase looked at are kept in the address (#job=ID&phase=ID): a link to share,
// and what a reload comes back to.
function remember() {
  const h = focus ? "job=" + encodeURIComponent(focus) + (focusPhase ? "&phase=" + encodeURIComponent(focusPhase) : "") : "";
  if (location.hash.slice(1) !== h) history.replaceState(null, "", h ? "#" + h : location.pathname);
}
function recall() {
  const q = new URLSearchParams(location.hash.slice(1));
  if (q.get("job")) { focus = q.get("job"); focusPhase = q.get("phase"); $("detail").hidden = false; }
  else { focus = null; focusPhase = null; $("detail").hidden = true; }
}
// A link pasted into a tab already on the page.
window.onhashchange = () => { recall(); refreshJob(); };
async function api(path, opts) {
  const sent = token(), r = await fetch(path, Object.assign({ headers: headers(), cache: "no-store" }, opts || {}));
  if (r.status === 401) {
    // A token that was sent and refused is forgotten, and said so: a wrong one, or an old
    // one after the token file was made again.
    if (sent) { sessionStorage.removeItem("pipetop-token"); askToken("the engine refused that token: copy it again from `pipetop token` on its host"); }
    else askToken("this needs the token");
    throw new Error("401");
  }
  return r;
}
function plural(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }
function dur(s) { s = Math.max(0, Math.round(s)); if (s < 60) return s + "s"; if (s < 3600) return Math.floor(s / 60) + "m" + String(s % 60).padStart(2, "0") + "s"; return Math.floor(s / 3600) + "h" + String(Math.floor(s % 3600 / 60)).padStart(2, "0") + "m"; }
function eta(j, now) {
  if (!j.eta) return "";
  const e = j.eta, gone = e.frozen ? 0 : now - e.madeAt, mark = e.confidence === "rough" ? "≈" : e.confidence === "calibrated" ? "" : "≥";
  return "ETA " + mark + dur(e.remaining - gone) + " (" + dur(e.low - gone) + "–" + dur(e.high - gone) + ")";
}
// Lost: the engine's verdict (its process gone without an end), said on the job and on its
// phase that was running (not known to run any more), as the dashboard and /metrics say it.
function isLost(j) { return j.lost === true; }
function phaseState(j, p) { return isLost(j) && p.state === "running" ? "lost" : p.state; }
function renderJobs() {
  const cards = [];
  const now = Date.now() / 1000 - (board.localSkew || 0);
  if (!board.jobs.length) cards.push(el("p", "No jobs yet.", "dim"));
  // In the order the engine sends them: needs attention first, as the dashboard lists them.
  for (const j of board.jobs) {
    const d = el("div", null, "job"); d.dataset.job = j.id; d.onclick = () => openJob(j.id);
    const top = el("div", null, "top");
    const lost = isLost(j);
    // The phase it is at, as the dashboard's NOW column names it (the engine's nowText).
    top.append(el("span", j.name, "name"), el("span", lost ? "lost" : j.state, lost ? "state why" : "state dim"),
      el("span", j.nowText || "", "now"), el("span", j.total != null ? (j.done + "/" + j.total) : j.done ? j.done + " done" : "", "count"),
      el("span", Math.floor(100 * (j.progress || 0)) + "%", "pct"), el("span", eta(j, now), "eta dim"));
    const strip = el("div", null, "strip");
    for (const p of j.phases) { const ps = phaseState(j, p), s = el("span", null, "s-" + ps); s.title = p.name + ": " + ps; strip.append(s); }
    // The job's progress as the dashboard weighs it (phases by their usual time).
    const bar = el("div", null, "bar"), fill = el("div", null, j.state === "failed" ? "s-failed" : ""); fill.style.width = Math.min(100, 100 * (j.progress || 0)) + "%"; bar.append(fill);
    d.append(top, strip, bar);
    if (j.stalledSince != null && j.state === "running") d.append(el("div", "stalled " + dur(now - j.stalledSince) + ": no progress", "why"));
    if (j.error) d.append(el("div", j.error, "why"));
    cards.push(d);
  }
  show($("jobs"), ...cards);
}
function renderAlerts() {
  const n = board.unacknowledged; $("badge").textContent = n; $("badge").className = n ? "on" : "";
  const rows = [];
  for (const a of board.alerts) {
    const tr = el("tr", null, "alert " + a.severity); tr.dataset.alert = a.id;
    const acts = el("td", null, "acts");
    if (a.ack) acts.append(el("div", "acknowledged by " + a.ack.by, "acked dim"));
    if (a.silencedUntil != null) acts.append(el("div", "silenced until " + clock(a.silencedUntil), "silenced dim"));
    if (a.resolvedAt != null) acts.append(el("div", "resolved", "dim"));
    else {
      if (!a.ack) { const b = el("button", "acknowledge", "ack"); b.onclick = () => act({ kind: "ack", id: a.id }); acts.append(b); }
      // A silence mutes the alert's rule for its job (as `pipetop silence` does): only an
      // alert about a job the engine holds, from a rule or an event (not the engine's own).
      if (board.jobs.some(j => j.id === a.job) && a.kind !== "overflow") {
        const pick = el("select", null, "for"); pick.title = "how long to silence " + a.kind + " for " + a.job;
        for (const [label, s] of [["1 hour", 3600], ["4 hours", 14400], ["1 day", 86400], ["1 week", 604800]]) {
          const o = el("option", label); o.value = s; o.selected = String(s) === String(silenceFor[a.id] || 3600); pick.append(o);
        }
        // Handlers read what is on screen (the drawn list), not the element made for this draw.
        pick.onchange = e => { silenceFor[a.id] = e.target.value; };
        const b = el("button", a.silencedUntil != null ? "silence again" : "silence", "silence"); b.onclick = () => act({ kind: "silence", id: a.id, seconds: Number(silenceFor[a.id] || 3600) });
        acts.append(pick, b);
      }
    }
    const what = el("td", a.message, "msg");
    if (a.count > 1) what.append(el("span", " ×" + a.count, "dim"));
    const job = board.jobs.find(j => j.id === a.job);
    tr.append(el("td", a.severity, "sev"), el("td", job ? job.name : a.job, "wrap"), what, el("td", clock(a.firstAt), "dim"), acts); rows.push(tr);
  }
  show($("alerts"), ...rows);
}
// Acknowledging and silencing change the engine: they need the token, even on loopback.
async function act(w) {
  if (!token()) { waiting = w; askToken((w.kind === "ack" ? "acknowledging" : "silencing") + " needs the token, even here"); return; }
  const body = { by: $("who").value.trim() || "anonymous" };
  if (w.kind === "silence") body.for = w.seconds;
  try {
    const r = await api("/api/v1/alerts/" + encodeURIComponent(w.id) + "/" + w.kind, { method: "POST", body: JSON.stringify(body) });
    if (!r.ok) $("link").textContent = (await r.json()).error;
  } catch (e) {
    // The token was refused: the action goes once a right one is given.
    if (String(e.message) === "401") { waiting = w; return; }
  }
  refresh();
}
// A time on the engine's clock as the browser's local time; with the date when not today.
function clock(t) {
  const d = new Date((t + (board ? board.localSkew || 0 : 0)) * 1000), time = d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  return d.toDateString() === new Date().toDateString() ? time : d.toLocaleDateString([], { month: "short", day: "numeric" }) + " " + time;
}
async function openJob(id) {
  if (focus !== id) focusPhase = null;
  focus = id; $("detail").hidden = false; remember(); await refreshJob();
  $("detail").scrollIntoView({ block: "start" });  // below a long list it would go unseen
}
async function refreshJob() {
  if (!focus) return;
  let j;
  try { const r = await api("/api/v1/jobs/" + encodeURIComponent(focus)); if (!r.ok) { show($("dbody"), el("p", (await r.json()).error)); return; } j = await r.json(); } catch (e) { return; }
  $("dname").textContent = j.name;
  const now = Date.now() / 1000 - (board ? board.localSkew || 0 : 0), jobNow = now - (j.skew || 0);
  const facts = [isLost(j) ? "lost" : j.state, "started " + clock(j.startedAt + (j.skew || 0)), "ran " + dur((j.endedAt != null ? j.endedAt : jobNow) - j.startedAt)];
  if (j.eta) facts.push(eta(j, now));
  if (j.deadline) facts.push("due " + clock(j.deadline.due) + (j.deadline.source ? " (" + j.deadline.source + ")" : ""));
  if (j.tally && (j.tally.warnings || j.errorCount)) facts.push(plural(j.errorCount, "error") + ", " + plural(j.tally.warnings, "warning"));
  const parts = [el("p", facts.join(" · "), "dim")];
  if (j.error) parts.push(el("p", j.error, "why"));
  const t = el("table"), head = el("tr"); ["phase", "state", "progress", "rate", "steps"].forEach(h => head.append(el("th", h))); t.append(head);
  for (const p of j.phases) {
    const ps = phaseState(j, p);
    const tr = el("tr", null, "phase" + (p.id === focusPhase ? " sel" : "")), bar = el("div", null, "bar"), fill = el("div", null, "s-" + ps); fill.style.width = 100 * (p.progress || 0) + "%"; bar.append(fill);
    tr.dataset.phase = p.id; tr.title = "show the steps of " + p.name;
    tr.onclick = () => { focusPhase = focusPhase === p.id ? null : p.id; remember(); refreshJob(); };
    // Counts, percent and bar as the dashboard says them (the engine's progressFacts and
    // progress: failed items are not progress, skipped ones, found done, are).
    const cell = el("td", (p.progressFacts || []).join(" · "), "progress"); cell.append(bar);
    const st = p.steps || {}, steps = st.kept ? st.kept + (st.dropped ? "+" + st.dropped : "") + " (" + (st.running || 0) + (isLost(j) ? " lost" : " running") + (st.failed ? ", " + st.failed + " failed" : "") + (st.canceled ? ", " + st.canceled + " canceled" : "") + ")" : "";
    const name = el("td", p.name, "wrap"); if (p.error) name.append(el("div", p.error, "why"));
    // Its time and ETA under its state, its rate with its unit, worded by the engine as the
    // phase screen words them ("ETA 4m", "stalled 2m", "30 pages/min"); a lost job's phase has neither.
    const state = el("td", ps, ps === "lost" ? "why" : ""), times = [p.elapsedText, ps !== "lost" && p.etaText].filter(x => x);
    if (times.length) state.append(el("div", times.join(" · "), "dim"));
    tr.append(name, state, cell, el("td", ps !== "lost" ? p.rateText || "" : ""), el("td", steps, "dim")); t.append(tr);
  }
  parts.push(t);
  const chosen = j.phases.find(p => p.id === focusPhase);
  if (chosen) parts.push(stepsView(j, chosen, jobNow));
  const r = j.resources;
  // A lost job's process is gone: its last reading is not its use now.
  if (r && isLost(j)) parts.push(el("p", "CPU and memory: not sampled since the job went lost" + (r.peakRSS > 0 ? " · peak " + (r.peakRSS / 1048576).toFixed(0) + " MiB" : ""), "dim"));
  else if (r) parts.push(el("p", "CPU " + (r.cpuNow != null ? Math.round(r.cpuNow) + "%" : "–") + " · memory " + (r.rssNow != null ? (r.rssNow / 1048576).toFixed(0) + " MiB" : "–") + " · peak " + (r.peakRSS > 0 ? (r.peakRSS / 1048576).toFixed(0) + " MiB" : "not sampled"), "dim"));
  if (r && r.cpu && r.cpu.length) parts.push(spark(r.cpu, "CPU"));
  if (r && r.rss && r.rss.length) parts.push(spark(r.rss, "memory"));
  if (j.artifacts && j.artifacts.length) parts.push(el("p", "artifacts: " + j.artifacts.map(a => a.name + (a.location ? " (" + a.location + ")" : "")).join(" · "), "dim"));
  if (j.logs && j.logs.length) parts.push(el("pre", j.logs.slice(-20).map(l => (l.level || "") + " " + l.message).join("\n")));
  show($("dbody"), ...parts);
}
// One phase's steps, newest first: what it is doing now and what failed, with why.
function stepsView(j, p, jobNow) {
  const box = el("div"); box.id = "steps";
  const st = p.steps || {}, items = (st.items || []).slice().reverse();
  const h = el("h3", "Steps of " + p.name); box.append(h);
  const summary = (st.kept || 0) + " kept, " + (st.running || 0) + (isLost(j) ? " lost, " : " running, ") + (st.failed || 0) + " failed" + (st.canceled ? ", " + st.canceled + " canceled" : "") +
    (st.dropped ? "; " + st.dropped + " earlier finished ones counted only" : "") + (st.longest ? "; longest " + dur(st.longest) : "");
  const pick = el("select"); pick.id = "stepfilter";
  for (const f of ["all", "running", "failed"]) { const o = el("option", f); o.value = f; o.selected = f === stepFilter; pick.append(o); }
  pick.onchange = e => { stepFilter = e.target.value; refreshJob(); };
  const line = el("p", summary + " · show ", "dim"); line.append(pick); box.append(line);
  const shown = items.filter(s => stepFilter === "all" || s.state === stepFilter);
  if (!shown.length) { box.append(el("p", stepFilter === "all" ? "No steps reported in this phase." : "None " + stepFilter + ".", "dim")); return box; }
  const t = el("table"), head = el("tr"); ["step", "state", "time", "detail"].forEach(x => head.append(el("th", x))); t.append(head);
  for (const s of shown.slice(0, 200)) {
    const tr = el("tr", null, "step"); tr.dataset.step = s.id;
    // A lost job's running step is not known to run any more, as its phase.
    const ss = isLost(j) && s.state === "running" ? "lost" : s.state;
    tr.append(el("td", s.id), el("td", ss, "st-" + ss), el("td", dur((s.endedAt != null ? s.endedAt : jobNow) - s.startedAt)), el("td", s.detail || "", s.state === "failed" ? "why" : "dim"));
    t.append(tr);
  }
  box.append(t);
  if (shown.length > 200) box.append(el("p", "… and " + (shown.length - 200) + " older", "dim"));
  return box;
}
function spark(values, label) {
  const ns = "http://www.w3.org/2000/svg", svg = document.createElementNS(ns, "svg"), line = document.createElementNS(ns, "polyline");
  const max = Math.max(...values, 1e-9); svg.setAttribute("viewBox", "0 0 " + values.length + " 20"); svg.setAttribute("preserveAspectRatio", "none");
  svg.setAttribute("width", "100%"); svg.setAttribute("height", "30");
  line.setAttribute("points", values.map((v, i) => i + "," + (20 - 20 * v / max)).join(" ")); line.setAttribute("fill", "none"); line.setAttribute("stroke", "currentColor"); line.setAttribute("stroke-width", "0.5");
  svg.append(line); const d = el("div", label, "dim"); d.append(svg); return d;
}
// What the engine decides with no event (a job lost or stalled, an alert raised or cleared).
function verdicts(b) { return JSON.stringify([b.alerts, (b.jobs || []).map(j => [j.id, j.state, j.byEngine, j.error, j.eta && j.eta.frozen])]); }
let lastVerdicts = null;
// Someone is choosing from a menu or has selected text (to copy an error): drawing the alerts
// or the open job again would close the one and lose the other.
function interacting() { const a = document.activeElement; return (a && a.tagName === "SELECT") || String(getSelection()) !== ""; }
// `quiet` (the timer's look): while someone interacts, the alerts and the open job are drawn
// again only when a verdict changed.
async function refresh(quiet) {
  pending = false;
  try { const r = await api("/api/v1/board"); if (!r.ok) return; board = await r.json(); } catch (e) { return; }
  board.localSkew = Date.now() / 1000 - board.at;
  $("host").textContent = board.host && board.host.name ? board.host.name : "";
  const v = verdicts(board), same = v === lastVerdicts; lastVerdicts = v;
  renderJobs();
  if (quiet === true && same && interacting()) return;
  renderAlerts(); refreshJob();
}
// Many events in a burst: the Board is taken again at most four times a second.
function soon() { if (!pending) { pending = true; setTimeout(refresh, 250); } }
async function follow() {
  const q = lastSeq != null ? "?since=" + lastSeq : "";
  streaming = true;
  let retry = 1000, said = null;
  try {
    const r = await api("/api/v1/events" + q);
    // Every stream the engine takes is open (a tab each): say so, and ask again when it says.
    if (r.status === 503) { retry = 1000 * (Number(r.headers.get("Retry-After")) || 30); said = (await r.json()).error; }
    if (!r.ok) throw new Error(String(r.status));
    $("link").textContent = "live";
    // What changed before the stream began is in the Board taken now.
    soon();
    const reader = r.body.getReader(), dec = new TextDecoder(); let buf = "";
    for (;;) {
      const { value, done } = await reader.read(); if (done) break;
      buf += dec.decode(value, { stream: true });
      let i; while ((i = buf.indexOf("\n\n")) >= 0) {
        const frame = buf.slice(0, i); buf = buf.slice(i + 2);
        for (const line of frame.split("\n")) if (line.startsWith("id: ")) lastSeq = Number(line.slice(4));
        if (frame.includes("data: ")) soon();
      }
    }
  } catch (e) { if (String(e.message) === "401") { streaming = false; $("link").textContent = "needs the token"; return; } }
  $("link").textContent = said || "reconnecting…";
  setTimeout(() => { refresh(); follow(); }, retry);
}
setInterval(() => { if (board) renderJobs(); }, 1000);  // ETA counts down between events
// What the engine decides itself (a job lost, an alert a rule raised, the sampler's figures)
// changes the Board with no event on the stream: it is taken again every 2 s as well.
setInterval(() => { if (board && !document.hidden && !pending) refresh(true); }, 2000);
recall(); refresh(); follow();
</script>
</body>
</html>
"""#
}
