"""Live pull of StatBank tables (formats.md §2): post the request to `/v1/data`, save the
CSV answer under the raw folder's `statbank/`, and let the loaders read it from there.

Saving first means every run can be reproduced from the raw folder alone, whether its
StatBank files came from a live pull or were dropped there by hand.
"""

from __future__ import annotations

import http.client
import json
import logging
import os
import re
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
from pydantic import Field

from klima_pipeline.errors import KlimaError

DEFAULT_BASE_URL = "https://api.statbank.dk/v1"
BASE_URL_ENV_VAR = "KLIMA_STATBANK_URL"
STATBANK_SUBDIR = "statbank"

# The requests formats.md §2 needs. StatBank eliminates a variable left out of the request
# to its total, so naming only the area, the time and the breakdown the mapping file reads
# keeps the answers small.
TABLE_VARIABLES: dict[str, dict[str, list[str]]] = {
    "FOLK1A": {"OMRÅDE": ["*"], "Tid": ["*"]},
    "BIL54": {"OMRÅDE": ["*"], "DRIV": ["*"], "Tid": ["*"]},
    "BOL102": {"OMRÅDE": ["*"], "OPVARM": ["*"], "Tid": ["*"]},
}

# Throttling and server-side failures pass; anything else in 4xx is a wrong request that
# a retry would only repeat.
_RETRYABLE_STATUS = frozenset({408, 429})
_TABLE_ID = re.compile(r"[A-Za-z0-9_]+")
_ERROR_SNIPPET_CHARS = 300
_USER_AGENT = "klima-pipeline (StatBank pull)"

log = logging.getLogger(__name__)


class StatBankError(KlimaError):
    """A StatBank pull failed: the table, the HTTP status (if the server answered) and why."""

    def __init__(self, table: str, message: str, status: int | None = None) -> None:
        self.table = table
        self.status = status
        self.reason = message
        status_text = f"HTTP {status}: " if status is not None else ""
        super().__init__(f"StatBank table {table}: {status_text}{message}")


