"""What every source loader shares: reading an export (CSV or xlsx) into text cells, SQL
value parsers, set-based checks, and the transaction that writes a source's staging
tables, raw_file rows and findings together."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import duckdb

from klima_pipeline.errors import Finding, InputError
from klima_pipeline.ingest.csv_file import read_csv
from klima_pipeline.ingest.reading import (
    Column,
    RawFile,
    ReadResult,
    insert_columns,
    match_header,
    open_raw,
    temp_name,
)
from klima_pipeline.ingest.xlsx_file import read_xlsx

EXPORT_SUFFIXES = (".csv", ".xlsx")


def read_file(con: duckdb.DuckDBPyConnection, raw_dir: Path, path: Path, source: str) -> ReadResult:
    """Read a CSV or xlsx export into a temp table of text cells."""
    result, data = open_raw(raw_dir, path, source)
    if data is None:
        return result
    if path.suffix.lower() == ".xlsx":
        read_xlsx(con, result, data)
    else:
        read_csv(con, result, path, data)
    if result.table and not result.failed and result.raw.rows == 0:
        result.warning(
            "no_rows", "the file has a header but no data rows; nothing is loaded from it"
        )
    return result


# Value parsers shared by every source. Cells arrive trimmed, empty cells as NULL.
# Years and dates have four-digit years in 1990–2100 (the earliest baseline year to the
# latest target): `218`, `21-06-30` or `0021-06-30` are typing errors, not old data.
# Numbers follow formats.md and metrics.md rule 19: `1.234` is 1.234, while `1.234,5`
# and `1.234.567` use dots as thousands separators.
MACROS = r"""
create or replace temp macro klima_missing(s) as s is null or s in ('..', '-');
create or replace temp macro klima_num(s) as case
    when klima_missing(s) then null
    when regexp_full_match(s, '-?(\d+|\d{1,3}(\.\d{3})+),\d+')
        then replace(replace(s, '.', ''), ',', '.')::double
    when regexp_full_match(s, '-?\d+(\.\d+)?([eE][-+]?\d+)?') then s::double
    when regexp_full_match(s, '-?\d{1,3}(\.\d{3}){2,}') then replace(s, '.', '')::double
end;
create or replace temp macro klima_bad_num(s) as not klima_missing(s) and klima_num(s) is null;
create or replace temp macro klima_int(s) as case
    when regexp_full_match(s, '\d{4}') and s::integer between 1990 and 2100 then s::integer end;
create or replace temp macro klima_code(s) as case
    when regexp_full_match(s, '\d+(\s+.*)?') then
        ltrim(regexp_extract(s, '^\d+'), '0') end;
create or replace temp macro klima_region(s) as case
    when klima_code(s) in ('81', '82', '83', '84', '85', '1081', '1082', '1083', '1084', '1085')
        then '10' || right(klima_code(s), 2) end;
create or replace temp macro klima_date(s) as case
    when regexp_full_match(s, '\d{4}-\d{1,2}-\d{1,2}|\d{1,2}-\d{1,2}-\d{4}')
        and year(coalesce(try_strptime(s, '%Y-%m-%d'), try_strptime(s, '%d-%m-%Y')))
            between 1990 and 2100
        then coalesce(try_strptime(s, '%Y-%m-%d'), try_strptime(s, '%d-%m-%Y'))::date end;
create or replace temp macro klima_label(s) as lower(trim(s));
create or replace temp macro klima_code_name(s) as
    nullif(trim(regexp_extract(s, '^\d+\s+(.*)$', 1)), '');
create or replace temp macro klima_name_key(s) as regexp_replace(lower(trim(s)), '\s+kommune$', '');
create or replace temp table klima_sector_label as
    select distinct klima_label(source_sector) as label, sector from ref.inventory_sector
    where sector <> 'total'
    union select klima_label(name_da), sector from ref.sector
    union select klima_label(sector), sector from ref.sector;
