"""Render a built digest (dict) into a multipart e-mail (plain text + HTML) from Jinja2 templates. Pure."""

from __future__ import annotations

from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

TEMPLATES = Path(__file__).parent / "templates"


@lru_cache(maxsize=1)
def _env() -> Environment:
    return Environment(loader=FileSystemLoader(str(TEMPLATES)), undefined=StrictUndefined,
                       autoescape=select_autoescape(["html.j2"]), keep_trailing_newline=True,
                       trim_blocks=False, lstrip_blocks=False)


def render_text(digest: dict[str, Any]) -> tuple[str, str]:
    """(plain text, HTML) of ``digest``."""
    name = "weekly" if digest["kind"] == "weekly" else "digest"
    env = _env()
    return (env.get_template(f"{name}.txt.j2").render(d=digest),
            env.get_template(f"{name}.html.j2").render(d=digest))


def render_message(digest: dict[str, Any], *, sender: str, recipients: list[str], message_id: str,
                   date: datetime) -> EmailMessage:
    """The e-mail for ``digest``: Chinese subject (RFC 2047), text and HTML alternatives, stable Message-ID."""
    text, html = render_text(digest)
    msg = EmailMessage()
    msg["Subject"] = digest["subject"]
    msg["From"] = sender
    msg["To"] = ", ".join(recipients) if recipients else sender
    msg["Date"] = format_datetime(date)
    msg["Message-ID"] = message_id
    msg["X-Storewatch-Digest"] = digest["kind"]
    msg.set_content(text, subtype="plain", charset="utf-8", cte="quoted-printable")
    msg.add_alternative(html, subtype="html", charset="utf-8", cte="quoted-printable")
    return msg
