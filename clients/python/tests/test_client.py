"""The Python client against the real engine binary ($PIPETOP_BIN)."""
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import pipetop  # noqa: E402

BIN = os.environ.get("PIPETOP_BIN", os.path.join(os.path.dirname(__file__), "../../../.build/debug/pipetop"))


@pytest.fixture(autouse=True)
def private_spool(monkeypatch, tmp_path):
    """Every test gets its own spool: none touches the user's."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))


@pytest.fixture()
def engine(monkeypatch):
    d = tempfile.mkdtemp(prefix="pt-py-", dir="/tmp")
    sock = os.path.join(d, "e.sock")
    env = dict(os.environ, PIPETOP_DB=":memory:")
    p = subprocess.Popen([BIN, "daemon", "--socket", sock, "--sample-interval", "0"], env=env,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(200):
        if os.path.exists(sock):
            break
        time.sleep(0.05)
    monkeypatch.setenv("PIPETOP_SOCKET", sock)
    monkeypatch.delenv("PIPETOP_JOB", raising=False)
    yield sock
    p.terminate()
    p.wait()
    shutil.rmtree(d, ignore_errors=True)


def state(sock, until=lambda s: True, seconds=5.0):
    """The engine's state, as the CLI reads it (asked again until `until` holds)."""
    deadline = time.time() + seconds
    last = None
    while time.time() < deadline:
        s = socket.socket(socket.AF_UNIX)
        try:
            s.connect(sock)
        except OSError:  # not up yet
            s.close()
            time.sleep(0.05)
            continue
        s.sendall(b'{"type":"state"}\n')
        f = s.makefile("r")
        for line in f:
            m = json.loads(line)
            if m["type"] == "state":
                last = m["state"]
                break
        s.close()
        if until(last):
            return last
        time.sleep(0.05)
    return last


def test_a_job_with_phases_steps_and_its_records(engine):
    with pipetop.job("import", phases=["fetch", "load"], id="imp") as job:
        with job.phase("fetch", total=100) as ph:
            for i in range(100):
                ph.advance()
            ph.step("page 3", detail="400 rows")
        job.checkpoint("fetched", data={"page": 3})
        job.metric("rows_rejected", 7)
        job.log("fetch finished", level="warn")
        with job.phase("load", total=10) as ld:
            ld.advance(10)
    s = state(engine, lambda s: s and s["jobs"].get("imp", {}).get("state") == "completed")
    j = s["jobs"]["imp"]
    assert j["state"] == "completed"
    phases = {p["id"]: p for p in j["phases"]}
    assert phases["fetch"]["done"] == 100 and phases["fetch"]["state"] == "done"
    assert phases["load"]["done"] == 10
    assert [st["id"] for st in phases["fetch"]["steps"]["items"]] == ["page 3"]
    assert j["checkpoints"][0]["name"] == "fetched"
    assert j["metrics"][0]["name"] == "rows_rejected" and j["metrics"][0]["value"] == 7
    assert any(l["message"] == "fetch finished" and l["level"] == "warn" for l in j["logs"])


def test_step_takes_the_states_a_producer_may_send(engine):
    # "canceled" is the engine's word (a canceled job's running steps): refused at the call,
    # not sent for the engine to refuse unseen.
    with pipetop.job("steps", phases=["fetch"], id="steps") as job:
        with job.phase("fetch") as ph:
            for st in ("canceled", "cancelled", "ok", None):
                with pytest.raises(ValueError, match="one of running, done, failed"):
                    ph.step("page 1", st)
            ph.step("page 1")
            ph.step("page 2", "failed", detail="timeout")
            ph.step("page 1", "done")
    s = state(engine, lambda s: s and s["jobs"].get("steps", {}).get("state") == "completed")
    items = s["jobs"]["steps"]["phases"][0]["steps"]["items"]
    assert [(st["id"], st["state"]) for st in items] == [("page 1", "done"), ("page 2", "failed")]