"""


def label_case(expression: str, mapping: dict[str, str]) -> str:
    """SQL mapping a label to its code, case-insensitively after trimming (rule 6)."""
    whens = " ".join(
        f"when {sql_text(label.strip().lower())} then {sql_text(code)}"
        for label, code in mapping.items()
    )
    return f"(case klima_label({expression}) {whens} end)"


def labels(mapping: dict[str, str]) -> str:
    return ", ".join(mapping)


FINDINGS_COLUMNS = (
    "source_file varchar, row_number integer, column_name varchar, rule varchar, "
    "severity varchar, message varchar"
)
RAW_FILE_COLUMNS = (
    "source varchar, source_file varchar, sha256 varchar, size_bytes bigint, "
    "modified_at timestamp, loaded_at timestamp, encoding varchar, rows bigint"
)


def current_year() -> int:
    return date.today().year


def sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


@dataclass(frozen=True)
class Check:
    """A set-based rule: rows of a table matching `where` become findings."""

    rule: str
    column: str | None
    where: str
    message: str  # a SQL expression
    severity: str = "error"
    # Where the column differs by row (a StatBank variable), a SQL expression naming it.
    column_expression: str | None = None


def data_year_checks(column: str, text_key: str, example: int) -> list[Check]:
    """Rule 20 for a data year: four digits in 1990–2100, and not after the current year.

    The checked table holds the parsed year as `year_int` beside its text `text_key`."""
    year = current_year()
    return [
        Check(
            "invalid_year",
            column,
            "year_int is null",
            f"'expected a year (1990–2100) such as {example}, found ''' "
            f"|| coalesce({text_key}, '') || ''''",
        ),
        Check(
            "future_year",
            column,
            f"year_int > {year}",
            f"'year ' || year_int || ' is after the current year {year}'",
        ),
    ]


def name_check(column: str, name_expression: str) -> Check:
    """A municipality name beside its code (`101 København`, or a name column) that is not
    the code's name: a warning, since the code decides. The checked table holds the
    reference name as `ref_name`."""
    return Check(
        "name_mismatch",
        column,
        f"ref_name is not null and {name_expression} is not null "
        f"and klima_name_key({name_expression}) <> klima_name_key(ref_name)",
        f"'name ''' || {name_expression} || ''' is not the name of municipality ' "
        "|| municipality_code || ' (' || ref_name || '); the code is used'",
        "warning",
    )


def missing_value_check(column: str, text_key: str, consequence: str) -> Check:
    """A numeric cell left empty or marked `..`/`-` (not available) where the method can do
    without it: a warning that says what follows (`consequence`, plain text)."""
    return Check(
        "missing_value",
        column,
        f"klima_missing({text_key})",
        f"'no value (' || coalesce({text_key}, 'empty') || '): ' || {sql_text(consequence)}",
        "warning",
    )


@dataclass
class Load:
    """The state of one loader run, inside one transaction."""

    con: duckdb.DuckDBPyConnection
    raw_dir: Path
    source: str
    files: list[RawFile] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    temp_tables: list[str] = field(default_factory=list)
    writes: list[str] = field(default_factory=list)

    def add(self, result: ReadResult) -> None:
        self.files.append(result.raw)
        self.findings.extend(result.findings)
        if result.table:
            self.temp_tables.append(result.table)

    def error(
        self,
        source_file: str,
        message: str,
        rule: str,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        self.findings.append(Finding(source_file, row, column, rule, "error", message))

    def warning(
        self,
        source_file: str,
        message: str,
        rule: str,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        self.findings.append(Finding(source_file, row, column, rule, "warning", message))

    def temp(self, prefix: str) -> str:
        name = temp_name(prefix)
        self.temp_tables.append(name)
        return name

    def export_files(self, folder: str, required: bool, suffixes=EXPORT_SUFFIXES) -> list[Path]:
        """The export files of a folder in name order; a finding when a required one is absent."""
        directory = self.raw_dir / folder
        files = (
            sorted(
                (p for p in directory.rglob("*") if p.is_file() and not p.name.startswith(".")),
                key=lambda p: p.relative_to(directory).as_posix(),
            )
            if directory.is_dir()
            else []
        )
        exports = [p for p in files if p.suffix.lower() in suffixes]
        for other in files:
            if other.suffix.lower() not in suffixes:
                self.warning(
                    other.relative_to(self.raw_dir).as_posix(),
                    f"ignored: not an export ({', '.join(suffixes)})",
                    "ignored_file",
                )
        if not exports and required:
            self.error(
                f"{folder}/",
                f"the {self.source} source is required: expected at least one "
                f"{' or '.join(suffixes)} file in {folder}/ of the raw folder",
                "missing_source",
            )
        return exports

    def read_exports(self, folder: str, columns: list[Column], required: bool) -> str:
        """Every export of a folder, in name order, gathered in one text table (its name)."""
        target = self.temp(f"{folder}_raw")
        ensure_target(self.con, target, columns)
        for path in self.export_files(folder, required=required):
            self.read_into(path, columns, target)
        return target

    def read_into(self, path: Path, columns: list[Column], target: str, file_rank: int = 0) -> None:
        """Read one export, match its header to `columns`, append its rows to `target`."""
        result = read_file(self.con, self.raw_dir, path, self.source)
        positions = None
        if result.table:
            positions = match_header(result, result.header, columns)
        self.add(result)
        if positions is None or result.table is None:
            return
        selected = ", ".join(
            f"c{positions[c.key]} as {c.key}" if c.key in positions else f"null::varchar as {c.key}"
            for c in columns
        )
        ensure_target(self.con, target, columns)
        self.con.execute(
            f"insert into {target} by name select source_file, row_number, "
            f"{int(file_rank)} as file_rank, {selected} from {result.table}"
        )

    def check(self, table: str, checks: list[Check]) -> None:
        """Turn every failing row into a finding, one query per rule."""
        for c in checks:
            column = c.column_expression or ("null" if c.column is None else sql_text(c.column))
            rows = self.con.execute(
                f"select source_file, row_number, {column}, {sql_text(c.rule)}, "
                f"{sql_text(c.severity)}, ({c.message})::varchar from {table} where {c.where} "
                "order by source_file, row_number"
            ).fetchall()
            self.findings.extend(Finding(*row) for row in rows)


def ensure_target(con: duckdb.DuckDBPyConnection, target: str, columns: list[Column]) -> None:
    """The text table a source's files are gathered in, empty when no file could be read."""
    cols = ", ".join(f"{c.key} varchar" for c in columns)
    con.execute(
        f"create temp table if not exists {target} "
        f"(source_file varchar, row_number integer, file_rank integer, {cols})"
    )


