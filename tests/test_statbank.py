"""The StatBank pull against a real HTTP server on loopback: nothing goes to the internet."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import dagster as dg
import pytest

from klima_pipeline.errors import KlimaError
from klima_pipeline.resources.statbank import (
    StatBankError,
    StatBankResource,
    StatBankSettings,
    fetch_table,
)

# What StatBank sends: UTF-8 with BOM, `;` separators, CRLF, codes for the area.
FOLK1A_CSV = "\ufeffOMRÅDE;TID;INDHOLD\r\n000;2024K1;5961249\r\n101;2024K1;660842\r\n".encode()
VARIABLES = {"OMRÅDE": ["*"], "Tid": ["2024K1"]}


@dataclass
class Reply:
    """One scripted answer: status, body, and how to misbehave."""

    status: int = 200
    body: bytes = FOLK1A_CSV
    content_type: str = "text/csv; charset=UTF-8"
    delay_s: float = 0.0
    declared_length: int | None = None  # a Content-Length that differs from the body


@dataclass
class FakeStatBank:
    """Serves the scripted replies in order (the last one repeats) and records requests."""

    replies: list[Reply]
    url: str = ""
    requests: list[dict[str, object]] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)

    def next_reply(self, path: str, body: bytes) -> Reply:
        self.paths.append(path)
        self.requests.append(json.loads(body.decode("utf-8")))
        return self.replies[min(len(self.requests), len(self.replies)) - 1]


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        # A client that gave up (timeout) closes its socket; the late write fails by design.
        pass


def _handler_for(fake: FakeStatBank) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            sent = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            reply = fake.next_reply(self.path, sent)
            if reply.delay_s:
                # Waits on an event, not time.sleep, so teardown can release it at once.
                fake.release.wait(reply.delay_s)
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            length = reply.declared_length or len(reply.body)
            self.send_header("Content-Length", str(length))
            self.end_headers()
            self.wfile.write(reply.body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    # urllib honours proxy variables; a proxy must never see (or swallow) loopback tests.
    for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("ALL_PROXY", raising=False)


@pytest.fixture
def statbank() -> Iterator[Callable[..., FakeStatBank]]:
    servers: list[tuple[_QuietServer, threading.Thread, FakeStatBank]] = []

    def start(*replies: Reply) -> FakeStatBank:
        fake = FakeStatBank(replies=list(replies) or [Reply()])
        server = _QuietServer(("127.0.0.1", 0), _handler_for(fake))
        thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
        thread.start()
        fake.url = f"http://127.0.0.1:{server.server_address[1]}/v1"
        servers.append((server, thread, fake))
        return fake

    yield start
    for server, thread, fake in servers:
        fake.release.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def _settings(url: str, **overrides: float) -> StatBankSettings:
    values = {"timeout_s": 2.0, "max_retries": 2, "backoff_s": 0.01, **overrides}
    return StatBankSettings(base_url=url, **values)  # type: ignore[arg-type]


def _files(raw_dir: Path) -> list[str]:
    folder = raw_dir / "statbank"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_200_saves_the_answer_byte_for_byte(
    statbank: Callable[..., FakeStatBank], tmp_path: Path
) -> None:
    fake = statbank(Reply())

    saved = fetch_table("FOLK1A", VARIABLES, tmp_path, settings=_settings(fake.url))

    assert saved == tmp_path / "statbank" / "FOLK1A.csv"
    assert saved.read_bytes() == FOLK1A_CSV
    assert _files(tmp_path) == ["FOLK1A.csv"]  # no temporary file left behind
    assert fake.paths == ["/v1/data"]


def test_request_body_names_table_and_variables(
    statbank: Callable[..., FakeStatBank], tmp_path: Path
) -> None:
    fake = statbank(Reply())

    fetch_table("folk1a", VARIABLES, tmp_path, "FOLK1A_2024.csv", settings=_settings(fake.url))

    assert fake.requests == [
        {
            "table": "FOLK1A",
            "format": "CSV",
            "lang": "da",
            "valuePresentation": "Code",
            "variables": [
                {"code": "OMRÅDE", "values": ["*"]},
                {"code": "Tid", "values": ["2024K1"]},
            ],
        }
    ]
    assert _files(tmp_path) == ["FOLK1A_2024.csv"]


def test_404_is_a_clear_error_and_leaves_the_older_file(
    statbank: Callable[..., FakeStatBank], tmp_path: Path
) -> None:
    message = {"errorTypeCode": "TABLE_NOT_FOUND", "message": "Tabellen FOLK1X findes ikke"}
    fake = statbank(
        Reply(status=404, body=json.dumps(message).encode(), content_type="application/json")
    )
    older = tmp_path / "statbank" / "FOLK1X.csv"
    older.parent.mkdir()
    older.write_bytes(b"older;INDHOLD\n1;2\n")

    with pytest.raises(StatBankError) as caught:
        fetch_table("FOLK1X", VARIABLES, tmp_path, settings=_settings(fake.url))

    assert isinstance(caught.value, KlimaError)
    assert caught.value.status == 404
    assert "404" in str(caught.value)
    assert "Tabellen FOLK1X findes ikke" in str(caught.value)
    assert len(fake.requests) == 1  # a 4xx is not retried
    assert older.read_bytes() == b"older;INDHOLD\n1;2\n"
    assert _files(tmp_path) == ["FOLK1X.csv"]


def test_500_then_200_is_retried_and_saved(
    statbank: Callable[..., FakeStatBank], tmp_path: Path
) -> None:
    fake = statbank(Reply(status=500, body=b"Internal Server Error"), Reply())

    saved = fetch_table("FOLK1A", VARIABLES, tmp_path, settings=_settings(fake.url))

    assert len(fake.requests) == 2
    assert saved.read_bytes() == FOLK1A_CSV
    assert _files(tmp_path) == ["FOLK1A.csv"]


def test_5xx_every_time_gives_up_with_the_status(
    statbank: Callable[..., FakeStatBank], tmp_path: Path
) -> None:
    fake = statbank(Reply(status=503, body=b"Service Unavailable"))

    with pytest.raises(StatBankError, match="503") as caught:
        fetch_table("FOLK1A", VARIABLES, tmp_path, settings=_settings(fake.url, max_retries=2))

    assert caught.value.status == 503
    assert "3 attempt" in str(caught.value)
    assert len(fake.requests) == 3
    assert _files(tmp_path) == []


def test_timeout_is_retried_then_a_clear_error(
    statbank: Callable[..., FakeStatBank], tmp_path: Path
) -> None:
    fake = statbank(Reply(delay_s=3.0))

    with pytest.raises(StatBankError, match=r"no answer within 0\.2 s") as caught:
        fetch_table(
            "FOLK1A",
            VARIABLES,
            tmp_path,
            settings=_settings(fake.url, timeout_s=0.2, max_retries=1),
        )

    assert caught.value.status is None
    assert "2 attempt" in str(caught.value)
    assert len(fake.requests) == 2
    assert _files(tmp_path) == []


def test_timeout_then_200_is_saved(statbank: Callable[..., FakeStatBank], tmp_path: Path) -> None:
    fake = statbank(Reply(delay_s=3.0), Reply())

    saved = fetch_table("FOLK1A", VARIABLES, tmp_path, settings=_settings(fake.url, timeout_s=0.2))

    assert len(fake.requests) == 2
    assert saved.read_bytes() == FOLK1A_CSV


def test_truncated_body_is_retried_then_a_clear_error(
    statbank: Callable[..., FakeStatBank], tmp_path: Path
) -> None:
    fake = statbank(Reply(declared_length=len(FOLK1A_CSV) + 500))

    with pytest.raises(StatBankError, match="cut off") as caught:
        fetch_table("FOLK1A", VARIABLES, tmp_path, settings=_settings(fake.url, max_retries=1))

    assert "2 attempt" in str(caught.value)
    assert len(fake.requests) == 2
    assert _files(tmp_path) == []


def test_truncated_then_complete_is_saved(
    statbank: Callable[..., FakeStatBank], tmp_path: Path
) -> None:
    fake = statbank(Reply(declared_length=len(FOLK1A_CSV) + 500), Reply())

    saved = fetch_table("FOLK1A", VARIABLES, tmp_path, settings=_settings(fake.url))

    assert len(fake.requests) == 2
    assert saved.read_bytes() == FOLK1A_CSV
    assert _files(tmp_path) == ["FOLK1A.csv"]


def test_connection_refused_is_retried_then_a_clear_error(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # The port is closed again, so nothing listens there.

    with pytest.raises(StatBankError, match="cannot reach StatBank"):
        fetch_table(
            "FOLK1A", VARIABLES, tmp_path, settings=_settings(f"http://127.0.0.1:{port}/v1")
        )
    assert _files(tmp_path) == []


@pytest.mark.parametrize(
    "body",
    [
        b"<html><body>Maintenance</body></html>",
        b'{"errorTypeCode": "X", "message": "not csv"}',
        b"\xff\xfe not utf-8",
    ],
)
def test_200_that_is_not_a_statbank_csv_is_refused(
    statbank: Callable[..., FakeStatBank], tmp_path: Path, body: bytes
) -> None:
    fake = statbank(Reply(body=body, content_type="text/html"))

    with pytest.raises(StatBankError):
        fetch_table("FOLK1A", VARIABLES, tmp_path, settings=_settings(fake.url))

    assert len(fake.requests) == 1  # a well-formed wrong answer would only repeat
    assert _files(tmp_path) == []


@pytest.mark.parametrize(
    "file_name", ["../FOLK1A.csv", "sub/FOLK1A.csv", "FOLK1A.txt", "population.csv"]
)
def test_file_name_must_be_a_plain_csv_name(tmp_path: Path, file_name: str) -> None:
    with pytest.raises(StatBankError, match="file name"):
        fetch_table("FOLK1A", VARIABLES, tmp_path, file_name, settings=_settings("http://unused"))


def test_resource_takes_its_url_from_the_environment(
    statbank: Callable[..., FakeStatBank], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = statbank(Reply())
    monkeypatch.setenv("KLIMA_STATBANK_URL", fake.url)

    @dg.asset
    def folk1a_raw(statbank: StatBankResource) -> None:
        statbank.fetch_table("FOLK1A", VARIABLES, tmp_path)

    result = dg.materialize(
        [folk1a_raw],
        resources={"statbank": StatBankResource(base_url=dg.EnvVar("KLIMA_STATBANK_URL"))},
    )

    assert result.success
    assert (tmp_path / "statbank" / "FOLK1A.csv").read_bytes() == FOLK1A_CSV
    assert StatBankResource.from_env().base_url == fake.url
    monkeypatch.delenv("KLIMA_STATBANK_URL")
    assert StatBankResource.from_env().base_url == "https://api.statbank.dk/v1"
