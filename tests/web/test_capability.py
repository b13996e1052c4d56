"""Replay capabilities (web.capability): signed over page, expiry and session reference; expire; pruned."""

from __future__ import annotations

from web import capability


def _path(pid: int, cap: str) -> str:
    return f"/evidence/pages/{pid}/replay/{cap}"


def test_a_capability_names_its_session_for_its_page_until_it_expires() -> None:
    cap = capability.grant(7, "a" * 64, now=1000.0)
    assert capability.session_for(_path(7, cap), now=1000.0) == "a" * 64
    assert capability.session_for(_path(7, cap), now=1000.0 + capability.LIFETIME) == "a" * 64
    assert capability.session_for(_path(7, cap), now=1001.0 + capability.LIFETIME) is None  # expired
    assert capability.session_for(_path(8, cap), now=1000.0) is None  # another page
    assert capability.session_for(_path(7, cap) + "/x", now=1000.0) is None
    other = capability.grant(7, "b" * 64, now=1000.0)
    assert other.split(".")[1] != cap.split(".")[1]  # one reference per session, naming neither cookie nor key
    assert "a" * 16 not in cap and "b" * 16 not in other


def test_references_of_expired_capabilities_are_forgotten() -> None:
    old = capability.grant(3, "c" * 64, now=0.0)
    capability.grant(3, "d" * 64, now=10.0 + capability.LIFETIME)  # prunes what expired before now
    assert capability.session_for(_path(3, old), now=0.0) is None  # its session reference is gone