def test_a_phase_ends_with_a_status_a_producer_may_send(engine):
    with pipetop.job("ends", phases=["fetch"], id="ends") as job:
        ph = job.phase("fetch")
        ph.start()
        for st in ("canceled", "running", "ok"):
            with pytest.raises(ValueError, match="done, failed or skipped"):
                ph.end(st)
        ph.end("skipped")
    s = state(engine, lambda s: s and s["jobs"].get("ends", {}).get("state") == "completed")
    assert s["jobs"]["ends"]["phases"][0]["state"] == "skipped"


def test_canceling_a_job_cancels_its_running_phase_not_fails_it(engine):
    # The engine ends it canceled at the job's end (no error, no red), with its counts.
    job = pipetop.job("import", phases=["fetch", "load"], id="cancel").start()
    ph = job.phase("fetch", total=10)
    ph.start()
    ph.advance(4)
    ph.step("page 5")
    job.end("canceled", "interrupted")
    s = state(engine, lambda s: s and s["jobs"].get("cancel", {}).get("state") == "canceled")
    phases = {p["id"]: p for p in s["jobs"]["cancel"]["phases"]}
    assert phases["fetch"]["state"] == "canceled" and phases["fetch"].get("error") is None
    assert phases["fetch"]["done"] == 4
    assert phases["fetch"]["steps"]["items"][0]["state"] == "canceled"
    assert phases["load"]["state"] == "pending"


def test_an_exception_fails_the_phase_and_the_job(engine):
    with pytest.raises(ValueError):
        with pipetop.job("etl", id="etl") as job:
            with job.phase("parse", total=5) as ph:
                ph.advance(2)
                raise ValueError("bad row 3")
    s = state(engine, lambda s: s and s["jobs"].get("etl", {}).get("state") == "failed")
    j = s["jobs"]["etl"]
    assert j["state"] == "failed" and "bad row 3" in j["error"]
    p = j["phases"][0]
    assert p["state"] == "failed" and "bad row 3" in p["error"] and p["done"] == 2


def test_progress_is_coalesced(engine):
    # Two million advances reach the engine as a count, not as two million lines. What a call
    # costs is a benchmark's figure (pipetop-bench clients), not a test's.
    n = 2000000
    with pipetop.job("tight", id="tight") as job:
        with job.phase("loop", total=n) as ph:
            for _ in range(n):
                ph.advance()
    s = state(engine, lambda s: s and s["jobs"].get("tight", {}).get("state") == "completed")
    assert s["jobs"]["tight"]["phases"][0]["done"] == n



def test_no_engine_no_exception_no_wait(monkeypatch, tmp_path):
    monkeypatch.setenv("PIPETOP_SOCKET", str(tmp_path / "nobody.sock"))
    t = time.time()
    with pipetop.job("alone") as job:
        with job.phase("p", total=3) as ph:
            ph.advance(3)
        job.log("hello")
    assert time.time() - t < 1.5


