"""Delivery channels: SMTP (none | starttls | ssl, optional auth), .eml files, webhooks.

Each raises :class:`errors.DeliveryError` with a one-line reason; none of them retries (the
queue in :mod:`alerts.queue` does, with backoff).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import os
import smtplib
import ssl
import time
import urllib.parse
import urllib.request
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any

from errors import DeliveryError

log = logging.getLogger(__name__)
WEBHOOK_TIMEOUT = 15.0


def parse_raw(raw: str) -> EmailMessage:
    msg = BytesParser(policy=policy.default).parsebytes(raw.encode("utf-8"))
    return msg  # type: ignore[return-value]


def send_smtp(raw: str, smtp: Any, sender: str, recipients: list[str]) -> str:
    """Hand the message to the SMTP server of ``smtp`` (settings.smtp); returns ``smtp:host:port``."""
    if not recipients:
        raise DeliveryError("no digest recipients configured (setting digest.recipients)")
    where = f"{smtp.host}:{smtp.port}"
    try:
        if smtp.security == "ssl":
            client: smtplib.SMTP = smtplib.SMTP_SSL(smtp.host, smtp.port, timeout=smtp.timeout,
                                                    context=ssl.create_default_context())
        else:
            client = smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout)
        with client:
            client.ehlo()
            if smtp.security == "starttls":
                client.starttls(context=ssl.create_default_context())
                client.ehlo()
            if smtp.username:
                password = smtp.password.get_secret_value() if smtp.password else ""
                client.login(smtp.username, password)
            refused = client.sendmail(sender, recipients, raw.encode("utf-8"))
    except smtplib.SMTPRecipientsRefused as exc:
        raise DeliveryError(f"SMTP {where} refused every recipient: {sorted(exc.recipients)}") from exc
    except (smtplib.SMTPException, OSError) as exc:
        raise DeliveryError(f"SMTP {where}: {type(exc).__name__}: {exc}") from exc
    if refused:
        log.warning("SMTP %s refused some recipients: %s", where, sorted(refused))
    return f"smtp:{where}"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def sweep_stale_temps(outbox_dir: Path) -> int:
    """Remove ``.NAME.PID.tmp`` files left by writers that died mid-write; returns how many."""
    removed = 0
    for tmp in outbox_dir.glob(".*.tmp"):
        pid = tmp.name[: -len(".tmp")].rsplit(".", 1)[-1]
        if pid.isdigit() and int(pid) != os.getpid() and not _pid_alive(int(pid)):
            try:
                tmp.unlink()
                removed += 1
            except OSError:
                log.warning("cannot remove stale %s", tmp)
    return removed


def write_eml(raw: str, outbox_dir: Path, name: str) -> str:
    """Write the message to ``outbox_dir/name`` atomically (an existing file is kept: idempotent).
    Temp files of writers that died mid-write are swept first."""
    outbox_dir.mkdir(parents=True, exist_ok=True)
    sweep_stale_temps(outbox_dir)
    path = outbox_dir / name
    if path.exists():
        return str(path)
    tmp = outbox_dir / f".{name}.{os.getpid()}.tmp"
    try:
        with open(tmp, "wb") as fh:
            fh.write(raw.encode("utf-8"))
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        raise DeliveryError(f"cannot write {path}: {exc}") from exc
    return str(path)


def markdown(digest: dict[str, Any], limit: int = 20) -> str:
    """A short Markdown rendering for DingTalk / WeCom robots (they cap message size)."""
    lines = [f"### {digest['subject']}"]
    if digest["kind"] == "weekly":
        for w in digest["series"][-4:]:
            lines.append(f"- {w['week']}：新发现 {w['new']}，复查消失 {w['resolved']}，覆盖缺口 {w['coverage_gaps']}")
    else:
        if digest["kind"] == "alert":
            for f in digest["items"][:limit]:
                lines.append(f"- **[{f['severity_zh']}]** {f['storefront_name']} {f['article_zh']} {f['category_zh']}："
                             f"“{f['match_short']}” [研判]({f['link']})")
        else:
            c = digest["counts"]
            lines.append(f"新发现 {c['new']} 项，再次出现 {c['reopened']} 项，逾期 {c['stale']} 项；"
                         f"当前未结 {c['open_total']} 项；覆盖缺口 {c['gaps']} 个")
            for g in digest.get("critical_groups", [])[:limit]:
                lines.append(f"- **[严重]** {g['storefront_name']} {g['article_zh']} {g['count']} 项：{g['matches']} "
                             f"[研判]({g['link']})")
            for m in digest.get("merchants", [])[:limit]:
                lines.append(f"- [{m['name']}]({m['link']})：新增 {m['new']}，未结 {m['open']}（{m['severity_zh']}），"
                             f"{m['case_zh']}")
        for g in digest.get("gaps", [])[:limit]:
            lines.append(f"- 覆盖缺口：{g['name']}（{g['domain']}）{g['status_zh']}")
    lines.append(f"\n[打开研判界面]({digest['links']['findings']})")
    return "\n".join(lines)


def webhook_payload(digest: dict[str, Any], kind: str) -> dict[str, Any]:
    if kind == "dingtalk":
        return {"msgtype": "markdown", "markdown": {"title": digest["subject"][:60], "text": markdown(digest)}}
    if kind == "wecom":
        return {"msgtype": "markdown", "markdown": {"content": markdown(digest)[:4000]}}
    keep = ("kind", "subject", "period_start", "period_end", "counts", "by_severity", "change", "gaps", "links",
            "merchants", "critical_new", "critical_groups", "rechecks_due", "open_by_severity",
            "series", "categories", "top_storefronts", "open_total")
    body = {k: digest[k] for k in keep if k in digest}
    body["findings"] = [{k: f.get(k) for k in ("finding_id", "rule_id", "category", "article", "severity",
                                              "storefront_id", "storefront_name", "url", "match", "excerpt",
                                              "reason", "status", "evidence", "link")}
                        for f in digest.get("items", [])]
    return body


def _signed_url(url: str, kind: str, secret: str | None) -> str:
    if kind != "dingtalk" or not secret:
        return url
    ts = str(int(time.time() * 1000))
    sign = base64.b64encode(hmac.new(secret.encode(), f"{ts}\n{secret}".encode(), hashlib.sha256).digest())
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}timestamp={ts}&sign={urllib.parse.quote_plus(sign.decode())}"


def post_webhook(digest: dict[str, Any], webhook: Any, *, idempotency_key: str) -> str:
    """POST the digest to ``webhook.url`` (settings.webhook). Robots answer errcode != 0 on refusal."""
    secret = webhook.secret.get_secret_value() if webhook.secret else None
    body = json.dumps(webhook_payload(digest, webhook.kind), ensure_ascii=False).encode("utf-8")
    headers = {"Content-Type": "application/json; charset=utf-8", "Idempotency-Key": idempotency_key,
               "User-Agent": "storewatch/0.1"}
    if webhook.kind == "generic" and secret:
        headers["X-Storewatch-Signature"] = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    url = _signed_url(webhook.url, webhook.kind, secret)
    if not url.startswith(("http://", "https://")):
        raise DeliveryError(f"webhook.url must be http(s): {webhook.url!r}")
    req = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310 - scheme checked
    try:
        with urllib.request.urlopen(req, timeout=WEBHOOK_TIMEOUT) as resp:  # noqa: S310
            answer = resp.read(65536)
    except (OSError, ValueError) as exc:
        raise DeliveryError(f"webhook {webhook.kind} {urllib.parse.urlsplit(webhook.url).netloc}: {exc}") from exc
    if webhook.kind in ("dingtalk", "wecom"):
        try:
            code = json.loads(answer or b"{}").get("errcode", 0)
        except ValueError:
            code = None
        if code not in (0, None):
            raise DeliveryError(f"webhook {webhook.kind} refused the message: {answer[:200]!r}")
    return "webhook"
