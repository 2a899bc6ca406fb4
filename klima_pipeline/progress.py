"""A Dagster logger that prints one line per asset, for people watching `klima run`.

A step can build several assets (a SQL layer builds all of its tables), so progress is
counted in assets: a line as each is materialised, with the time since the line before.
Failed steps and failed checks get a line of their own."""

from __future__ import annotations

import logging
import os
import sys
import time
from typing import TextIO

import dagster as dg

_SHOWN_EVENTS = {"STEP_START", "ASSET_MATERIALIZATION", "STEP_FAILURE", "ASSET_CHECK_EVALUATION"}


def check_failure_line(evaluation: dg.AssetCheckEvaluation) -> str:
    """One line a person can act on: which check, on which table, how bad, and the first finding."""
    severity = "blocking" if evaluation.severity == dg.AssetCheckSeverity.ERROR else "warning"
    where = evaluation.asset_key.to_user_string()
    why = f": {evaluation.description}" if evaluation.description else ""
    return f"check {evaluation.check_name} on {where} FAILED ({severity}){why}"


def _terminal_stream() -> TextIO | None:
    """stderr as it is before any run: while a step runs, Dagster's compute-log capture
    points the process's stderr at a file and copies it to the terminal with `tail -F`,
    which it stops when the step ends, so a line written at the end of the step (the
    report's, the last) was sometimes lost. Progress lines go past that capture."""
    try:
        return os.fdopen(os.dup(sys.stderr.fileno()), "w", buffering=1, encoding="utf-8")
    except (AttributeError, OSError, ValueError):  # no file behind stderr (a test's capture)
        return None


# Taken when the module is imported: before Dagster starts a run, let alone a step.
_TERMINAL = _terminal_stream()


class AssetProgressHandler(logging.Handler):
    def __init__(self, total_assets: int | None, stream: TextIO | None = None) -> None:
        super().__init__(level=logging.DEBUG)
        self.total_assets = total_assets
        self.stream = stream or _TERMINAL or sys.stderr
        self.last = time.monotonic()
        self.done = 0

    def emit(self, record: logging.LogRecord) -> None:
        event = getattr(record, "dagster_meta", {}).get("dagster_event")
        if event is None or event.event_type_value not in _SHOWN_EVENTS:
            return
        kind = event.event_type_value
        if kind == "STEP_START":
            self.last = time.monotonic()
        elif kind == "ASSET_CHECK_EVALUATION":
            evaluation = event.event_specific_data
            if not evaluation.passed:
                self._print(f"  {check_failure_line(evaluation)}")
        elif kind == "ASSET_MATERIALIZATION":
            self.done += 1
            self._line(event.asset_key.to_user_string(), "done")
        else:  # a failed step: name the step, since it may build several assets
            self._line(f"step {event.step_key}", "FAILED")

    def _line(self, name: str, outcome: str) -> None:
        now = time.monotonic()
        total = f"/{self.total_assets}" if self.total_assets else ""
        self._print(f"[{self.done}{total}] {name:<42} {outcome} {now - self.last:6.2f} s")
        self.last = now

    def _print(self, line: str) -> None:
        print(line, file=self.stream, flush=True)


@dg.logger(
    config_schema={"total_assets": dg.Field(int, is_required=False)},
    description="One line per materialised asset: for the klima command line.",
)
def progress_logger(init_context: dg.InitLoggerContext) -> logging.Logger:
    logger = logging.getLogger("klima.progress")
    logger.handlers.clear()
    logger.propagate = False
    logger.setLevel(logging.DEBUG)
    logger.addHandler(AssetProgressHandler(init_context.logger_config.get("total_assets")))
    return logger
