/// A Python program (standard library only) that drives Debian's chromium through
/// chromedriver (W3C WebDriver over HTTP) against the live page, while it reports a job into
/// the engine's socket. Arguments: socket, page URL, token. Prints one line per check passed;
/// exits non-zero with the reason at the first that fails.
let browserDriverScript = #"""
import atexit, json, os, signal, socket, subprocess, sys, time, urllib.request

sock_path, page, token = sys.argv[1], sys.argv[2], sys.argv[3]

def emit(*lines):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(sock_path)
    s.sendall(("".join(json.dumps(l) + "\n" for l in lines) + '{"type":"sync","id":"w","durable":false}\n').encode())
    got = b""
    while b'"w"' not in got:  # the engine applied them
        chunk = s.recv(65536)
        if not chunk: break
        got += chunk
    s.close()

def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p

port = free_port()
# The test runner blocks signals and its children inherit that: unblocked here, so the
# driver can end its browser.
signal.pthread_sigmask(signal.SIG_SETMASK, [])
driver = subprocess.Popen(["chromedriver", "--port=%d" % port], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
# Whatever ends the script (a failed check, an exception), the driver and its browser go too.
atexit.register(lambda: os.killpg(driver.pid, signal.SIGKILL))
base = "http://127.0.0.1:%d" % port

def call(method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base + path, data=data, method=method, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return json.loads(r.read())["value"]
    except urllib.error.HTTPError as e:
        return {"error": json.loads(e.read())["value"]}

def until(what, check, seconds=20):
    deadline = time.time() + seconds
    last = None
    while time.time() < deadline:
        last = check()
        if last: return last
        time.sleep(0.1)
    fail("%s (last seen: %r)" % (what, last))

def fail(why):
    print("FAILED: " + why, flush=True)
    try: call("DELETE", "/session/" + sid)
    except Exception: pass
    sys.exit(1)

sid = None
deadline = time.time() + 20
while True:
    try:
        urllib.request.urlopen(base + "/status", timeout=2); break
    except Exception:
        if time.time() > deadline: fail("chromedriver did not start")
        time.sleep(0.1)
caps = {"capabilities": {"alwaysMatch": {"goog:chromeOptions": {"binary": "/usr/bin/chromium",
        "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--user-data-dir=" + os.environ.get("PT_PROFILE", "/tmp/pt-chromium")]}}}}
s = call("POST", "/session", caps)
if "sessionId" not in s: fail("no browser session: %r" % s)
sid = s["sessionId"]
S = "/session/" + sid
def js(script, *args): return call("POST", S + "/execute/sync", {"script": script, "args": list(args)})

name = "<script>alert(1)</script>"
emit({"type": "job.start", "job": "web1", "name": name, "phases": ["fetch"]},
     {"type": "progress", "job": "web1", "phase": "fetch", "done": 10, "total": 100})
call("POST", S + "/url", {"url": page})
shown = until("the page shows the running job", lambda: js("const n = document.querySelector('.job .name'); const c = document.querySelector('.job .count'); return n && c && c.textContent === '10/100' ? [n.textContent, n.innerHTML, document.querySelectorAll('script').length] : null"))
if shown[0] != name: fail("the name is not shown as text: %r" % shown)
if "<" in shown[1]: fail("the name became HTML: %r" % shown)
if shown[2] != 1: fail("a script element was added: %r" % shown)
if "error" not in call("GET", S + "/alert/text"): fail("a dialog opened: the name ran as a script")
print("shown as text: " + shown[0], flush=True)

# Progress moves on the page when events arrive (over the event stream, no reload).
emit({"type": "progress", "job": "web1", "phase": "fetch", "done": 60})
until("the progress moves to 60/100", lambda: js("const c = document.querySelector('.job .count'); return c && c.textContent === '60/100'"))
print("progress moved to 60/100", flush=True)
# The card names the phase the job is at, as the dashboard's NOW column does.
now_text = until("the card names its current phase", lambda: js("const n = document.querySelector('.job .now'); return n && n.textContent === 'fetch 60/100' ? n.textContent : null"))
print("card now: " + now_text, flush=True)

# An alert, acknowledged from the page with the token.
emit({"type": "alert", "job": "web1", "severity": "critical", "message": "disk <b>nearly</b> full", "name": "disk"})
until("the alert is listed", lambda: js("return document.querySelector('#alerts button.ack') != null"))
msg = js("return document.querySelector('#alerts .msg').textContent")
if msg != "disk <b>nearly</b> full": fail("the alert's message is not text: %r" % msg)
def element(css):
    got = call("POST", S + "/element", {"using": "css selector", "value": css})
    if "element-6066-11e4-a52e-4f735466cecf" not in got: fail("no element %s: %r" % (css, got))
    return got["element-6066-11e4-a52e-4f735466cecf"]
call("POST", S + "/element/" + element("#who") + "/value", {"text": "robot"})
call("POST", S + "/element/" + element("#alerts button.ack") + "/click", {})
until("the page asks for the token", lambda: js("return getComputedStyle(document.getElementById('tokenbox')).display !== 'none'"))
# A wrong token first: said so, and the acknowledgement waits for the right one.
call("POST", S + "/element/" + element("#token") + "/value", {"text": "not-the-token"})
call("POST", S + "/element/" + element("#savetoken") + "/click", {})
until("the page says the token was refused", lambda: js("return getComputedStyle(document.getElementById('tokenbox')).display !== 'none' && document.getElementById('tokenwhy').textContent.includes('refused')"))
js("document.getElementById('token').value = ''; return true")
call("POST", S + "/element/" + element("#token") + "/value", {"text": token})
call("POST", S + "/element/" + element("#savetoken") + "/click", {})
acked = until("the page shows the acknowledgement", lambda: js("const a = document.querySelector('#alerts .acked'); return a && a.textContent"))
print("page: " + acked, flush=True)

# Silenced from the page (the token is kept in the tab by now): for a day, chosen in the list
# as a person does, kept while the page is drawn again (an event comes between).
call("POST", S + "/element/" + element("#alerts select.for option[value='86400']") + "/click", {})
emit({"type": "progress", "job": "web1", "phase": "fetch", "done": 61})
until("the page is drawn again", lambda: js("const c = document.querySelector('.job .count'); return c && c.textContent === '61/100'"))
kept = js("return document.querySelector('#alerts select.for').value")
if kept != "86400": fail("the chosen length was lost when the page was drawn again: %r" % kept)
call("POST", S + "/element/" + element("#alerts button.silence") + "/click", {})
silenced = until("the page shows the silence", lambda: js("const a = document.querySelector('#alerts .silenced'); return a && a.textContent"))
print("page: " + silenced, flush=True)

# On a phone's width an alert is a block: its message gets the row's width, not a letter's.
call("POST", S + "/window/rect", {"width": 420, "height": 900})
narrow = until("the alert's message is as wide as its row on a narrow window", lambda: js("const m = document.querySelector('#alerts td.msg'), t = document.querySelector('#alerts tr'); return m && t && window.innerWidth <= 640 ? [m.getBoundingClientRect().width, t.getBoundingClientRect().width] : null"))
if narrow[0] < 0.9 * narrow[1]: fail("on a narrow window the alert's message is squeezed: %r of %r px" % (narrow[0], narrow[1]))
call("POST", S + "/window/rect", {"width": 1280, "height": 900})
print("narrow: the alert's message has the row's width", flush=True)

# A phase's steps: click the job, then its phase; the failed step says why.
emit({"type": "step", "job": "web1", "phase": "fetch", "step": "page 1", "state": "done"},
     {"type": "step", "job": "web1", "phase": "fetch", "step": "page 2", "state": "running", "detail": "GET /orders?page=2"},
     {"type": "step", "job": "web1", "phase": "fetch", "step": "page <i>3</i>", "state": "failed", "detail": "HTTP 503 after 3 retries"})
call("POST", S + "/element/" + element(".job") + "/click", {})
until("the job's phases are shown", lambda: js("return document.querySelector('#dbody tr.phase') != null"))
if "job=web1" not in js("return location.hash"): fail("the job is not kept in the address: %r" % js("return location.hash"))
# Clicked in the page (a redraw between finding the row and clicking it would leave the
# driver's reference stale), again until the steps show: the page redraws as events come.
rows = until("the phase's steps are listed", lambda: js("if (!document.getElementById('steps')) document.querySelector('#dbody tr.phase').click(); const r = [...document.querySelectorAll('#steps tr.step')]; return r.length === 3 ? r.map(x => [...x.children].slice(0, 2).map(c => c.textContent).concat([x.children[3].textContent]).join('|')) : null"))
if rows[0] != "page <i>3</i>|failed|HTTP 503 after 3 retries": fail("the newest, failed step is not first with its reason: %r" % rows)
call("POST", S + "/element/" + element("#stepfilter option[value='failed']") + "/click", {})
until("the failed filter keeps the failed step only", lambda: js("const r = document.querySelectorAll('#steps tr.step'); return r.length === 1 && r[0].dataset.step === 'page <i>3</i>'"))
print("steps: " + " / ".join(rows), flush=True)

# The phase's row says its progress as the dashboard does (the engine's progressFacts and
# progress): skipped items count while it runs, failed ones do not, and the bar agrees.
emit({"type": "progress", "job": "web1", "phase": "fetch", "failed": 1, "skipped": 4})
facts = until("the phase row shows the dashboard's facts", lambda: js("const c = document.querySelector('#dbody tr.phase td.progress'); return c && c.textContent.includes('skipped') ? [c.textContent, c.querySelector('.bar div').style.width] : null"))
if facts != ["65/100 · 65% · 1 failed · 4 skipped", "65%"]: fail("the phase row does not say what the dashboard says: %r" % facts)
print("phase row: " + facts[0] + " bar " + facts[1], flush=True)
# Its rate with its unit in the dashboard's forms (never "0.0/s"), its time and ETA under its state.
row = until("the phase row has its rate and time", lambda: js("const r = document.querySelector('#dbody tr.phase'); return r && r.children[3].textContent && r.children[1].querySelector('div') ? [r.children[3].textContent, r.children[1].querySelector('div').textContent] : null"))
# Format.rate's forms: under one a second per minute or hour; one decimal under 10, none above.
n, per = row[0].rsplit("/", 1)[0].split(" ")[0], row[0].rsplit("/", 1)[1]
if per not in ("s", "min", "h") or (per == "s" and n != "0" and float(n.rstrip("k")) < 1) or ("." in n and not n.endswith("k") and float(n) >= 10): fail("the rate is not the dashboard's: %r" % row)
if not row[1][0].isdigit(): fail("the phase's time is not shown: %r" % row)
print("phase rate and time: " + " | ".join(row), flush=True)
# A phone's width and a wide screen: the card's phase and the phase row's words are shown
# and nothing runs off the side of the page.
for width in (390, 1400):
    call("POST", S + "/goog/cdp/execute", {"cmd": "Emulation.setDeviceMetricsOverride", "params": {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 600}})
    got = until("the page fits %d px" % width, lambda: js("const n = document.querySelector('.job .now'), t = document.querySelector('#dbody table'); return window.innerWidth === arguments[0] && n && t ? [document.documentElement.scrollWidth, n.getBoundingClientRect().right, t.getBoundingClientRect().right, n.textContent] : null", width))
    if max(got[0], got[1], got[2]) > width + 1: fail("at %d px the page runs off the side: %r" % (width, got))
    print("width %d: fits (%s)" % (width, got[3]), flush=True)
call("POST", S + "/goog/cdp/execute", {"cmd": "Emulation.clearDeviceMetricsOverride", "params": {}})

# A job that fails shows why on the overview.
emit({"type": "job.end", "job": "web1", "status": "failed", "error": "load failed: disk full on /data"})
why = until("the failed job says why", lambda: js("const w = document.querySelector('.job .why'); return w && w.textContent"))
print("why: " + why, flush=True)

# A job whose process went with no end is said lost on its card and in its detail, and so is
# its phase that was running (not the running colour, not "running").
gone = subprocess.Popen(["sleep", "0.1"])
emit({"type": "job.start", "job": "web2", "name": "vanishing", "phases": ["load", "index"], "pid": gone.pid},
     {"type": "phase.start", "job": "web2", "phase": "load"},
     {"type": "step", "job": "web2", "phase": "load", "step": "part 1", "state": "running"})
gone.wait()
card = until("the lost job's card says lost", lambda: js("const c = document.querySelector('.job[data-job=web2]'); return c && c.querySelector('.state').textContent === 'lost' ? [...c.querySelectorAll('.strip span')].map(s => s.className + '|' + s.title) : null"), seconds=30)
if card != ["s-lost|load: lost", "s-pending|index: pending"]: fail("the lost job's strip: %r" % card)
detail = until("the lost job's detail says lost", lambda: js("const c = document.querySelector('.job[data-job=web2]'); if (document.getElementById('dname').textContent !== 'vanishing') c.click(); const r = document.querySelector('#dbody tr.phase'); return document.getElementById('dname').textContent === 'vanishing' && r ? [document.querySelector('#dbody p').textContent.split(' ')[0], r.children[1].firstChild.textContent] : null"))
if detail != ["lost", "lost"]: fail("the lost job's detail: %r" % detail)
step = until("the lost job's running step says lost", lambda: js("stepFilter = 'all'; if (!document.getElementById('steps')) document.querySelector('#dbody tr.phase').click(); const r = document.querySelector('#steps tr.step'); return r ? r.children[1].textContent : null"))
if step != "lost": fail("the lost job's running step: %r" % step)
# Its steps are counted lost too, in the phase row and above the steps, not "running".
counts = js("return [document.querySelector('#dbody tr.phase').children[4].textContent, document.getElementById('steps').textContent]")
if "1 lost" not in counts[0] or "running)" in counts[0] or "1 lost," not in counts[1] or "1 running," in counts[1]: fail("the lost job's step counts: %r" % counts)
print("lost: " + " / ".join(card), flush=True)
js("location.hash = ''; return true")

# A job whose process vanishes without an end is lost: its card and its details say so (not
# "running"), as the dashboard's job screen does.
# Its CPU and memory, sampled while it ran, are not shown as its use once it is lost.
victim = subprocess.Popen(["sleep", "600"])
emit({"type": "job.start", "job": "gone1", "name": "vanishing", "phases": ["scan"], "pid": victim.pid})
js("location.hash = 'job=gone1'; return true")
sampled = "[...document.querySelectorAll('#dbody p')].map(p => p.textContent).find(t => t.startsWith('CPU'))"
until("the running job's details show its CPU", lambda: js("const n = document.getElementById('dname'); return n && n.textContent === 'vanishing' && " + sampled), seconds=30)
victim.kill(); victim.wait()
until("the vanished job's card says lost", lambda: js("return [...document.querySelectorAll('.job')].some(d => d.dataset.job === 'gone1' && d.querySelector('.state').textContent === 'lost')"), seconds=30)
facts = until("the vanished job's details say lost", lambda: js("const n = document.getElementById('dname'), p = document.querySelector('#dbody p'); return n && n.textContent === 'vanishing' && p && p.textContent.startsWith('lost') ? [p.textContent, " + sampled + "] : null"))
if not facts[0].startswith("lost · "): fail("the lost job's details do not say lost: %r" % facts)
if not facts[1].startswith("CPU and memory: not sampled since the job went lost"): fail("the lost job's details show a CPU it no longer uses: %r" % facts)
js("location.hash = ''; return true")
print("lost: " + facts[0].split(" · ")[0], flush=True)
print("lost resources: " + facts[1].split(" · ")[0], flush=True)

# Every place for an event stream taken (other tabs, other clients): a new tab still shows the
# jobs and says why it is not live. The places this page does not hold are taken from here.
host, http_port = page.split("//")[1].split("/")[0].split(":")
# The first tab holds its stream once its link reads live (after a reconnect it may not yet).
until("the first tab's link is live", lambda: js("return document.getElementById('link').textContent === 'live'"))
held = []
while len(held) < 32:
    c = socket.create_connection((host, int(http_port)))
    c.sendall(("GET /api/v1/events HTTP/1.1\r\nHost: %s:%s\r\n\r\n" % (host, http_port)).encode())
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = c.recv(4096)
        if not chunk: break
        head += chunk
    if not head.startswith(b"HTTP/1.1 200"): c.close(); break
    held.append(c)
if len(held) != 15: fail("the page holds one stream of 16, so 15 more were expected: %d" % len(held))
tab = call("POST", S + "/window/new", {"type": "tab"})
call("POST", S + "/window", {"handle": tab["handle"]})
call("POST", S + "/url", {"url": page})
said = until("the page says every stream is taken", lambda: js("const l = document.getElementById('link').textContent; return l.includes('event streams') ? l : null"))
until("the page still shows the jobs", lambda: js("return document.querySelector('.job .why') != null"))
print("streams full: " + said, flush=True)
for c in held: c.close()
call("DELETE", S)

"""#
