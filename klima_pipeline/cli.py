"""The `klima` command (interface.md, Command line)."""

from __future__ import annotations

import argparse
import atexit
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from klima_pipeline.collector import frozen_after_imports
from klima_pipeline.config import DEFAULTS, setting
from klima_pipeline.errors import InputError, KlimaError, findings_summary

LANGUAGES = {"da": ["da"], "en": ["en"], "all": ["da", "en"]}


def entry() -> None:
    """The `klima` command: `main`, then an exit that skips the interpreter's teardown.

    Tearing down an interpreter that has imported Dagster and pandas takes
    over a second (freeing every module and object one by one), after all work is done
    and the output written. The exit handlers still run (they close the run's DuckDB
    connection and release file locks); only the freeing is left to the kernel."""
    code = main(own_process=True)
    try:
        atexit._run_exitfuncs()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def main(argv: Sequence[str] | None = None, *, own_process: bool = False) -> int:
    """The command `argv` asks for; its exit code. `own_process`: this process is the
    command's and ends with it (`entry`), so what it imports is frozen (collector.py)."""
    parser = _parser()
    args = parser.parse_args(argv)
    args.own_process = own_process
    try:
        return args.command(args)
    except InputError as error:
        print(f"klima: {error}", file=sys.stderr)
        return 1
    except (KlimaError, FileNotFoundError) as error:
        print(f"klima: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("klima: interrupted; the published warehouse is unchanged", file=sys.stderr)
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="klima",
        description="Build the climate alliance's warehouse and yearly status report.",
    )
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    run = commands.add_parser(
        "run",
        help="build the warehouse and write the status report (through Dagster)",
        description="Materialise every asset needed for the status report of a report "
        "year through Dagster; the run is recorded in DAGSTER_HOME and shows in the UI.",
    )
    run.add_argument(
        "--year", type=int, help="report year (default: latest year with an action survey)"
    )
    run.add_argument(
        "--lang", choices=sorted(LANGUAGES), default="all", help="report language(s) (default: all)"
    )
    run.add_argument(
        "--all-pages",
        action="store_true",
        help="a website page for every municipality, also above the report's listing "
        "limit (by default only members get one there)",
    )
    _path_options(run, raw=True, warehouse=True, reports=True)
    _quiet_option(run)
    run.set_defaults(command=_run)

    validate = commands.add_parser(
        "validate",
        help="check the raw exports without loading anything",
        description="Check every raw export against the formats; exit 1 if any error.",
    )
    _path_options(validate, raw=True)
    _quiet_option(validate)
    validate.set_defaults(command=_validate)

    sample = commands.add_parser(
        "sample-data",
        help="write a complete raw folder of sample data",
        description="Write a raw folder in the export formats: the real Energistyrelsen "
        "emissions where they exist, invented plans, surveys and indicators elsewhere.",
    )
    sample.add_argument("--out", type=Path, required=True, help="folder to write")
    sample.add_argument(
        "--municipalities",
        type=int,
        default=98,
        help="how many (above 98: synthetic ones are added)",
    )
    sample.add_argument("--first-year", type=int, default=2018, help="first inventory year")
    sample.add_argument("--last-year", type=int, default=2023, help="last inventory year")
    sample.add_argument("--seed", type=int, default=0, help="seed of the invented parts")
    sample.set_defaults(command=_sample_data)

    serve = commands.add_parser(
        "serve",
        help="serve a report year's website on this machine",
        description="Serve reports/<year>/site/ with Python's HTTP server on 127.0.0.1 "
        "and print its address.",
    )
    serve.add_argument(
        "--year", type=int, help="report year (default: the latest year with a website)"
    )
    serve.add_argument(
        "--port", type=int, default=8000, help="port (default: 8000; 0 picks a free one)"
    )
    _path_options(serve, reports=True)
    serve.set_defaults(command=_serve)

    rollback = commands.add_parser(
        "rollback",
        help="restore the previous published warehouse",
        description="Make the previous generation of the warehouse the published one again.",
    )
    _path_options(rollback, warehouse=True)
    rollback.set_defaults(command=_rollback)
    return parser


