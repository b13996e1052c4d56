"""Check a run's RFC 3161 tokens: each token file is the one recorded, parses, is signed by a TSA of
the trusted chain, and covers the SHA-256 the subject has *now* (manifest, WARC, screenshot).

A token that is still pending is not a defect of the evidence but a gap, and is reported as a note;
a token the store says was issued but that is gone is a problem.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from evidence.timestamp import CHAIN, FOLDER, TimestampError, check_token, load_ledger, subjects
from evidence.verify import Problem
from evidence.warc import sha256


def _uuid_record(name: str, index: dict[str, Any] | None) -> str:
    uuid = name.removeprefix("screenshot-")
    for r in (index or {}).get("records", []):
        if str(r.get("record_id", "")).endswith(f":{uuid}>"):
            return str(r["record_id"])
    return ""


def verify_tokens(warc: Path, *, trusted_chain: bytes | None = None,
                  recorded: dict[str, str] | None = None) -> tuple[list[Problem], list[str], dict[str, str]]:
    """(problems, notes, TSA time by subject) of the tokens of ``warc``.

    ``trusted_chain``: PEM to verify against (the configured chain); else the copy kept beside the
    evidence. ``recorded``: token SHA-256 by subject, as the store keeps them.
    """
    from evidence.affected import safe_index

    warc = Path(warc)
    folder = warc.parent / FOLDER
    problems: list[Problem] = []
    notes: list[str] = []
    times: dict[str, str] = {}
    try:
        ledger = load_ledger(warc)
    except (OSError, ValueError) as exc:
        problems.append(Problem(f"timestamp ledger is damaged: {exc}", file=f"{FOLDER}/timestamps.json",
                                whole_file=True))
        ledger = None
    entries: dict[str, dict[str, Any]] = {str(e.get("subject")): e for e in (ledger or {}).get("entries", [])
                                          if isinstance(e, dict)}
    for subject in sorted(set(recorded or {}) - set(entries)):
        problems.append(Problem(f"token {subject}.tsr recorded in the store is missing beside the evidence",
                                file=f"{FOLDER}/{subject}.tsr", whole_file=True))
    if ledger is None:
        if not problems:
            notes.append("未加盖可信时间戳 no trusted timestamp for this run")
        return problems, notes, times
    chain = trusted_chain
    if chain is None:
        try:
            chain = (folder / CHAIN).read_bytes()
        except OSError:
            problems.append(Problem("TSA certificate chain is missing", file=f"{FOLDER}/{CHAIN}", whole_file=True))
            return problems, notes, times
        notes.append(f"时间戳按证据旁保存的证书链校验 tokens checked against the chain kept beside the evidence ({CHAIN})")
    index = safe_index(warc)
    try:
        now = {name: sha256(data) for name, _what, data in subjects(warc)}
    except (OSError, ValueError, EOFError) as exc:
        problems.append(Problem(f"subjects of the tokens cannot be read: {exc}", whole_file=True))
        now = {}
    for missing in sorted(set(now) - set(entries)):
        notes.append(f"{missing}: 无时间戳 not stamped")
    for name, e in sorted(entries.items()):
        rid = _uuid_record(str(name), index) if str(name).startswith("screenshot-") else ""
        token_file = f"{FOLDER}/{e.get('token') or name + '.tsr'}"

        def problem(msg: str, _rid: str = rid, _file: str = token_file) -> Problem:
            return Problem(msg, record_id=_rid, type="resource" if _rid else "", file=_file, whole_file=not _rid)

        if e.get("status") != "stamped":
            if recorded and recorded.get(str(name)):
                problems.append(problem("token recorded in the store is marked pending beside the evidence"))
            else:
                notes.append(f"{name}: 时间戳待补 pending ({e.get('attempts', 0)} tries; {e.get('error', '')})")
            continue
        try:
            tsr = (folder / str(e["token"])).read_bytes()
        except (OSError, KeyError):
            problems.append(problem("token file is missing"))
            continue
        want = (recorded or {}).get(str(name)) or e.get("token_sha256")
        if want and sha256(tsr) != want:
            problems.append(problem("token bytes differ from those recorded (SHA-256 of the .tsr changed)"))
        if name in now and now[name] != e.get("sha256"):
            problems.append(problem(f"{name} changed after it was stamped (SHA-256 {now[name]} "
                                    f"differs from the stamped {e.get('sha256')})"))
        digest = now.get(str(name)) or str(e.get("sha256", ""))
        try:
            times[str(name)] = check_token(tsr, digest, chain)
        except (TimestampError, ValueError) as exc:
            problems.append(problem(str(exc)))
    return problems, notes, times