class _TransientError(Exception):
    """An attempt that may succeed if repeated (5xx, network trouble, truncated body)."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class StatBankSettings:
    """How to reach StatBank: shared by the Dagster resource and the CLI."""

    base_url: str = DEFAULT_BASE_URL
    timeout_s: float = 30.0
    max_retries: int = 3
    backoff_s: float = 1.0

    @classmethod
    def from_env(cls) -> StatBankSettings:
        return cls(base_url=os.environ.get(BASE_URL_ENV_VAR) or DEFAULT_BASE_URL)


def request_body(table: str, variables: dict[str, list[str]]) -> dict[str, object]:
    """The JSON object `/v1/data` expects: CSV in Danish with codes, not labels, for values."""
    return {
        "table": table,
        "format": "CSV",
        "lang": "da",
        "valuePresentation": "Code",
        "variables": [{"code": code, "values": list(values)} for code, values in variables.items()],
    }


def fetch_table(
    table: str,
    variables: dict[str, list[str]],
    raw_dir: Path,
    file_name: str | None = None,
    settings: StatBankSettings | None = None,
) -> Path:
    """Pull one table and save it as `raw_dir/statbank/<TABLE>.csv` (or `file_name`).

    The file is replaced only by a complete, validated answer; on any error the folder is
    left as it was. Returns the saved file.
    """
    settings = settings or StatBankSettings.from_env()
    table_id = table.strip().upper()
    if not _TABLE_ID.fullmatch(table_id):
        raise StatBankError(table, "a table id is letters, digits and '_' only (e.g. FOLK1A)")
    name = file_name or f"{table_id}.csv"
    if Path(name).name != name or name in {".", ".."}:
        raise StatBankError(table_id, f"file name '{name}' must be a plain name, not a path")
    # The loaders read `statbank/<TABLE>*.csv`; any other name would be saved but never read.
    if not (name.upper().startswith(table_id) and name.lower().endswith(".csv")):
        raise StatBankError(
            table_id, f"file name '{name}' must match {table_id}*.csv so the loader reads it"
        )

    body = _post_with_retries(table_id, request_body(table_id, variables), settings)
    _check_statbank_csv(table_id, body)
    target = Path(raw_dir) / STATBANK_SUBDIR / name
    _write_atomically(target, body)
    log.info("StatBank table %s saved to %s (%d bytes)", table_id, target.name, len(body))
    return target


class StatBankResource(dg.ConfigurableResource):
    """Posts requests to StatBank's `/v1/data` and saves the CSV answers in the raw folder.

    Every field is a plain value, so each can be given as `dg.EnvVar(...)`; the base URL
    is normally `dg.EnvVar("KLIMA_STATBANK_URL")` or `StatBankResource.from_env()`.
    """

    base_url: str = Field(
        default=DEFAULT_BASE_URL, description="StatBank API root; `/data` is appended."
    )
    timeout_s: float = Field(
        default=30.0, gt=0, description="Seconds to wait for the connection and each read."
    )
    max_retries: int = Field(
        default=3, ge=0, description="Further attempts after a 5xx, network error or cut-off."
    )
    backoff_s: float = Field(
        default=1.0, ge=0, description="Wait before the first retry; doubles for each next one."
    )

    @classmethod
    def from_env(cls) -> StatBankResource:
        """The default resource, pointed at `KLIMA_STATBANK_URL` when that is set.

        Unlike `EnvVar`, this does not fail when the variable is unset, which suits the
        usual case where StatBank's own address is right.
        """
        return cls(base_url=StatBankSettings.from_env().base_url)

    def settings(self) -> StatBankSettings:
        return StatBankSettings(
            base_url=self.base_url,
            timeout_s=self.timeout_s,
            max_retries=self.max_retries,
            backoff_s=self.backoff_s,
        )

    def fetch_table(
        self,
        table: str,
        variables: dict[str, list[str]],
        raw_dir: Path,
        file_name: str | None = None,
    ) -> Path:
        """See `fetch_table`; returns the saved file."""
        return fetch_table(table, variables, raw_dir, file_name, settings=self.settings())


def _post_with_retries(table: str, payload: dict[str, object], settings: StatBankSettings) -> bytes:
    url = settings.base_url.rstrip("/") + "/data"
    data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    attempts = settings.max_retries + 1
    for attempt in range(1, attempts):
        try:
            return _post_once(table, url, data, settings.timeout_s)
        except _TransientError as exc:
            delay = settings.backoff_s * 2 ** (attempt - 1)
            log.warning(
                "StatBank table %s, attempt %d of %d: %s; retrying in %.2f s",
                table,
                attempt,
                attempts,
                exc,
                delay,
            )
            time.sleep(delay)
    try:
        return _post_once(table, url, data, settings.timeout_s)
    except _TransientError as exc:
        raise StatBankError(
            table, f"{exc} (gave up after {attempts} attempt(s) to {url})", exc.status
        ) from exc


def _post_once(table: str, url: str, data: bytes, timeout_s: float) -> bytes:
    request = urllib.request.Request(
        url,
        data=data,
        method="POST",
        headers={"Content-Type": "application/json; charset=utf-8", "User-Agent": _USER_AGENT},
    )
    try:
        # The timeout bounds the connect and every read, so a server that stops answering
        # mid-body fails the attempt instead of hanging the run.
        with urllib.request.urlopen(request, timeout=timeout_s) as response:
            body = response.read()
            expected = response.headers.get("Content-Length")
    except urllib.error.HTTPError as exc:
        message = _server_message(exc)
        if exc.code >= 500 or exc.code in _RETRYABLE_STATUS:
            raise _TransientError(message, exc.code) from exc
        raise StatBankError(table, f"{message} (request to {url})", exc.code) from exc
    except http.client.IncompleteRead as exc:
        raise _TransientError(
            f"answer cut off after {len(exc.partial)} bytes ({exc.expected} more expected)"
        ) from exc
    except TimeoutError as exc:
        raise _TransientError(f"no answer within {timeout_s} s") from exc
    except urllib.error.URLError as exc:
        # Connection refused, DNS failure, or a timeout raised during connect.
        reason = exc.reason
        if isinstance(reason, TimeoutError):
            raise _TransientError(f"no answer within {timeout_s} s") from exc
        raise _TransientError(f"cannot reach StatBank: {reason}") from exc
    except (http.client.HTTPException, ConnectionError) as exc:
        # The server dropped the connection or sent something that is not HTTP.
        raise _TransientError(f"connection failed: {exc!r}") from exc
    # read() normally raises IncompleteRead on a short body; this catches the cases where a
    # connection closes cleanly without it.
    if expected is not None and expected.isdigit() and int(expected) != len(body):
        raise _TransientError(f"answer has {len(body)} bytes, Content-Length said {expected}")
    return body


def _server_message(exc: urllib.error.HTTPError) -> str:
    """StatBank explains errors as JSON `{"errorTypeCode": …, "message": …}`; fall back to
    the start of whatever else the server sent."""
    try:
        raw = exc.read()
    except (OSError, http.client.HTTPException):
        raw = b""
    text = raw.decode("utf-8-sig", errors="replace").strip()
    try:
        parsed = json.loads(text)
    except ValueError:
        parsed = None
    if isinstance(parsed, dict) and parsed.get("message"):
        code = parsed.get("errorTypeCode")
        return f"{parsed['message']} [{code}]" if code else str(parsed["message"])
    if text:
        return text[:_ERROR_SNIPPET_CHARS]
    return exc.reason if isinstance(exc.reason, str) and exc.reason else "no message"


def _check_statbank_csv(table: str, body: bytes) -> None:
    """Refuse a 200 answer that is not a StatBank CSV (e.g. an error page from a proxy),
    so it never replaces a good file."""
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise StatBankError(table, f"answer is not UTF-8 (byte {exc.start})") from exc
    header = next((line for line in text.splitlines() if line.strip()), "")
    columns = [column.strip() for column in header.split(";")]
    if len(columns) < 2 or columns[-1].upper() != "INDHOLD":
        raise StatBankError(
            table,
            "answer is not a StatBank CSV: expected a header of ';'-separated variable ids "
            f"ending in INDHOLD, got {header[:120]!r}",
        )


def _write_atomically(target: Path, body: bytes) -> None:
    """Write to a temporary file in the same folder, fsync, then rename over the target,
    so a reader sees the old file or the new one, never half of one."""
    target.parent.mkdir(parents=True, exist_ok=True)
    # A leading dot and a .tmp suffix keep the temporary file out of the loaders' and the
    # file sensor's `*.csv` patterns while it is being written.
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    tmp_path = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as tmp:
            tmp.write(body)
            tmp.flush()
            os.fsync(tmp.fileno())
        os.replace(tmp_path, target)
    except BaseException:
        tmp_path.unlink(missing_ok=True)
        raise
    _fsync_dir(target.parent)


def _fsync_dir(folder: Path) -> None:
    """Make the rename itself durable; not every platform can open a folder for this."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
