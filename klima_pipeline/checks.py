"""Data checks on the core tables, each rule one query in `sql/checks/<rule>.sql`.

A rule's query returns its findings (`source_file`, `row_number`, `column_name`,
`message`); no rows means it passes. The asset check runs it in the run's working file
and records the findings in `checks.findings`, which `mart.data_quality` reads: the UI,
the command line and the warehouse report the same findings from the same query.

ERROR rules are blocking: a failure stops everything downstream of the checked table —
the metrics, the publish and the report. They are kept for what would put a wrong
number in the report (an unknown code, a duplicated key, a value out of range). A state
the method defines (an incomplete year, a plan without a recertification date) is a
WARN rule: its findings reach `mart.data_quality` and the report's appendix, and the run
goes on. WARN rules are blocking checks too, so that their findings are recorded before
`mart.data_quality` is built. docs/operations.md lists every rule and why it blocks.
"""
# No `from __future__ import annotations`: Dagster reads the context and resource types
# from the check functions' signatures.

import warnings
from collections.abc import Iterable
from dataclasses import dataclass

import dagster as dg
import duckdb

from klima_pipeline.assets.metadata import markdown_table
from klima_pipeline.assets.sql_models import table_key
from klima_pipeline.assets.staging import upstream_of_python_table
from klima_pipeline.assets.working_file import working_connection
from klima_pipeline.errors import Finding
from klima_pipeline.ingest.reading import insert_columns
from klima_pipeline.resources import WarehouseResource
from klima_pipeline.sql import parse_model, sql_path, sql_text

ERROR = dg.AssetCheckSeverity.ERROR
WARN = dg.AssetCheckSeverity.WARN
SHOWN_FINDINGS = 20
# Outside the schemas the SQL files' dependencies are read from (sql.py): written by the
# checks, read by mart.data_quality, and not part of the public `mart` interface.
FINDINGS_DDL = """
create schema if not exists checks;
create table if not exists checks.findings (
    source_file varchar, row_number integer, column_name varchar,
    rule varchar, severity varchar, message varchar
)
"""


@dataclass(frozen=True)
class Rule:
    name: str  # sql/checks/<name>.sql
    table: tuple[str, str]  # the table whose asset the check is attached to
    severity: dg.AssetCheckSeverity

    @property
    def model_name(self) -> str:
        return f"checks/{self.name}"

    @property
    def finding_severity(self) -> str:
        return "error" if self.severity == ERROR else "warning"


MUNICIPALITY_YEAR = ("core", "municipality_year")
RULES = (
    Rule("municipalities_known", MUNICIPALITY_YEAR, ERROR),
    Rule("unique_keys", MUNICIPALITY_YEAR, ERROR),
    Rule("values_in_range", MUNICIPALITY_YEAR, ERROR),
    Rule("plan_fields", ("core", "plan"), ERROR),
    Rule("complete_sectors", MUNICIPALITY_YEAR, WARN),
    Rule("plan_revision_fields", ("core", "plan"), WARN),
    Rule("gross_change", MUNICIPALITY_YEAR, WARN),
)


def rule_findings(con: duckdb.DuckDBPyConnection, rule: Rule) -> list[Finding]:
    rows = con.execute(sql_text(rule.model_name)).fetchall()
    return [
        Finding(source_file, row_number, column_name, rule.name, rule.finding_severity, message)
        for source_file, row_number, column_name, message in rows
    ]


def record_findings(con: duckdb.DuckDBPyConnection, rule: Rule, findings: list[Finding]) -> None:
    """Replace the rule's rows in `checks.findings` (a re-run must not add them twice)."""
    con.execute(FINDINGS_DDL)
    con.execute("delete from checks.findings where rule = ?", [rule.name])
    if findings:
        insert_columns(
            con,
            "checks.findings",
            {
                "source_file": ("varchar", [f.source_file for f in findings]),
                "row_number": ("integer", [f.row_number for f in findings]),
                "column_name": ("varchar", [f.column_name for f in findings]),
                "rule": ("varchar", [f.rule for f in findings]),
                "severity": ("varchar", [f.severity for f in findings]),
                "message": ("varchar", [f.message for f in findings]),
            },
        )


def summary(findings: list[Finding]) -> str:
    if not findings:
        return "No findings."
    more = f" (and {len(findings) - 1} more)" if len(findings) > 1 else ""
    return f"{len(findings)} finding(s): {findings[0]}{more}"


def _upstream(rule: Rule) -> list[dg.AssetKey]:
    """The assets behind every other table the rule's query reads."""
    keys: list[dg.AssetKey] = []
    for schema, table in parse_model(rule.model_name).reads:
        if (schema, table) == rule.table:
            continue
        found = upstream_of_python_table(schema, table) or table_key(schema, table)
        keys.extend(found if isinstance(found, list) else [found])
    return list(dict.fromkeys(keys))


def check_spec(rule: Rule) -> dg.AssetCheckSpec:
    with warnings.catch_warnings():  # code references are beta; they are worth it in the UI
        warnings.simplefilter("ignore", dg.BetaWarning)
        code_references = dg.CodeReferencesMetadataValue(
            code_references=[dg.LocalFileCodeReference(file_path=str(sql_path(rule.model_name)))]
        )
    return dg.AssetCheckSpec(
        name=rule.name,
        asset=table_key(*rule.table),
        description=parse_model(rule.model_name).description,
        blocking=True,
        additional_deps=_upstream(rule),
        metadata={
            "sql_file": f"sql/{rule.model_name}.sql",
            "severity": rule.severity.value,
            "dagster/code_references": code_references,
        },
    )


def check_result(rule: Rule, findings: list[Finding]) -> dg.AssetCheckResult:
    rows = [
        (f.source_file, f.row_number, f.column_name, f.message) for f in findings[:SHOWN_FINDINGS]
    ]
    return dg.AssetCheckResult(
        asset_key=table_key(*rule.table),
        check_name=rule.name,
        passed=not findings,
        severity=rule.severity,
        description=summary(findings),
        metadata={
            "findings": dg.MetadataValue.int(len(findings)),
            "first findings": dg.MetadataValue.md(
                markdown_table(["file", "row", "column", "message"], rows)
            ),
        },
    )


# Every rule in one step, on one connection: a step costs more Dagster bookkeeping than
# a rule's query takes (docs/performance.md). Each rule is still its own check in the UI.
@dg.multi_asset_check(specs=[check_spec(rule) for rule in RULES], can_subset=False)
def data_checks(
    context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource
) -> Iterable[dg.AssetCheckResult]:
    with working_connection(warehouse, context.run.run_id) as con:
        for rule in RULES:
            findings = rule_findings(con, rule)
            record_findings(con, rule, findings)
            yield check_result(rule, findings)


asset_checks = [data_checks]
