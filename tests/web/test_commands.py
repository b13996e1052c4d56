"""``storewatch user add|passwd|disable|enable|list`` in-process (the ``web`` command itself is
exercised by the browser test, which starts it as a subprocess)."""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

import cli
import config
from store.db import Store
from web.auth import _hasher
from web.models import AuthEvent, User


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    for k in [k for k in os.environ if k.startswith("STOREWATCH_")]:
        monkeypatch.delenv(k)
    d = tmp_path / "data"
    assert cli.main(["--data-dir", str(d), "init"]) == 0
    return d


def _users(data: Path) -> dict[str, User]:
    st = Store(config.load(environ={}, overrides={"data_dir": data}).db_url)
    with st.session() as s:
        out = {u.name: u for u in s.scalars(select(User))}
    st.dispose()
    return out


def test_user_add_passwd_disable(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    d = ["--data-dir", str(data)]
    assert cli.main([*d, "user", "add", "李主管", "--role", "supervisor", "--password", "li-pass-12345"]) == 0
    u = _users(data)["李主管"]
    assert u.role == "supervisor" and u.active and u.password_hash.startswith("$argon2id$")
    assert _hasher.verify(u.password_hash, "li-pass-12345")
    assert cli.main([*d, "user", "add", "李主管", "--role", "analyst", "--password", "other-pass-123"]) == 2
    assert "already exists" in capsys.readouterr().err
    assert cli.main([*d, "user", "add", "x", "--role", "analyst", "--password", "short"]) == 2
    assert cli.main([*d, "user", "add", "x", "--role", "boss", "--password", "long-enough-1"]) == 2
    assert cli.main([*d, "user", "passwd", "李主管", "--password", "new-pass-12345"]) == 0
    assert _hasher.verify(_users(data)["李主管"].password_hash, "new-pass-12345")
    assert cli.main([*d, "user", "disable", "李主管"]) == 0
    assert not _users(data)["李主管"].active
    assert cli.main([*d, "user", "passwd", "nobody", "--password", "new-pass-12345"]) == 2
    st = Store(config.load(environ={}, overrides={"data_dir": data}).db_url)
    with st.session() as s:
        kinds = [e.kind for e in s.scalars(select(AuthEvent).order_by(AuthEvent.id))]
    assert kinds == ["user_added", "password_changed", "user_disabled"]


@pytest.mark.filterwarnings("ignore::getpass.GetPassWarning")
def test_user_add_prompts_for_the_password(data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("prompted-pass-1\nprompted-pass-1\n"))
    assert cli.main(["--data-dir", str(data), "user", "add", "wang", "--role", "analyst"]) == 0
    assert _hasher.verify(_users(data)["wang"].password_hash, "prompted-pass-1")
