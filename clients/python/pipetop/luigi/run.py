"""One luigi run (a `luigi` command, or one luigi.build()) as one pipetop job: task families
are phases, tasks are steps."""

import os
import threading

import pipetop

from .graph import family_order

#: A failed step's detail keeps at most this many characters of the exception's text.
DETAIL_LIMIT = 2000


def job_id(name):
    """Each run of the same root task is a new run of one job (history, estimates)."""
    ident = "luigi:" + name
    return ident if len(ident.encode("utf-8")) <= 256 else ident[:200]


class Task(object):
    __slots__ = ("family", "step", "state", "text")

    def __init__(self, family, step):
        self.family = family
        self.step = step
        self.state = "todo"   # todo, present (complete before the run), running, done, failed
        self.text = None


class RunReport(object):
    """Everything seen of one run, applied in the run's process (records relayed from task
    processes included), under one lock."""

    def __init__(self, roots, name):
        self.pid = os.getpid()
        self.lock = threading.Lock()
        self.roots = [r["id"] for r in roots]
        self.tasks = {}
        self.deps = {}
        self.counts = {}          # family -> {state: number of its tasks in that state}
        for r in roots:
            self._task(r)
        self.name = name or roots[0]["family"] + (" +%d" % (len(roots) - 1) if len(roots) > 1 else "")
        self.job = None

    def _task(self, r):
        t = self.tasks.get(r["id"])
        if t is None:
            t = self.tasks[r["id"]] = Task(r["family"], r["step"])
            self._counts(t.family)["todo"] += 1
        return t

    def _counts(self, family):
        c = self.counts.get(family)
        if c is None:
            c = self.counts[family] = dict.fromkeys(("todo", "present", "running", "done", "failed"), 0)
        return c

    def _set(self, t, state):
        """Moves a task to `state`, keeping its family's counts (no walk over every task: a run
        may have a hundred thousand)."""
        c = self._counts(t.family)
        c[t.state] -= 1
        c[state] += 1
        t.state = state

    # What luigi said (records made by the handlers in __init__.py)

    def apply(self, r):
        with self.lock:
            getattr(self, "_on_" + r["kind"])(r)

    def _on_discovered(self, r):
        self._task(r)
        self._task(r["dep"])
        self.deps.setdefault(r["id"], []).append(r["dep"]["id"])

    def _on_present(self, r):
        self._set(self._task(r), "present")

    def _on_start(self, r):
        t = self._task(r)
        self._set(t, "running")
        self._start_job()
        phase = self.job.phase(t.family)
        total = self._count(t.family)[2]
        if phase.total is None or phase.total < total:
            phase.set(total=total)  # a task found while the run goes (a dynamic dependency)
        phase.start()
        phase.step(t.step, "running")

    def _on_success(self, r):
        t = self._task(r)
        self._set(t, "done")
        if self.job is None:
            self._start_job()
        phase = self.job.phase(t.family)
        phase.step(t.step, "done")
        self._recount(t.family)

    def _on_failure(self, r):
        t = self._task(r)
        self._set(t, "failed")
        t.text = str(r.get("text") or "failed")[-DETAIL_LIMIT:]
        if self.job is not None:  # else (while luigi schedules) told when the job starts
            self._report_failure(t)

    def _report_failure(self, t):
        phase = self.job.phase(t.family)
        phase.start()
        phase.step(t.step, "failed", t.text)
        self.job.log("%s %s failed: %s" % (t.family, t.step, t.text.splitlines()[0]), level="error", phase=t.family)
        self._recount(t.family)

    # pipetop's job

    def _start_job(self):
        if self.job is not None:
            return
        family = {tid: t.family for tid, t in self.tasks.items() if t.state != "present"}
        phases = family_order(self.roots, self.deps, family)
        phases += sorted(set(family.values()) - set(phases))
        self.job = pipetop.Job(self.name, phases=phases, id=job_id(self.name),
                               labels={"pipeline": self.name, "tool": "luigi", "root": ", ".join(self.roots)[:200]})
        self.job.start()
        for f in phases:
            self.job.phase(f, total=self._count(f)[2])
        for t in list(self.tasks.values()):
            if t.state == "failed":  # found while luigi scheduled (missing data, a broken task)
                self._report_failure(t)

    def _count(self, family):
        """(done, failed, total) of a family's tasks that are part of the run."""
        c = self._counts(family)
        return c["done"], c["failed"], sum(c.values()) - c["present"]

    def _recount(self, family):
        done, failed, total = self._count(family)
        phase = self.job.phase(family)
        phase.set(done=done)
        if failed:
            self.job._sender.send({"type": "progress", "job": self.job.id, "phase": family, "failed": failed})
        if done + failed >= total:
            if failed:
                steps = [t.step for t in self.tasks.values() if t.family == family and t.state == "failed"]
                phase.end("failed", "%d of %d tasks failed: %s" % (failed, total, "; ".join(steps[:5])))
            else:
                phase.end("done")

    def finish(self, outcome, error=None):
        """The run's end. `outcome` is luigi's verdict: None (it succeeded), "failed" (with
        luigi's words in `error`), or "canceled"; the tasks seen decide first. Tasks that never
        ran stay work left, not `skipped` (work found done): their family's phase stays pending,
        or ends failed with the job if some of its tasks had started."""
        with self.lock:
            failed = [t for t in self.tasks.values() if t.state == "failed"]
            running = [t for t in self.tasks.values() if t.state == "running"]
            todo = [t for t in self.tasks.values() if t.state == "todo"]
            if self.job is None and outcome is None and not failed:
                return  # nothing to run: every task was complete already
            self._start_job()
            planned = len([t for t in self.tasks.values() if t.state != "present"])
            if outcome == "canceled":
                status = "canceled"
            elif failed:
                status = "failed"
                error = "%d of %d tasks failed: %s" % (len(failed), planned,
                                                       "; ".join("%s %s" % (t.family, t.step) for t in failed[:5]))
            elif outcome is not None or running or todo:
                status = "failed"
                error = error or "luigi ended with %d of %d tasks not run" % (len(running) + len(todo), planned)
            else:
                status, error = "completed", None
            self.job.end(status, error)
