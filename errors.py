"""storewatch's exceptions, in one place.

Hierarchy::

    StorewatchError                 exit 1: something failed that is not the user's input
    ├── ConfigError                 exit 2: a bad setting (names the key and the reason)
    ├── InputError                  exit 2: bad input: a file, a row, a URL, a query
    │   ├── RegistryImportError         registry file rejected (carries every row problem)
    │   ├── QuerySyntaxError            analyst query that does not parse
    │   └── PermissionDenied            a move the acting user's role may not make (web: 403)
    ├── RuleRegistryError           exit 1: the rule catalogue is inconsistent (start-up)
    ├── StoreError                  exit 1: the database is unreachable or not initialised
    ├── SearchBackendError          exit 1: Elasticsearch unreachable, auth refused, …
    ├── CrawlError                  exit 1: a crawl could not run (not: a site was down)
    ├── EvidenceError               exit 1: evidence missing or does not verify
    └── DeliveryError               exit 1: a digest or alert could not be delivered

Exceptions do not log; whoever handles them does, once.
"""

from __future__ import annotations


class StorewatchError(Exception):
    """Base of every error storewatch raises on purpose."""

    exit_code = 1


class ConfigError(StorewatchError):
    """A setting has a bad value; the message names the key and why."""

    exit_code = 2


class InputError(StorewatchError):
    """Input from the user is bad; the message says what and where (file, row, column, URL)."""

    exit_code = 2


class RegistryImportError(InputError):
    """A registry file was rejected. ``problems`` lists (row, column, reason) for every bad cell."""

    def __init__(self, message: str, problems: list[tuple[int, str, str]] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


class QuerySyntaxError(InputError):
    """An analyst's search query does not parse; the message points at the position."""


class PermissionDenied(InputError):
    """The acting user's role may not do this (a finding move reserved to a supervisor, say)."""


class RuleRegistryError(StorewatchError):
    """The rule catalogue is inconsistent: a duplicate id, a missing field, a bad option."""


class StoreError(StorewatchError):
    """The store of record cannot be used (not initialised, unreachable, wrong schema)."""


class SearchBackendError(StorewatchError):
    """The search backend failed: unreachable, credentials refused, server error."""


class CrawlError(StorewatchError):
    """A crawl could not be run at all (a site being down is recorded, not raised)."""


class EvidenceError(StorewatchError):
    """Evidence is missing, damaged, or does not verify."""


class DeliveryError(StorewatchError):
    """A digest, alert or webhook could not be delivered."""