def _path_options(
    parser: argparse.ArgumentParser,
    *,
    raw: bool = False,
    warehouse: bool = False,
    reports: bool = False,
) -> None:
    if raw:
        parser.add_argument(
            "--raw",
            type=Path,
            help=f"raw exports (default: $KLIMA_RAW_DIR or {DEFAULTS['KLIMA_RAW_DIR']})",
        )
    if warehouse:
        parser.add_argument(
            "--warehouse",
            type=Path,
            help="published warehouse "
            f"(default: $KLIMA_WAREHOUSE or {DEFAULTS['KLIMA_WAREHOUSE']})",
        )
    if reports:
        parser.add_argument(
            "--reports",
            type=Path,
            help=f"reports folder (default: $KLIMA_REPORTS_DIR or {DEFAULTS['KLIMA_REPORTS_DIR']})",
        )


def _quiet_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--quiet",
        action="store_true",
        help="leave out the summary of findings at the end (all of them are in "
        "mart.data_quality and the report's data-quality appendix)",
    )


def _apply_path_options(args: argparse.Namespace) -> None:
    """Options override the environment, so Dagster's resources see the same paths."""
    for option, variable in (
        ("raw", "KLIMA_RAW_DIR"),
        ("warehouse", "KLIMA_WAREHOUSE"),
        ("reports", "KLIMA_REPORTS_DIR"),
    ):
        value = getattr(args, option, None)
        if value is not None:
            os.environ[variable] = str(Path(value).resolve())


def _run(args: argparse.Namespace) -> int:
    _apply_path_options(args)
    # Before Dagster is imported: the processes that build the report's languages import
    # their own code meanwhile (report/children.py; run_status_report stops them).
    from klima_pipeline.report.children import start_for_run

    start_for_run(len(LANGUAGES[args.lang]), setting("KLIMA_RAW_DIR"))
    # Everything the run's process imports, frozen: the runner alone would import the code
    # location and the instance's storage later, after the freeze.
    with frozen_after_imports(args.own_process):
        import klima_pipeline.definitions
        import klima_pipeline.resources.event_log  # noqa: F401
        from klima_pipeline.runner import run_status_report

    result = run_status_report(
        report_year=args.year, languages=LANGUAGES[args.lang], all_pages=args.all_pages
    )
    for path in result.report_files:
        print(path)
    # On stderr beside the progress: stdout stays the report paths, which scripts read.
    if not args.quiet:
        print(findings_summary(result.findings), file=sys.stderr)
        if result.findings:
            print(
                "All findings: mart.data_quality, and the report's data-quality appendix.",
                file=sys.stderr,
            )
    return 0


def _validate(args: argparse.Namespace) -> int:
    _apply_path_options(args)
    from klima_pipeline.ingest import validate_raw_dir

    raw_dir = setting("KLIMA_RAW_DIR")
    findings = validate_raw_dir(raw_dir)
    errors = [f for f in findings if f.severity == "error"]
    if not args.quiet:
        print(findings_summary(findings, shown=len(findings)))
    print(f"{raw_dir}: {len(errors)} error(s), {len(findings) - len(errors)} warning(s)")
    return 1 if errors else 0


def _sample_data(args: argparse.Namespace) -> int:
    from klima_pipeline.sample_data import write_sample_data

    out = write_sample_data(
        Path(os.path.abspath(args.out)),
        municipalities=args.municipalities,
        first_year=args.first_year,
        last_year=args.last_year,
        seed=args.seed,
    )
    print(f"Wrote sample data to {out}")
    return 0


def _serve(args: argparse.Namespace) -> int:
    _apply_path_options(args)
    from klima_pipeline.report.site.serve import serve

    return serve(setting("KLIMA_REPORTS_DIR"), args.year, args.port)


def _rollback(args: argparse.Namespace) -> int:
    _apply_path_options(args)
    from klima_pipeline.resources import WarehouseResource

    published = WarehouseResource(path=str(setting("KLIMA_WAREHOUSE"))).rollback()
    print(f"Restored the previous warehouse at {published}")
    return 0


if __name__ == "__main__":  # `python -m klima_pipeline.cli`, as the tests and the benchmark run it
    entry()
