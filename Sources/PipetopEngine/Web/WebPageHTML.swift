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
.s-failed { background:var(--bad)!important; } .s-skipped,.s-cancelled { background:var(--warn)!important; }
table { border-collapse:collapse; width:100%; } td,th { text-align:left; padding:.2em .4em; border-bottom:1px solid var(--line); vertical-align:top; }
.alert.critical .sev { color:var(--bad); font-weight:600; } .alert.warning .sev { color:var(--warn); }
pre { white-space:pre-wrap; overflow-wrap:anywhere; font-size:12px; }
button { font:inherit; }
#badge { padding:.1em .5em; border-radius:1em; background:var(--todo); }
#badge.on { background:var(--bad); color:#fff; }
#tokenbox { display:none; padding:.5em 1em; border-bottom:1px solid var(--line); }
</style>
</head>
<body>
<header><h1>pipetop</h1><span id="host" class="dim"></span><span>alerts <span id="badge">0</span></span><span id="link" class="dim">connecting…</span></header>
<div id="tokenbox"><label>Token (<code>pipetop token</code> on the engine's host): <input id="token" type="password" size="40"></label> <button id="savetoken">Use</button> <span id="tokenwhy" class="dim"></span></div>
<main>
<section><h2>Jobs</h2><div id="jobs"></div></section>
<section id="detail" hidden><h2>Job <span id="dname" class="name"></span> <button id="dclose">close</button></h2><div id="dbody"></div></section>
<section><h2>Alerts</h2><label class="dim">acknowledge as <input id="who" size="12" placeholder="your name"></label><table><tbody id="alerts"></tbody></table></section>
</main>
<script>
"use strict";
const $ = id => document.getElementById(id);
let board = null, focus = null, lastSeq = null, pending = false, streaming = false, waitingAck = null;
// Every string from the engine goes in through here: text, never HTML.
function el(tag, text, cls) { const e = document.createElement(tag); if (text != null) e.textContent = String(text); if (cls) e.className = cls; return e; }
function token() { return sessionStorage.getItem("pipetop-token") || ""; }
function headers() { const t = token(); return t ? { "Authorization": "Bearer " + t } : {}; }
function askToken(why) { $("tokenbox").style.display = "block"; $("tokenwhy").textContent = why; }
$("savetoken").onclick = () => {
  sessionStorage.setItem("pipetop-token", $("token").value.trim()); $("tokenbox").style.display = "none";
  // The acknowledgement that asked for the token goes now.
  if (waitingAck) { const id = waitingAck; waitingAck = null; ack(id); } else refresh();
  if (!streaming) follow();
};
$("who").value = localStorage.getItem("pipetop-who") || "";
$("who").onchange = () => localStorage.setItem("pipetop-who", $("who").value.trim());
$("dclose").onclick = () => { focus = null; $("detail").hidden = true; };
async function api(path, opts) {
  const r = await fetch(path, Object.assign({ headers: headers(), cache: "no-store" }, opts || {}));
  if (r.status === 401) { askToken("this needs the token"); throw new Error("401"); }
  return r;
}
function dur(s) { s = Math.max(0, Math.round(s)); if (s < 60) return s + "s"; if (s < 3600) return Math.floor(s / 60) + "m" + String(s % 60).padStart(2, "0") + "s"; return Math.floor(s / 3600) + "h" + String(Math.floor(s % 3600 / 60)).padStart(2, "0") + "m"; }
function eta(j, now) {
  if (!j.eta) return "";
  const e = j.eta, gone = e.frozen ? 0 : now - e.madeAt, mark = e.confidence === "rough" ? "≈" : e.confidence === "calibrated" ? "" : "≥";
  return "ETA " + mark + dur(e.remaining - gone) + " (" + dur(e.low - gone) + "–" + dur(e.high - gone) + ")";
}
function pct(done, total) { return total ? Math.min(100, 100 * done / total) : 0; }
function renderJobs() {
  const box = $("jobs"); box.replaceChildren();
  const now = Date.now() / 1000 - (board.localSkew || 0);
  if (!board.jobs.length) box.append(el("p", "No jobs yet.", "dim"));
  for (const j of board.jobs) {
    const d = el("div", null, "job"); d.dataset.job = j.id; d.onclick = () => openJob(j.id);
    const top = el("div", null, "top");
    top.append(el("span", j.name, "name"), el("span", j.state, "state dim"),
      el("span", j.total != null ? (j.done + "/" + j.total) : String(j.done), "count"), el("span", eta(j, now), "eta dim"));
    const strip = el("div", null, "strip");
    for (const p of j.phases) { const s = el("span", null, "s-" + p.state); s.title = p.name + ": " + p.state; strip.append(s); }
    const bar = el("div", null, "bar"), fill = el("div"); fill.style.width = pct(j.done + j.failed + j.skipped, j.total) + "%"; bar.append(fill);
    d.append(top, strip, bar); box.append(d);
  }
}
function renderAlerts() {
  const n = board.unacknowledged; $("badge").textContent = n; $("badge").className = n ? "on" : "";
  const body = $("alerts"); body.replaceChildren();
  for (const a of board.alerts) {
    const tr = el("tr", null, "alert " + a.severity); tr.dataset.alert = a.id;
    const act = el("td");
    if (a.ack) act.append(el("span", "acknowledged by " + a.ack.by, "acked dim"));
    else if (a.resolvedAt == null) { const b = el("button", "acknowledge", "ack"); b.onclick = () => ack(a.id); act.append(b); }
    else act.append(el("span", "resolved", "dim"));
    tr.append(el("td", a.severity, "sev"), el("td", a.job), el("td", a.message, "msg"), act); body.append(tr);
  }
}
async function ack(id) {
  if (!token()) { waitingAck = id; askToken("acknowledging needs the token, even here"); return; }
  const who = $("who").value.trim() || "anonymous";
  try {
    const r = await api("/api/v1/alerts/" + encodeURIComponent(id) + "/ack", { method: "POST", body: JSON.stringify({ by: who }) });
    if (!r.ok) $("link").textContent = (await r.json()).error;
  } catch (e) {}
  refresh();
}
async function openJob(id) { focus = id; $("detail").hidden = false; await refreshJob(); }
async function refreshJob() {
  if (!focus) return;
  let j;
  try { const r = await api("/api/v1/jobs/" + encodeURIComponent(focus)); if (!r.ok) { $("dbody").replaceChildren(el("p", (await r.json()).error)); return; } j = await r.json(); } catch (e) { return; }
  $("dname").textContent = j.name;
  const t = el("table"), head = el("tr"); ["phase", "state", "done", "rate", "steps"].forEach(h => head.append(el("th", h))); t.append(head);
  for (const p of j.phases) {
    const tr = el("tr"), bar = el("div", null, "bar"), fill = el("div", null, "s-" + p.state); fill.style.width = pct(p.done + p.failed + p.skipped, p.total) + "%"; bar.append(fill);
    const cell = el("td", (p.done + (p.total != null ? "/" + p.total : "")) + (p.failed ? " (" + p.failed + " failed)" : "")); cell.append(bar);
    const steps = (p.steps && p.steps.recent || []).slice(-5).map(s => s.name + " " + (s.state || "")).join(", ");
    tr.append(el("td", p.name), el("td", p.state), cell, el("td", p.rate != null ? p.rate.toFixed(1) + "/s" : ""), el("td", steps, "dim")); t.append(tr);
  }
  const parts = [t];
  const r = j.resources;
  if (r) parts.push(el("p", "CPU " + (r.cpuNow != null ? Math.round(r.cpuNow * 100) + "%" : "–") + " · memory " + (r.rssNow != null ? (r.rssNow / 1048576).toFixed(0) + " MiB" : "–") + " · peak " + (r.peakRSS / 1048576).toFixed(0) + " MiB", "dim"));
  if (r && r.cpu && r.cpu.length) parts.push(spark(r.cpu, "CPU"));
  if (r && r.rss && r.rss.length) parts.push(spark(r.rss, "memory"));
  if (j.logs && j.logs.length) parts.push(el("pre", j.logs.slice(-20).map(l => (l.level || "") + " " + l.message).join("\n")));
  $("dbody").replaceChildren(...parts);
}
function spark(values, label) {
  const ns = "http://www.w3.org/2000/svg", svg = document.createElementNS(ns, "svg"), line = document.createElementNS(ns, "polyline");
  const max = Math.max(...values, 1e-9); svg.setAttribute("viewBox", "0 0 " + values.length + " 20"); svg.setAttribute("preserveAspectRatio", "none");
  svg.setAttribute("width", "100%"); svg.setAttribute("height", "30");
  line.setAttribute("points", values.map((v, i) => i + "," + (20 - 20 * v / max)).join(" ")); line.setAttribute("fill", "none"); line.setAttribute("stroke", "currentColor"); line.setAttribute("stroke-width", "0.5");
  svg.append(line); const d = el("div", label, "dim"); d.append(svg); return d;
}
async function refresh() {
  pending = false;
  try { const r = await api("/api/v1/board"); if (!r.ok) return; board = await r.json(); } catch (e) { return; }
  board.localSkew = Date.now() / 1000 - board.at;
  $("host").textContent = board.host && board.host.name ? board.host.name : "";
  renderJobs(); renderAlerts(); refreshJob();
}
// Many events in a burst: the Board is taken again at most four times a second.
function soon() { if (!pending) { pending = true; setTimeout(refresh, 250); } }
async function follow() {
  const q = lastSeq != null ? "?since=" + lastSeq : "";
  streaming = true;
  try {
    const r = await api("/api/v1/events" + q);
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
  $("link").textContent = "reconnecting…";
  setTimeout(() => { refresh(); follow(); }, 1000);
}
setInterval(() => { if (board) renderJobs(); }, 1000);  // ETA counts down between events
refresh(); follow();
</script>
</body>
</html>
"""#
}
