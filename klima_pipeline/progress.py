"""A Dagster logger that prints one line per step, for people watching `klima run`."""

from __future__ import annotations

import logging
import sys
import time

import dagster as dg

_SHOWN_EVENTS = {"STEP_START", "STEP_SUCCESS", "STEP_FAILURE", "ASSET_CHECK_EVALUATION"}


def check_failure_line(evaluation: dg.AssetCheckEvaluation) -> str:
    """One line a person can act on: which check, on which table, how bad, and the first finding."""
    severity = "blocking" if evaluation.severity == dg.AssetCheckSeverity.ERROR else "warning"
    where = evaluation.asset_key.to_user_string()
    why = f": {evaluation.description}" if evaluation.description else ""
    return f"check {evaluation.check_name} on {where} FAILED ({severity}){why}"


class StepProgressHandler(logging.Handler):
    def __init__(self, total_steps: int | None, stream=None) -> None:
        super().__init__(level=logging.DEBUG)
        self.total_steps = total_steps
        self.stream = stream or sys.stderr
        self.started: dict[str, float] = {}
        self.finished = 0

    def emit(self, record: logging.LogRecord) -> None:
        event = getattr(record, "dagster_meta", {}).get("dagster_event")
        if event is None or event.event_type_value not in _SHOWN_EVENTS:
            return
        step = (event.step_key or "").replace("__", "/")
        kind = event.event_type_value
        if kind == "STEP_START":
            self.started[step] = time.monotonic()
            return
        if kind == "ASSET_CHECK_EVALUATION":
            evaluation = event.event_specific_data
            if not evaluation.passed:
                self._print(f"  {check_failure_line(evaluation)}")
            return
        self.finished += 1
        seconds = time.monotonic() - self.started.get(step, time.monotonic())
        counter = (
            f"[{self.finished}/{self.total_steps}]" if self.total_steps else f"[{self.finished}]"
        )
        outcome = "done" if kind == "STEP_SUCCESS" else "FAILED"
        self._print(f"{counter} {step:<42} {outcome} {seconds:6.2f} s")

    def _print(self, line: str) -> None:
        print(line, file=self.stream, flush=True)


@dg.logger(
    config_schema={"total_steps": dg.Field(int, is_required=False)},
    description="One line per finished step: for the klima command line.",
)
def progress_logger(init_context: dg.InitLoggerContext) -> logging.Logger:
    logger = logging.getLogger("klima.progress")
    logger.handlers.clear()
    logger.propagate = False
    logger.setLevel(logging.DEBUG)
    logger.addHandler(StepProgressHandler(init_context.logger_config.get("total_steps")))
    return logger