def ensure_bookkeeping(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("create schema if not exists staging")
    con.execute(f"create table if not exists staging.findings ({FINDINGS_COLUMNS})")
    con.execute(f"create table if not exists staging.raw_file ({RAW_FILE_COLUMNS})")


def run_loader(
    con: duckdb.DuckDBPyConnection,
    raw_dir: Path,
    source: str,
    folder: str,
    body: Callable[[Load], None],
) -> list[Finding]:
    """Read and check with `body`, then write its staging tables, files and findings in
    one transaction, or nothing at all when any finding is an error.

    Reading happens outside the transaction: a file DuckDB rejects would otherwise abort
    the transaction and hide the findings of the files after it.
    """
    if not con.execute(
        "select count(*) from duckdb_tables() "
        "where schema_name = 'ref' and table_name = 'municipality'"
    ).fetchall()[0][0]:
        raise RuntimeError("ref.municipality is missing: call load_reference before the loaders")
    load = Load(con, Path(raw_dir), source)
    try:
        con.execute(MACROS)
        body(load)
        errors = [f for f in load.findings if f.severity == "error"]
        if errors:
            raise InputError(errors, [f for f in load.findings if f.severity != "error"])
        con.execute("begin transaction")
        try:
            ensure_bookkeeping(con)
            for statement in load.writes:
                con.execute(statement)
            _write_bookkeeping(load, folder)
            con.execute("commit")
        except BaseException:
            con.execute("rollback")
            raise
    finally:
        for table in load.temp_tables:
            con.execute(f"drop table if exists {table}")
    return [f for f in load.findings if f.severity != "error"]


def _write_bookkeeping(load: Load, folder: str) -> None:
    con = load.con
    loaded_at = datetime.now()
    con.execute("delete from staging.raw_file where source = ?", [load.source])
    con.execute(
        "delete from staging.findings where source_file = ? or starts_with(source_file, ?)",
        [folder, folder + "/"],
    )
    if load.files:
        insert_columns(
            con,
            "staging.raw_file",
            {
                "source": ("varchar", [f.source for f in load.files]),
                "source_file": ("varchar", [f.source_file for f in load.files]),
                "sha256": ("varchar", [f.sha256 for f in load.files]),
                "size_bytes": ("bigint", [f.size_bytes for f in load.files]),
                "modified_at": ("timestamp", [f.modified_at for f in load.files]),
                "loaded_at": ("timestamp", [loaded_at] * len(load.files)),
                "encoding": ("varchar", [f.encoding for f in load.files]),
                "rows": ("bigint", [f.rows for f in load.files]),
            },
        )
    if load.findings:
        insert_columns(
            con,
            "staging.findings",
            {
                "source_file": ("varchar", [f.source_file for f in load.findings]),
                "row_number": ("integer", [f.row_number for f in load.findings]),
                "column_name": ("varchar", [f.column_name for f in load.findings]),
                "rule": ("varchar", [f.rule for f in load.findings]),
                "severity": ("varchar", [f.severity for f in load.findings]),
                "message": ("varchar", [f.message for f in load.findings]),
            },
        )
