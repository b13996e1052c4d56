"""SMTP with STARTTLS and with implicit TLS (ssl), both with AUTH, against aiosmtpd on 127.0.0.1."""

from __future__ import annotations

import ssl
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from alerts.queue import deliver_pending, queue_daily
from store.db import Store
from tests.alerts.conftest import SmtpServer, _Handler, add_shop, crawl, finding, free_port, make_settings


@pytest.fixture(scope="module")
def cert(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    d = tmp_path_factory.mktemp("tls")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-days", "2", "-keyout", str(d / "key.pem"),
                    "-out", str(d / "cert.pem")], check=True, capture_output=True)
    return d / "cert.pem", d / "key.pem"


def _auth(server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> AuthResult:
    ok = auth_data.login == b"digest-bot" and auth_data.password == b"s3cret"
    return AuthResult(success=ok, handled=False)


@pytest.fixture(params=["starttls", "ssl"])
def tls_server(request: pytest.FixtureRequest, cert: tuple[Path, Path],
               monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[SmtpServer, str]]:
    monkeypatch.setenv("SSL_CERT_FILE", str(cert[0]))  # the client trusts our test CA, nothing else changes
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(*map(str, cert))
    box = SmtpServer()
    box.port = free_port()
    kw: dict[str, Any] = {"authenticator": _auth, "auth_require_tls": True}
    if request.param == "starttls":
        ctl = Controller(_Handler(box), hostname="127.0.0.1", port=box.port, tls_context=ctx, require_starttls=True,
                         **kw)
    else:
        kw["auth_require_tls"] = False  # aiosmtpd only knows STARTTLS as TLS; here the socket itself is TLS
        ctl = Controller(_Handler(box), hostname="127.0.0.1", port=box.port, ssl_context=ctx, **kw)
    ctl.start()
    yield box, request.param
    ctl.stop()


def test_tls_and_auth(tls_server: tuple[SmtpServer, str], tmp_path: Path) -> None:
    box, security = tls_server
    st = Store(f"sqlite:///{tmp_path / 't.db'}")
    st.upgrade()
    add_shop(st, 1)
    crawl(st, 1, [finding(1, "国家级")])
    wrong = make_settings(tmp_path, st.url, box.port,
                          smtp={"host": "127.0.0.1", "port": box.port, "security": security, "timeout": 5,
                                "username": "digest-bot", "password": "wrong"})
    queue_daily(st, wrong)
    failed = deliver_pending(st, wrong).failed
    assert failed and "SMTPAuthenticationError" in failed[0][1] and box.messages == []
    right = make_settings(tmp_path, st.url, box.port,
                          smtp={"host": "127.0.0.1", "port": box.port, "security": security, "timeout": 5,
                                "username": "digest-bot", "password": "s3cret"})
    assert len(deliver_pending(st, right, force=True).sent) == 1
    assert len(box.messages) == 1 and "青海测试商贸有限公司1：1 / 1 / 中 1" in box.messages[0].get_body(("plain",)).get_content()
