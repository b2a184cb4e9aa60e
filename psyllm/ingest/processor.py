"""The per-batch ingest worker: raw rows in, staged rows (a kept post or a quarantine row) out.

A plain class (`__init__` loads, `__call__` maps a batch) so it runs under Ray Data's `map_batches`, in a
benchmark baseline, or in a unit test, unchanged.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import PurePosixPath

from psyllm.config.schema import IngestConfig
from psyllm.ingest import quarantine as q
from psyllm.ingest.dedup import signature
from psyllm.ingest.deid import Deidentifier
from psyllm.text.language import detect_language
from psyllm.ingest.flags import check_flags
from psyllm.ingest.normalize import author_hash, extract_fields, make_post_id, parse_record, text_chars
from psyllm.safety import assess_text
from psyllm.text.hygiene import clean_text, normalized_key


def _source_label(source_file: str) -> str:
    name = PurePosixPath(source_file).name
    for suffix in (".gz", ".zst", ".jsonl", ".json", ".ndjson", ".parquet", ".csv"):
        name = name.removesuffix(suffix)
    return name


def snippet_source(raw: str, fields) -> str:
    """What a quarantine snippet may show: the record's title and body, never its author fields (a Reddit
    username is not a name the de-identifier can recognise). A line that is not JSON loses its author-like keys."""
    try:
        record = json.loads(raw)
    except (ValueError, RecursionError):
        record = None
    if isinstance(record, dict):
        parts = [str(record[k]) for k in fields.title + fields.body if isinstance(record.get(k), (str, int))]
        return "\n".join(p for p in parts if p.strip())
    names = "|".join(re.escape(n) for n in [*fields.author, "author_fullname", "author_flair_text"])
    return re.sub(rf'"(?:{names})"\s*:\s*"(?:[^"\\]|\\.)*"\s*,?', "", raw)


class PostProcessor:
    def __init__(self, cfg: IngestConfig, route_at: str):
        self.cfg, self.route_at = cfg, route_at  # route_at: safety.route_at, the level of the crisis route
        self.deid = Deidentifier(types=tuple(cfg.deid.types), phone_region=cfg.deid.phone_region,
                                 ner_model=cfg.deid.ner_model)
        self.salt = os.environ.get(cfg.deid.author_salt_env) if cfg.deid.author_salt_env else None

    def __call__(self, rows: list[dict]) -> list[dict]:
        return [self.process(row) for row in rows]

    def process(self, row: dict) -> dict:
        chars = len(row["raw"])  # a row whose title and body cannot be read counts as its raw line
        try:
            record = self._parse(row)
            read_chars = text_chars(record, self.cfg.fields)
            chars = chars if read_chars is None else read_chars
            check_flags(record, self.cfg.fields, self.cfg.reddit)
            return self._keep(row, record) | {"chars": chars}
        except q.Rejected as rej:
            return self._quarantine(row, rej.reason, rej.detail) | {"chars": chars}

    def _quarantine(self, row: dict, reason: str, detail: str, post_id: str | None = None) -> dict:
        source = snippet_source(row["raw"], self.cfg.fields)
        snippet = self.deid.redact(source[: self.cfg.snippet_chars * 2])[0][: self.cfg.snippet_chars]
        return {
            "source_file": row["source_file"], "line": row["line"], "outcome": "quarantined",
            "reason": reason, "detail": detail[:300], "snippet": snippet, "post_id": post_id,
        }

    def _parse(self, row: dict) -> dict:
        if not row["raw"].strip():
            raise q.Rejected(q.EMPTY, "blank line")
        if not row.get("valid_utf8", True) and self.cfg.text.invalid_utf8 == "quarantine":
            raise q.Rejected(q.ENCODING, "invalid UTF-8 bytes")
        return parse_record(row["raw"])

    def _keep(self, row: dict, record: dict) -> dict:
        cfg = self.cfg
        repaired = not row.get("valid_utf8", True)
        fields = extract_fields(record, cfg.fields)
        repair = cfg.text.invalid_utf8 == "repair"
        title, body = clean_text(fields.title, repair), clean_text(fields.body, repair)
        text = f"{title}\n\n{body}".strip() if cfg.text.include_title and title else body or title
        if not text:
            raise q.Rejected(q.EMPTY, "no text after cleaning")
        if len(text) < cfg.text.min_chars:
            raise q.Rejected(q.TOO_SHORT, f"{len(text)} < {cfg.text.min_chars} chars")
        if len(text) > cfg.text.max_chars:
            raise q.Rejected(q.TOO_LONG, f"{len(text)} > {cfg.text.max_chars} chars")
        lang, prob = ("", 0.0)
        if cfg.language.enabled and len(text) >= cfg.language.min_chars:
            lang, prob = detect_language(text)
            if lang not in cfg.language.allowed:
                raise q.Rejected(q.LANGUAGE, f"{lang} ({prob:.2f})")
        pii_types: list[str] = []
        if cfg.deid.enabled:
            table: dict = {}
            title, table = self.deid.redact(title, table)
            text, table = self.deid.redact(text, table)
            pii_types = sorted({kind for kind, _ in table})
            pii_count = len(table)
        else:
            pii_count = 0
        # Hashes and signatures are of the de-identified text: nothing derived from PII leaves ingest.
        key = normalized_key(text)
        source = cfg.source or fields.source or _source_label(row["source_file"])
        post_id = make_post_id(source, fields.native_id, key)
        risk = assess_text(text) if cfg.triage.enabled else None
        level, signals = (risk.level, risk.signals) if risk else ("none", [])
        return {
            "post_id": post_id, "source": source, "native_id": fields.native_id,
            "source_file": row["source_file"], "line": row["line"], "community": fields.community,
            "title": title, "text": text, "created_at": fields.created_at, "score": fields.score,
            "author_hash": author_hash(fields.author, self.salt), "language": lang or None,
            "language_prob": prob if lang else None, "pii_types": pii_types, "pii_count": pii_count,
            "risk_level": level, "risk_signals": signals,
            "route": "crisis" if risk and risk.at_least(self.route_at) else "standard",
            "text_sha": hashlib.sha256(key.encode()).hexdigest()[:32], "repaired": repaired,
            "outcome": "kept", "minhash": signature(key, cfg.dedup),
        }