def test_an_engine_that_comes_later_gets_the_job(tmp_path, monkeypatch):
    sock = str(tmp_path / "late.sock")
    monkeypatch.setenv("PIPETOP_SOCKET", sock)
    job = pipetop.job("late", id="late").start()
    ph = job.phase("p", total=10).start()
    ph.advance(4)
    env = dict(os.environ, PIPETOP_DB=":memory:")
    p = subprocess.Popen([BIN, "daemon", "--socket", sock, "--sample-interval", "0"], env=env,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        def phase_done(s):
            phases = (s or {}).get("jobs", {}).get("late", {}).get("phases") or [{}]
            return phases[0].get("done")
        s = state(sock, lambda s: phase_done(s) == 4, seconds=20)
        assert phase_done(s) == 4, s
        job.end()
    finally:
        p.terminate()
        p.wait()


def test_tqdm_drop_in_reports_each_item(engine):
    with pipetop.job("t", id="tq") as job:
        seen = [x for x in pipetop.tqdm(range(50), phase="rows", job=job)]
    assert seen == list(range(50))
    s = state(engine, lambda s: s and s["jobs"].get("tq", {}).get("state") == "completed")
    p = s["jobs"]["tq"]["phases"][0]
    assert p["id"] == "rows" and p["done"] == 50 and p["total"] == 50


def test_under_pipetop_run_it_reports_into_that_job(engine, monkeypatch):
    monkeypatch.setenv("PIPETOP_JOB", "outer")
    with pipetop.job("inner") as job:
        assert job.id == "outer"
        with job.phase("work", total=2) as ph:
            ph.advance(2)
    s = state(engine, lambda s: s and "outer" in s["jobs"])
    assert s["jobs"]["outer"]["state"] == "running"  # its end is left to `pipetop run`


def test_with_no_engine_the_job_is_spooled_and_the_next_engine_gets_it(tmp_path, monkeypatch):
    sock = str(tmp_path / "later.sock")
    monkeypatch.setenv("PIPETOP_SOCKET", sock)
    with pipetop.job("spooled", id="spooled", phases=["fetch", "load"]) as job:
        with job.phase("fetch", total=2) as ph:
            ph.advance(2)
            time.sleep(0.6)
        with job.phase("load", total=1) as ph:
            ph.advance()
            time.sleep(0.2)
    root, directory = pipetop.spool_dir(sock)
    spooled = os.path.join(directory, "spool.ndjson")
    assert os.stat(directory).st_mode & 0o777 == 0o700
    assert os.stat(root).st_mode & 0o777 == 0o700
    assert os.stat(spooled).st_mode & 0o777 == 0o600
    lines = [json.loads(l) for l in open(spooled)]
    assert all("ts" in m for m in lines)
    assert lines[-1]["type"] == "job.end"
    env = dict(os.environ, PIPETOP_DB=":memory:")
    p = subprocess.Popen([BIN, "daemon", "--socket", sock, "--sample-interval", "0"], env=env,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        s = state(sock, lambda s: (s or {}).get("jobs", {}).get("spooled", {}).get("state") == "completed", seconds=20)
        j = s["jobs"]["spooled"]
        assert j["state"] == "completed", j
        # The durations are the ones the job had, from each event's own time.
        phases = {p["id"]: p for p in j["phases"]}
        fetch = phases["fetch"]["endedAt"] - phases["fetch"]["startedAt"]
        load = phases["load"]["endedAt"] - phases["load"]["startedAt"]
        assert fetch >= 0.55, phases
        assert load >= 0.15, phases
        assert not os.path.exists(spooled)
    finally:
        p.terminate()
        p.wait()


def stale_socket(path):
    """What an engine killed with SIGKILL leaves: a socket file nobody listens on."""
    s = socket.socket(socket.AF_UNIX)
    s.bind(path)
    s.close()


@pytest.mark.parametrize("leftover", ["stale socket", "regular file"])
def test_with_a_stale_socket_file_jobs_end_at_once_and_the_next_engine_gets_them(tmp_path, monkeypatch, leftover):
    sock = str(tmp_path / "stale.sock")
    if leftover == "stale socket":
        stale_socket(sock)
    else:
        open(sock, "w").close()
    monkeypatch.setenv("PIPETOP_SOCKET", sock)
    monkeypatch.delenv("PIPETOP_JOB", raising=False)
    t = time.monotonic()
    for i in range(5):
        with pipetop.job("stale %d" % i, id="stale-%d" % i, phases=["p"]) as job:
            with job.phase("p", total=2) as ph:
                ph.advance(2)
    took = time.monotonic() - t
    # Nobody listens: each end spools at once (it waited 1 s each for a connection that
    # could not come).
    assert took < 0.5, "5 jobs took %.2f s with a %s at the socket path" % (took, leftover)
    _, directory = pipetop.spool_dir(sock)
    spooled = [json.loads(l) for l in open(os.path.join(directory, "spool.ndjson"))]
    ends = [m["job"] for m in spooled if m["type"] == "job.end"]
    assert ends == ["stale-%d" % i for i in range(5)], spooled
    if leftover == "regular file":
        os.unlink(sock)  # an engine replaces a stale socket on its own, not somebody's file
    env = dict(os.environ, PIPETOP_DB=":memory:")
    p = subprocess.Popen([BIN, "daemon", "--socket", sock, "--sample-interval", "0"], env=env,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        def all_completed(s):
            jobs = (s or {}).get("jobs", {})
            return all(jobs.get("stale-%d" % i, {}).get("state") == "completed" for i in range(5))
        s = state(sock, all_completed, seconds=20)
        assert all_completed(s), s
        assert s["jobs"]["stale-4"]["phases"][0]["done"] == 2
    finally:
        p.terminate()
        p.wait()


def test_failed_and_skipped_counts_update_alert_state_and_resume(engine):
    assert pipetop.resume("cryo") is None  # nothing known yet
    with pipetop.job("import", id="cryo", labels={"team": "cryo"}) as job:
        with job.phase("chembl", total=10) as ph:
            ph.advance(5)
            ph.advance(0, failed=1)
            ph.advance(skipped=1, n=0)
            # CryoProtect's tracker.update, as its users wrote it.
            ph.update(increment=1, success=1, error=0)
            ph.update(increment=1, success=0, error=1, error_category="NETWORK")
        job.checkpoint("batch_complete", {"batch_id": 7})
        job.metric("items_per_second", 0.4)
        job.alert("schema drift in orders.csv", severity="critical", name="drift", labels={"owner": "ana"},
                  context={"file": "orders.csv", "column": "total"})
        job.state("paused")
        job.state("running")
        # Asked on the client's own connection, after what it sent: the checkpoint is in it.
        assert pipetop.resume("cryo") == {"batch_id": 7}
    assert pipetop.resume("cryo", full=True)["checkpoint"]["name"] == "batch_complete"
    s = state(engine, lambda s: s and s["jobs"].get("cryo", {}).get("state") == "completed")
    j = s["jobs"]["cryo"]
    p = j["phases"][0]
    assert (p["done"], p["failed"], p["skipped"]) == (6, 2, 1), p
    assert any(l.get("category") == "NETWORK" and l["level"] == "warn" for l in j["logs"]), j["logs"]
    assert j["metrics"][0]["name"] == "items_per_second"
    assert j.get("pause"), "job.state paused never reached the engine"
    alerts = [a for a in s["alerts"]["all"] if a["job"] == "cryo" and a["kind"] == "event:drift"]
    assert alerts and alerts[0]["severity"] == "critical", s["alerts"]
    assert alerts[0]["labels"]["owner"] == "ana" and alerts[0]["context"]["column"] == "total"


def test_resume_without_an_engine_is_none(monkeypatch, tmp_path):
    monkeypatch.setenv("PIPETOP_SOCKET", str(tmp_path / "nobody.sock"))
    assert pipetop.resume("anything") is None


def test_a_loop_stopped_by_an_exception_fails_its_phase_with_the_exception_text(engine):
    with pytest.raises(KeyError):
        with pipetop.job("t", id="tq-fail") as job:
            for x in pipetop.tqdm(range(10), phase="rows", job=job):
                if x == 3:
                    raise KeyError("row 3")
    s = state(engine, lambda s: s and s["jobs"].get("tq-fail", {}).get("state") == "failed")
    p = s["jobs"]["tq-fail"]["phases"][0]
    assert p["state"] == "failed" and p["error"] == "KeyError: 'row 3'", p


def test_a_loop_left_by_break_ends_its_phase_with_the_job(engine):
    with pipetop.job("t", id="tq-break") as job:
        for x in pipetop.tqdm(range(10), phase="rows", job=job):
            if x == 3:
                break
    s = state(engine, lambda s: s and s["jobs"].get("tq-break", {}).get("state") == "completed")
    p = s["jobs"]["tq-break"]["phases"][0]
    assert p["state"] == "done" and p["done"] == 3 and not p.get("error"), p


def test_artifacts_and_warnings_reach_the_job(engine, tmp_path):
    out = tmp_path / "orders.parquet"
    out.write_bytes(b"x" * 1234)
    with pipetop.job("export", id="exp") as job:
        job.log("retrying page 3", level="warn", category="http")
        job.artifact("orders.parquet", path=str(out), phase=None)
        job.artifact("QC report", url="https://example.com/qc.html")
    s = state(engine, lambda s: s and s["jobs"].get("exp", {}).get("state") == "completed")
    j = s["jobs"]["exp"]
    assert [(a["name"], a.get("size"), a.get("location")) for a in j["artifacts"]] == [
        ("orders.parquet", 1234, str(out)), ("QC report", None, "https://example.com/qc.html")], j["artifacts"]
    assert j["tally"]["warnings"] == 1 and j["tally"]["categories"] == {"http": 1}
