"""Snakemake logger plugin: shows a Snakemake run in pipetop (top for pipelines).

    snakemake --logger pipetop            # or `logger: [pipetop]` in a profile

Snakemake finds it by its module name (snakemake_logger_plugin_*); no entry point. Importing
this module must never fail, or every `snakemake` command would: the pipetop client is
imported only when a run starts.
"""

import os
import sys
from dataclasses import dataclass, field
from typing import Optional

from snakemake_interface_logger_plugins.base import LogHandlerBase
from snakemake_interface_logger_plugins.settings import LogHandlerSettingsBase

__version__ = "0.1.0"


@dataclass
class LogHandlerSettings(LogHandlerSettingsBase):
    socket: Optional[str] = field(
        default=None,
        metadata={
            "help": "The pipetop engine's socket (default: $PIPETOP_SOCKET, else pipetop's own default).",
            "env_var": True,
            "required": False,
        },
    )
    name: Optional[str] = field(
        default=None,
        metadata={
            "help": "The job's name in pipetop (default: the workflow's directory name).",
            "env_var": True,
            "required": False,
        },
    )


class LogHandler(LogHandlerBase):
    """Turns Snakemake's log events into pipetop events. `emit` runs on Snakemake's one
    QueueListener thread; `close` at the end of the run. logging.Handler already holds
    `self.lock` around emit: never assign `self.lock` (Snakemake deadlocks at exit)."""

    def __post_init__(self) -> None:
        self._report = None
        self._said = False
        # A dry run runs nothing: report nothing.
        self._off = bool(getattr(self.common_settings, "dryrun", False))
        if self._off:
            return
        try:
            socket = getattr(self.settings, "socket", None) if self.settings else None
            if socket:
                # The client reads it; rule jobs that use the client report to the same engine.
                os.environ["PIPETOP_SOCKET"] = socket
            from .run import RunReport

            name = getattr(self.settings, "name", None) if self.settings else None
            self._report = RunReport(name=name)
        except Exception as e:  # never let reporting break the run
            self._fail(e)

    def emit(self, record) -> None:
        if self._off or self._report is None:
            return
        try:
            self._report.record(record)
        except Exception as e:
            self._fail(e)

    def close(self) -> None:
        try:
            if not self._off and self._report is not None:
                self._report.finish()
        except Exception as e:
            self._fail(e)
        finally:
            self._report = None
            super().close()

    def _fail(self, error) -> None:
        """Says once on stderr that reporting stopped; the run goes on untouched."""
        self._off = True
        if not self._said:
            self._said = True
            try:
                sys.stderr.write("pipetop: this Snakemake run is not reported (any further): %s\n" % error)
                sys.stderr.flush()
            except Exception:
                pass

    @property
    def writes_to_stream(self) -> bool:
        return False

    @property
    def writes_to_file(self) -> bool:
        return False

    @property
    def has_filter(self) -> bool:
        # Our own (none): every event reaches emit, whatever --quiet says.
        return True

    @property
    def has_formatter(self) -> bool:
        return True

    @property
    def needs_rulegraph(self) -> bool:
        return True
