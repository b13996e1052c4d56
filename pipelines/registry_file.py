"""Find a storefront's filing record in a registry file (``storewatch scan --registry FILE``).

The file is read and validated by the registry importer (:func:`store.registry.read_registry`);
the record is the row whose 网站域名 matches the URL's host (and port, when the row gives one),
a leading ``www.`` ignored on both sides. No matching row gives a record with ``found=False``,
which the filing rules report as "no filing record" (Art. 9).
"""

from __future__ import annotations

import logging
from dataclasses import fields
from pathlib import Path

from analyzers.model import RegistryRecord
from crawler.safety import host_key
from store.registry import read_registry

log = logging.getLogger(__name__)
_FIELDS = {f.name for f in fields(RegistryRecord)} - {"storefront_id", "found"}


def domain_matches(domain: str, url: str) -> bool:
    want, have = host_key(domain), host_key(url)
    if ":" in want:
        return want == have
    return want == have.split(":", 1)[0]


def find_record(path: Path, url: str) -> RegistryRecord:
    """The filing record of ``url``'s host in ``path``; ``found=False`` when the file has none.

    Raises :class:`errors.RegistryImportError` (exit 2) when the file itself is unusable.
    """
    parsed = read_registry(Path(path))
    if parsed.problems:
        log.warning("%s: %d bad row(s) ignored for the lookup:\n%s", path, len(parsed.problems),
                    parsed.describe_problems(limit=20))
    for row in parsed.rows:
        if domain_matches(row.domain, url):
            values = row.values()
            return RegistryRecord(**{k: v for k, v in values.items() if k in _FIELDS})
    return RegistryRecord(domain=host_key(url), found=False)
