"""The Luigi integration (pipetop.luigi) with the real luigi, in this process, against the real
engine binary ($PIPETOP_BIN). Needs luigi: Tests/EndToEndTests/LuigiTests.swift runs this file
with the Python of /tmp/pipetop-ci-venv (where .ci/run installs luigi); without luigi the tests
are skipped, saying so."""
import os
import sys

import pytest

luigi = pytest.importorskip("luigi", reason="luigi is not installed for this Python (.ci/run installs it "
                            "into /tmp/pipetop-ci-venv; LuigiTests.swift runs these tests there)")

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.dirname(__file__))
import pipetop  # noqa: E402
import pipetop.luigi as pl  # noqa: E402
from pipetop.luigi.graph import family_order  # noqa: E402
from test_client import engine, private_spool, state  # noqa: E402,F401 (fixtures)
import luigi_pipeline as wf  # noqa: E402


@pytest.fixture()
def outputs(monkeypatch, tmp_path):
    monkeypatch.setenv("PIPELINE_OUT", str(tmp_path / "out"))
    monkeypatch.delenv("PIPELINE_FAIL", raising=False)
    monkeypatch.delenv("PIPETOP_LUIGI_NAME", raising=False)
    (tmp_path / "out").mkdir()
    return tmp_path / "out"


def job_when(sock, job_id, done_state):
    s = state(sock, lambda s: s and s["jobs"].get(job_id, {}).get("state") == done_state, seconds=10)
    assert s and job_id in s["jobs"], "no job %s in the engine: %s" % (job_id, s)
    return s["jobs"][job_id]


def phases(job):
    return {p["id"]: p for p in job["phases"]}


def steps(phase):
    return {s["id"]: s for s in phase["steps"]["items"]}


def test_step_names_are_the_parameters_or_the_family():
    assert pl.step_name(wf.Fetch(part=3)) == "part=3"
    assert pl.step_name(wf.Source()) == "Source"


def test_families_come_upstream_first():
    deps = {"r": ["c"], "c": ["f1", "f2"], "f2": ["s"]}
    family = {"r": "Report", "c": "Clean", "f1": "Fetch", "f2": "Fetch", "s": "Source"}
    assert family_order(["r"], deps, family) == ["Fetch", "Source", "Clean", "Report"]
    # A cycle or a deep chain neither loops nor recurses.
    chain = {str(i): [str(i + 1)] for i in range(5000)}
    chain["5000"] = ["0"]
    assert family_order(["0"], chain, {"4999": "A", "0": "B"}) == ["A", "B"]


def test_a_failed_task_fails_the_job_and_leaves_its_downstream_undone(engine, outputs, monkeypatch):
    monkeypatch.setenv("PIPELINE_FAIL", "Clean")
    assert not luigi.build([wf.Report(parts=2)], local_scheduler=True, log_level="ERROR")
    job = job_when(engine, "luigi:Report", "failed")
    assert [p["id"] for p in job["phases"]] == ["Fetch", "Clean", "Report"]
    ph = phases(job)
    # Report never ran: work not done, never `skipped` (found done); its phase stays pending.
    assert [(p.get("total"), p["done"], p["failed"], p["skipped"], p["state"]) for p in job["phases"]] == [
        (2, 2, 0, 0, "done"), (1, 0, 1, 0, "failed"), (None, 0, 0, 0, "pending")]
    assert set(steps(ph["Fetch"])) == {"part=1", "part=2"}
    failed = steps(ph["Clean"])["parts=2"]
    assert failed["state"] == "failed"
    assert failed["detail"].startswith("ValueError: 3 rows have no date (first: row 17)\n  at ")
    assert "luigi_pipeline.py" in failed["detail"]
    assert job["error"] == "1 of 4 tasks failed: Clean parts=2"
    assert job["labels"] == {"pipeline": "Report", "tool": "luigi", "root": wf.Report(parts=2).task_id}
    assert any(l["level"] == "error" and "3 rows have no date" in l["message"] for l in job["logs"])


def test_a_successful_run_completes_and_a_run_with_nothing_to_do_reports_nothing(engine, outputs, monkeypatch):
    monkeypatch.setenv("PIPETOP_LUIGI_NAME", "nightly")
    assert luigi.build([wf.Report()], local_scheduler=True, log_level="ERROR")
    job = job_when(engine, "luigi:nightly", "completed")
    assert [(p["id"], p["done"], p["state"]) for p in job["phases"]] == [
        ("Fetch", 1, "done"), ("Clean", 1, "done"), ("Report", 1, "done")]
    assert job["run"] == 1
    assert luigi.build([wf.Report()], local_scheduler=True, log_level="ERROR")  # every output exists
    pipetop.flush()
    assert state(engine)["jobs"]["luigi:nightly"]["run"] == 1


def test_missing_external_data_fails_the_job(engine, outputs):
    luigi.build([wf.Load()], local_scheduler=True, log_level="ERROR")
    job = job_when(engine, "luigi:Load", "failed")
    ph = phases(job)
    source = steps(ph["Source"])["Source"]
    assert source["state"] == "failed"
    assert "its output does not exist" in source["detail"]
    assert (ph["Load"]["skipped"], ph["Load"]["state"]) == (0, "pending")


def test_two_workers_count_every_task_once(engine, outputs, monkeypatch):
    monkeypatch.setenv("PIPELINE_FAIL", "Clean")
    luigi.build([wf.Report(parts=4)], local_scheduler=True, workers=2, log_level="ERROR")
    job = job_when(engine, "luigi:Report", "failed")
    assert [(p["done"], p["failed"], p["skipped"], p["state"]) for p in job["phases"]] == [
        (4, 0, 0, "done"), (0, 1, 0, "failed"), (0, 0, 0, "pending")]
    assert set(steps(phases(job)["Fetch"])) == {"part=1", "part=2", "part=3", "part=4"}
    assert job["error"] == "1 of 6 tasks failed: Clean parts=4"


def test_an_error_in_the_report_never_reaches_luigi(engine, outputs, monkeypatch, capfd):
    def broken(self, r):
        raise RuntimeError("broken on purpose")

    monkeypatch.setattr(pl.RunReport, "_on_start", broken)
    assert luigi.build([wf.Report()], local_scheduler=True, log_level="ERROR")
    assert (outputs / "report.txt").exists()
    err = capfd.readouterr().err
    assert err.count("pipetop: this luigi run is not reported (any further): RuntimeError: broken on purpose") == 1
    assert "Error in event callback" not in err  # luigi never saw it
    pl._broken = False


class UsesTheClient(luigi.Task):
    """A task that reports its own work through the client, as any code may."""

    def output(self):
        return wf.out("own.txt")

    def run(self):
        with pipetop.job("own-count", id="own-count") as job:
            with job.phase("count", total=3) as ph:
                ph.advance(3)
        with self.output().open("w") as f:
            f.write("counted\n")


def test_a_task_in_a_forked_worker_reports_through_its_own_sender(engine, outputs):
    pipetop.flush()  # this process has a sender (and its thread) before luigi forks
    assert luigi.build([UsesTheClient()], local_scheduler=True, workers=2, log_level="ERROR")
    job = job_when(engine, "own-count", "completed")
    assert job["phases"][0]["done"] == 3
    assert job["pid"] != os.getpid(), "the job is the task process's"
