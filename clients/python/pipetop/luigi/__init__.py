"""Luigi runs reported to pipetop, with no change to the tasks (tested with luigi 3.8.1).

    python -m pipetop.luigi --module mytasks Report --local-scheduler     # as `luigi ...`
    pipetop-luigi --module mytasks Report --local-scheduler              # the same, installed

Importing this module (or importing pipetop in a process that has imported luigi) installs
luigi event handlers (luigi.Task.event_handler) and wraps the function every luigi run goes
through (luigi.interface._schedule_and_run: the `luigi` command, luigi.run(), luigi.build()), so
that each run is one job: task families are phases in dependency order, tasks are steps, a
failed task is a failed step with its exception's text, and the job fails when a task failed
or the run could not be completed, although `luigi` exits 0 then unless told otherwise.

It never hurts the run: handlers catch their own errors (said once on stderr, then the run is
no longer reported), nothing waits for an engine (the client's buffer and spool), and task
processes forked by `--workers N` hand their events to the run's process through a pipe
(relay.py) instead of talking to the engine.
"""

import os
import sys
import traceback

import luigi
import luigi.interface
import luigi.worker

from .config import pipetop as _settings
from .relay import Relay
from .run import RunReport

__all__ = ["main", "step_name"]

#: The run going in this process, and the pipe its forked task processes write to.
_report = None
_relay = None
_broken = False
#: task id -> step name, worked out once a task: luigi's to_str_params is slow (about 0.2 ms).
_step_names = {}


def step_name(task):
    """A task's step: its significant public parameters (`date=2026-12-01, shard=3`), else its
    family (a task without parameters is the only one of its family)."""
    params = task.to_str_params(only_significant=True, only_public=True)
    name = ", ".join("%s=%s" % kv for kv in params.items()) or task.task_family
    return name if len(name) <= 200 else name[:199] + "…"


def _record(kind, task, text=None):
    step = _step_names.get(task.task_id)
    if step is None:
        step = _step_names[task.task_id] = step_name(task)
    r = {"kind": kind, "id": task.task_id, "family": task.task_family, "step": step}
    if text is not None:
        r["text"] = text
    return r


def _deliver(record):
    report = _report
    if report is None:
        return
    if os.getpid() == report.pid:
        _apply(report, record)
    elif _relay is not None:
        _relay.send(record)  # a task process luigi forked: the run's process reports it


def _apply(report, record):
    try:
        report.apply(record)
    except Exception as e:
        _give_up(e)


def _give_up(e):
    """Reporting failed: say it once, report no more; the run goes on."""
    global _broken, _report
    if not _broken:
        _broken = True
        sys.stderr.write("pipetop: this luigi run is not reported (any further): %s: %s\n" % (type(e).__name__, e))
        sys.stderr.flush()
    _report = None


def _handler(event):
    def register(fn):
        def handler(task, *args):
            if _report is None:
                return
            try:
                fn(task, *args)
            except Exception as e:
                _give_up(e)
        luigi.Task.event_handler(event)(handler)
        return fn
    return register


def _exception_text(ex):
    """`ValueError: 3 rows have no date`, then where it was raised in the task's own code (the
    last frames outside luigi)."""
    text = "".join(traceback.format_exception_only(type(ex), ex)).strip()
    luigi_dir = os.path.dirname(luigi.__file__) + os.sep
    frames = [f for f in traceback.extract_tb(ex.__traceback__) if not f.filename.startswith(luigi_dir)]
    where = ["  at %s:%d in %s%s" % (f.filename, f.lineno, f.name, ": " + f.line.strip() if f.line else "")
             for f in frames[-2:]]
    return "\n".join([text] + where)


@_handler(luigi.Event.DEPENDENCY_DISCOVERED)
def _discovered(task, dep):
    r = _record("discovered", task)
    r["dep"] = _record("discovered", dep)
    _deliver(r)


@_handler(luigi.Event.DEPENDENCY_PRESENT)
def _present(task):
    _deliver(_record("present", task))


@_handler(luigi.Event.DEPENDENCY_MISSING)
def _missing(task):
    if luigi.worker._is_external(task):
        why = "its output does not exist (an external task: luigi does not make it)"
    else:
        why = "its complete() raised an error (see luigi's output)"
    _deliver(_record("failure", task, why))


@_handler(luigi.Event.BROKEN_TASK)
def _broken_task(task, ex):
    _deliver(_record("failure", task, "luigi could not schedule it: " + _exception_text(ex)))


@_handler(luigi.Event.START)
def _start(task):
    _deliver(_record("start", task))


@_handler(luigi.Event.SUCCESS)
def _success(task):
    _deliver(_record("success", task))


@_handler(luigi.Event.FAILURE)
def _failure(task, ex):
    _deliver(_record("failure", task, _exception_text(ex)))


@_handler(luigi.Event.PROCESS_FAILURE)
def _process_failure(task, message):
    _deliver(_record("failure", task, str(message)))


@_handler(luigi.Event.TIMEOUT)
def _timeout(task, message):
    _deliver(_record("failure", task, str(message)))


def _begin(tasks):
    global _report, _relay
    if _report is not None or _broken or not tasks:
        return None  # a run inside a task of a reported run is part of that run
    _step_names.clear()
    name = os.environ.get("PIPETOP_LUIGI_NAME") or _settings().name
    roots = [_record("root", t) for t in tasks]
    report = RunReport(roots, name)
    _relay = Relay(lambda record: _apply(report, record))
    _report = report
    return report


def _end(report, result, exc):
    global _report, _relay
    relay, _relay = _relay, None
    if relay is not None:
        relay.close()
    if _report is not report:
        return  # reporting gave up meanwhile
    _report = None
    if isinstance(exc, luigi.interface.PidLockAlreadyTakenExit):
        return  # another luigi process runs this command, and reports it
    if isinstance(exc, KeyboardInterrupt):
        report.finish("canceled", "luigi was interrupted")
    elif exc is not None:
        report.finish("failed", "luigi stopped: %s" % "".join(traceback.format_exception_only(type(exc), exc)).strip())
    else:
        status = getattr(result, "status", None)
        if status is None or status.name in ("SUCCESS", "SUCCESS_WITH_RETRY"):
            report.finish(None)
        else:
            report.finish("failed", "luigi says %s" % status.value[1])


def _wrap(original):
    def _schedule_and_run(tasks, *args, **kwargs):
        try:
            report = _begin(tasks)
        except Exception as e:
            _give_up(e)
            report = None
        try:
            result = original(tasks, *args, **kwargs)
        except BaseException as e:
            if report is not None:
                try:
                    _end(report, None, e)
                except Exception as err:
                    _give_up(err)
            raise
        if report is not None:
            try:
                _end(report, result, None)
            except Exception as e:
                _give_up(e)
        return result
    _schedule_and_run.pipetop_original = original
    return _schedule_and_run


if not hasattr(luigi.interface._schedule_and_run, "pipetop_original"):
    luigi.interface._schedule_and_run = _wrap(luigi.interface._schedule_and_run)


def main(argv=None):
    """luigi's command line (the same arguments, exit status and output), its runs reported."""
    from luigi.cmdline import luigi_run

    luigi_run(sys.argv[1:] if argv is None else argv)
