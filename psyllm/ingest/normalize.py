"""Map a raw record (Reddit-style or generic {id, text}) onto the fields psyllm uses."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from psyllm.config.schema import FieldMapping
from psyllm.ingest.quarantine import DELETED, MALFORMED_JSON, REMOVED, SCHEMA, Rejected

_DELETED = {"[deleted]", "[deleted by user]"}
_REMOVED = {"[removed]", "[removed by reddit]", "[removed by moderator]"}
_MS_THRESHOLD = 100_000_000_000  # epoch seconds pass this in the year 5138; larger values are milliseconds


@dataclass
class Fields:
    native_id: str | None
    title: str
    body: str
    author: str | None
    created_at: datetime | None
    community: str | None
    score: int | None
    source: str | None


def parse_record(raw: str) -> dict:
    try:
        record = json.loads(raw)
    except (json.JSONDecodeError, RecursionError) as exc:
        raise Rejected(MALFORMED_JSON, str(exc)[:200]) from None
    if not isinstance(record, dict):
        raise Rejected(SCHEMA, f"record is a JSON {type(record).__name__}, not an object")
    return record


def first_field(record: dict, names: list[str]) -> tuple[str | None, Any]:
    for name in names:
        if record.get(name) is not None:
            return name, record[name]
    return None, None


def text_chars(record: dict, mapping: FieldMapping) -> int | None:
    """Characters of a record's title and body as read (before cleaning), what the manifest accounts;
    None when neither is there as text, and the row counts as its raw line instead."""
    total, found = 0, False
    for names in (mapping.title, mapping.body):
        _, value = first_field(record, names)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            return None
        total, found = total + len(str(value)), True
    return total if found else None


def _as_str(record: dict, names: list[str], what: str) -> str | None:
    name, value = first_field(record, names)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise Rejected(SCHEMA, f"{name} ({what}) is a {type(value).__name__}, not text")
    return str(value)


def parse_timestamp(value: Any) -> datetime | None:
    """Epoch seconds or milliseconds (number or numeric string), or an ISO 8601 string."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError("boolean timestamp")
    if isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)
    if not isinstance(value, (int, float)) or value != value:
        raise ValueError(f"not a timestamp: {value!r}")
    seconds = value / 1000 if abs(value) >= _MS_THRESHOLD else value
    return datetime.fromtimestamp(int(seconds), tz=timezone.utc)


def extract_fields(record: dict, mapping: FieldMapping) -> Fields:
    """Pull mapped fields out of a record; reject wrong types, deleted and removed posts."""
    title = _as_str(record, mapping.title, "title")
    body = _as_str(record, mapping.body, "body")
    if title is None and body is None:
        raise Rejected(SCHEMA, f"no text field (looked for {mapping.title + mapping.body})")
    for text in (body, title if body is None else None):
        if text is not None and text.strip().lower() in _DELETED:
            raise Rejected(DELETED, text.strip())
        if text is not None and text.strip().lower() in _REMOVED:
            raise Rejected(REMOVED, text.strip())
    name, created = first_field(record, mapping.created)
    try:
        created_at = parse_timestamp(created)
    except (ValueError, OverflowError, OSError) as exc:
        raise Rejected(SCHEMA, f"{name}: {exc}") from None
    _, score = first_field(record, mapping.score)
    try:
        score = None if score in (None, "") else int(float(score))
    except (TypeError, ValueError):
        raise Rejected(SCHEMA, f"score is not a number: {score!r}") from None
    author = _as_str(record, mapping.author, "author")
    return Fields(
        native_id=_as_str(record, mapping.id, "id"),
        title=title or "",
        body=body or "",
        author=None if author in (None, "", "[deleted]") else author,
        created_at=created_at,
        community=_as_str(record, mapping.community, "community"),
        score=score,
        source=_as_str(record, mapping.source, "source"),
    )


def make_post_id(source: str, native_id: str | None, text_key: str) -> str:
    """Deterministic: source + native id, or the normalized text where there is no id."""
    basis = f"id\x1f{source}\x1f{native_id}" if native_id else f"text\x1f{text_key}"
    return hashlib.sha256(basis.encode()).hexdigest()[:16]


def author_hash(author: str | None, salt: str | None) -> str | None:
    if not author or not salt:
        return None
    return hashlib.sha256(f"{salt}\x1f{author}".encode()).hexdigest()[:16]
