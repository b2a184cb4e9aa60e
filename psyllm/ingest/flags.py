"""Reddit's own flags on a submission: removal (`removed_by_category`), link posts (`is_self`), NSFW (`over_18`).

The dumps (Pushshift, Arctic Shift) often crawl a post before a moderator removes it, so its selftext survives
while `removed_by_category` says it was taken down: the flag, not the text, decides. Field names come from
`ingest.fields`, what they decide from `ingest.reddit`.
"""
from __future__ import annotations

from typing import Any

from psyllm.config.schema import FieldMapping, RedditConfig
from psyllm.ingest.normalize import first_field
from psyllm.ingest.quarantine import DELETED, LINK_POST, OVER_18, REMOVED, SCHEMA, Rejected

_TRUE, _FALSE = {"true", "1", "t", "yes"}, {"false", "0", "f", "no", ""}


def _as_bool(name: str, value: Any) -> bool:
    """JSON booleans, and the strings or numbers a CSV or Parquet export turns them into."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    raise Rejected(SCHEMA, f"{name} is not a boolean: {str(value)[:40]!r}")


def _has_body(record: dict, mapping: FieldMapping) -> bool:
    _, body = first_field(record, mapping.body)
    if isinstance(body, str):
        return bool(body.strip())
    return isinstance(body, int) and not isinstance(body, bool)


def check_flags(record: dict, mapping: FieldMapping, policy: RedditConfig) -> None:
    """Raise Rejected for a removed or deleted submission, a link post, or (by policy) an NSFW one."""
    name, category = first_field(record, mapping.removed_by)
    if category is not None and str(category).strip():
        deleted = str(category).strip().lower() in {c.lower() for c in policy.deleted_categories}
        raise Rejected(DELETED if deleted else REMOVED, f"{name}={str(category)[:60]}")
    name, is_self = first_field(record, mapping.is_self)
    if is_self is not None and not _as_bool(name, is_self) and not _has_body(record, mapping):
        raise Rejected(LINK_POST, f"{name}=false and no body text")
    if policy.quarantine_over_18:
        name, nsfw = first_field(record, mapping.over_18)
        if nsfw is not None and _as_bool(name, nsfw):
            raise Rejected(OVER_18, f"{name}=true")
