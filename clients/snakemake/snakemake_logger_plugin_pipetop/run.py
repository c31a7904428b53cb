"""One Snakemake run as one pipetop job: rules are phases, Snakemake's jobs are steps."""

import os

try:
    import pipetop
except ImportError as e:  # said once by the handler; the run goes on
    raise ImportError("the pipetop Python client cannot be imported (%s); install it with "
                      "pip install ./clients/python from pipetop's repository" % e) from None

from .rulegraph import rule_order
from .logtail import last_lines

#: What Snakemake says when it stops on Ctrl-C (SIGINT) or SIGTERM (scheduler texts).
CANCEL_MARKS = ("on user request", "Will exit after finishing currently running jobs")


def job_id(workdir):
    """The job's id: the workflow directory, so the follower reports into the same job."""
    ident = "snakemake:" + workdir
    return ident if len(ident.encode("utf-8")) <= 256 else "snakemake:…" + workdir[-200:]


def step_name(wildcards, jobid):
    if wildcards:
        return ", ".join("%s=%s" % (k, v) for k, v in wildcards.items())
    return "job %s" % jobid


class RunReport(object):
    def __init__(self, name=None):
        self.name = name
        self.workdir = os.getcwd()
        self.graph_order = []
        self.totals = {}
        self.job = None
        self.started = False      # workflow_started seen
        self.jobs = {}            # Snakemake jobid -> (rule, step, log files)
        self.finished = set()
        self.failed = {}          # jobid -> (rule, step)
        self.counts = {}          # rule -> [done, failed]
        self.errors = []          # texts of `error` events
        self.canceled = False
        self.total = None
        self.done = 0

    # Snakemake's records

    def record(self, r):
        event = str(getattr(r, "event", "") or "")
        handler = getattr(self, "_on_" + event, None) if event else None
        if handler is not None:
            handler(r)
        elif any(mark in str(r.msg) for mark in CANCEL_MARKS):
            self.canceled = True

    def _on_workflow_started(self, r):
        self.started = True
        self.workdir = str(getattr(r, "rundir", None) or getattr(r, "cwd", None) or self.workdir)

    def _on_rulegraph(self, r):
        self.graph_order = rule_order(getattr(r, "rulegraph", None) or {})

    def _on_run_info(self, r):
        stats = dict(getattr(r, "stats", None) or {})
        self.total = int(stats.pop("total", sum(stats.values())))
        self.totals = {str(k): int(v) for k, v in stats.items() if int(v) > 0}
        if self.job is None:
            self._start()

    def _on_job_info(self, r):
        rule = str(r.rule_name)
        jobid = r.jobid
        step = step_name(getattr(r, "wildcards", None) or {}, jobid)
        self.jobs[jobid] = (rule, step, list(getattr(r, "log", None) or []))
        if self.job is None:
            self._start()
        phase = self.job.phase(rule, total=self.totals.get(rule))
        phase.start()
        phase.step(step, "running")

    def _on_job_finished(self, r):
        jobid = getattr(r, "job_id", None)
        known = self.jobs.get(jobid)
        if known is None or jobid in self.finished or self.job is None:
            return
        self.finished.add(jobid)
        rule, step, _ = known
        phase = self.job.phase(rule)
        phase.step(step, "done")
        phase.advance()
        self._count(rule)[0] += 1
        self._maybe_end(rule)

    def _on_job_error(self, r):
        jobid = getattr(r, "jobid", None)
        rule = str(getattr(r, "rule_name", "") or "")
        known = self.jobs.get(jobid) or (rule, "job %s" % jobid, list(getattr(r, "log", None) or []))
        rule, step, logs = known
        if jobid in self.failed or self.job is None:
            return
        self.failed[jobid] = (rule, step)
        lines = []
        for path in logs or list(getattr(r, "log", None) or []):
            lines += last_lines(path)
        if not lines and self.errors:
            lines = [self.errors[-1].strip().splitlines()[-1]]
        phase = self.job.phase(rule)
        phase.start()
        phase.step(step, "failed", "\n".join(lines) or "failed")
        self._count(rule)[1] += 1
        self.job._sender.send({"type": "progress", "job": self.job.id, "phase": rule,
                               "failed": self._count(rule)[1]})
        where = (" (log %s)" % ", ".join(logs)) if logs else ""
        self.job.log("%s %s failed%s%s" % (rule, step, where, ":\n" + "\n".join(lines) if lines else ""),
                     level="error", phase=rule)
        self._maybe_end(rule)

    def _on_error(self, r):
        text = str(getattr(r, "msg", "") or "")
        self.errors.append(text)
        if any(mark in text for mark in CANCEL_MARKS) or getattr(r, "exception", "") == "KeyboardInterrupt":
            self.canceled = True

    def _on_progress(self, r):
        self.done = int(getattr(r, "done", self.done) or 0)
        self.total = int(getattr(r, "total", self.total) or 0) or self.total

    # pipetop's job

    def _start(self):
        rules = [rule for rule in self.graph_order if rule in self.totals]
        rules += [rule for rule in self.totals if rule not in rules]
        name = self.name or os.path.basename(self.workdir.rstrip("/")) or "snakemake"
        self.job = pipetop.Job(name, phases=rules, id=job_id(self.workdir),
                               labels={"pipeline": name, "tool": "snakemake", "workdir": self.workdir})
        self.job.start()
        for rule in rules:
            # Totals now, so the job's progress counts every rule from the start.
            self.job.phase(rule, total=self.totals[rule])

    def _count(self, rule):
        return self.counts.setdefault(rule, [0, 0])

    def _maybe_end(self, rule):
        total = self.totals.get(rule)
        done, failed = self._count(rule)
        if total is None or done + failed < total:
            return
        phase = self.job.phase(rule)
        if failed:
            steps = [s for (ru, s) in self.failed.values() if ru == rule]
            phase.end("failed", "%d of %d jobs failed: %s" % (failed, total, "; ".join(steps[:5])))
        else:
            phase.end("done")

    def finish(self):
        """The run's end (Snakemake has no event for it): how it ended follows from what was seen.
        Jobs that never ran stay work left, not `skipped` (work found done): their rule's phase
        stays pending, or ends failed with the job if some of its jobs had started."""
        if self.job is None:
            if not (self.started and self.errors):
                return  # nothing to be done, or no run at all
            self._start()
        if self.canceled:
            status, error = "canceled", "Snakemake was stopped (interrupted)"
        elif self.failed:
            steps = ["%s %s" % pair for pair in self.failed.values()]
            status = "failed"
            error = "%d of %d jobs failed: %s" % (len(steps), self.total or len(self.jobs), "; ".join(steps[:5]))
        elif self.errors:
            status, error = "failed", self.errors[-1].strip().replace("\n", " ")
        elif self.total is not None and self.done < self.total:
            status, error = "failed", "Snakemake stopped after %d of %d jobs" % (self.done, self.total)
        else:
            status, error = "completed", None
        self.job.end(status, error)
