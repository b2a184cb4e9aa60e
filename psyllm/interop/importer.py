"""`psyllm import`: rows of a public dataset (local files, s3://, or a Hub dataset name) -> psyllm dialogue records
under <output>/dialogues, malformed rows under <output>/quarantine with their reasons, and a manifest; the filter,
export, train and evaluate stages then run on them unchanged. One process: it is I/O over finished data."""
from __future__ import annotations

import hashlib
import itertools
import json
from collections import Counter
from typing import Iterator

from psyllm.clinical.frameworks import detect_approach
from psyllm.clinical.icd11 import find_codes
from psyllm.config.schema import ImportConfig, PsyllmConfig
from psyllm.ingest.deid import Deidentifier
from psyllm.engines.base import split_reasoning
from psyllm.ingest.quarantine import MALFORMED_JSON, SCHEMA, Rejected
from psyllm.safety import assess_conversation, at_least
from psyllm.interop.formats import FORMATS, PARSERS
from psyllm.interop.turns import Parsed, Rounds, Turn, to_rounds
from psyllm.io.filesystem import join
from psyllm.io.manifest import StageResult
from psyllm.io.stage_output import StageOutput
from psyllm.io.readers import (DOCUMENT_KEY, HUB_NAME, InputError, file_digest, input_root, iter_raw_rows,
                               list_inputs, relative_path)
from psyllm.io.shards import ShardWriter
from psyllm.records import DIALOGUE_SCHEMA, QUARANTINE_SCHEMA
from psyllm.text.hygiene import clean_text



def _hub_rows(name: str, splits: list[str]) -> Iterator[dict]:
    """Rows of a Hugging Face Hub dataset (needs the `datasets` package and Hub access)."""
    try:
        import datasets
    except ImportError:
        raise InputError(f"{name} looks like a Hub dataset: install `datasets` to load it") from None
    try:
        loaded = datasets.load_dataset(name)
    except Exception as exc:  # noqa: BLE001 - offline, unknown name, gated: all mean "cannot read this input"
        raise InputError(f"could not load the Hub dataset {name}: {type(exc).__name__}: {str(exc)[:200]}") from None
    for split in splits or list(loaded):
        for i, rec in enumerate(loaded[split]):
            yield {"source_file": f"hf://{name}/{split}", "line": i + 1, "raw": json.dumps(rec, ensure_ascii=False, default=str)}


def read_rows(uri: str, cfg: PsyllmConfig) -> tuple[Iterator[dict], list[dict], str]:
    """(raw rows, input records for the manifest, input root) from files/folders/globs/s3:// or a Hub name."""
    try:
        files = list_inputs(uri, cfg.storage)
    except InputError:
        if not HUB_NAME.match(uri):
            raise
        return _hub_rows(uri, list(cfg.importer.hub_splits)), [{"uri": f"hf://{uri}", "sha256": "", "bytes": None}], ""
    rows = (row for f in files for row in iter_raw_rows(f, cfg.storage))
    return rows, [file_digest(f, cfg.storage) for f in files], input_root(uri, cfg.storage)


def _round(index: int, client: Turn, counselor: Turn) -> dict:
    reasoning, reply = split_reasoning(counselor.text)
    notes = {k: v for k, v in (("client", client.annotations), ("counselor", counselor.annotations)) if v}
    return {"index": index, "focus": "", "client": client.text, "counselor_reasoning": reasoning or "",
            "counselor_reply": reply, "annotations": json.dumps(notes, ensure_ascii=False) if notes else None}


def _dialogue(fmt: str, post_id: str, rounds: Rounds, metadata: dict, route_at: str, source: str,
              deid: Deidentifier | None) -> dict:
    table: dict = {}
    out = []
    for i, (client, counselor) in enumerate(rounds.pairs):
        r = _round(i, client, counselor)
        for key in ("client", "counselor_reasoning", "counselor_reply"):
            r[key] = clean_text(r[key])  # the clean-up ingest applies
            if deid:  # one table per dialogue: the same name gets the same placeholder in every turn
                r[key] = deid.redact(r[key], table)[0]
        r["approach"], r["icd11_hypotheses"] = detect_approach(r["counselor_reasoning"]) or "", find_codes(r["counselor_reasoning"])
        out.append(r)
    risk = assess_conversation([{"role": "user", "content": r["client"]} for r in out]).level  # any client turn
    return {
        "sample_id": hashlib.sha256(f"{fmt}\x1f{post_id}".encode()).hexdigest()[:20], "post_id": post_id,
        "sample_index": 0, "route": "crisis" if at_least(risk, route_at) else "standard", "risk_level": risk,
        "plan_rounds": len(out), "reason_format": "think", "rounds": out,
        "prompt_versions": "{}", "models": json.dumps({"source": fmt, "file": source}), "sampling": "{}", "seed": 0,
        "prompt_tokens": 0, "completion_tokens": 0,
        "metadata": json.dumps(metadata, ensure_ascii=False, default=str) if metadata else None,
    }


def _post_id(rec: dict, row: dict, root: str) -> str:
    native = rec.get("post_id") or rec.get("id")
    if native not in (None, ""):
        return str(native)
    if DOCUMENT_KEY in rec:  # one dialogue per file: the file is its id ("Sex/2.json", "case_0.txt")
        return relative_path(row["source_file"], root)
    return f"{row['source_file'].rsplit('/', 1)[-1]}:{row['line']}"


def _folder(row: dict, root: str) -> str:
    """The folders between the input root and the file: a label the layout carries (CPsyCounE's topic)."""
    rel = relative_path(row["source_file"], root)
    return rel.rsplit("/", 1)[0] if "/" in rel else ""


class Ledger:
    """Characters in = imported + dropped with reason, per dialogue and in total."""

    def __init__(self):
        self.input = self.imported = 0
        self.dropped: Counter = Counter()

    def reject(self, reason: str, chars: int) -> None:
        self.input += chars
        self.dropped[reason] += chars

    def add(self, parsed: Parsed, rounds: Rounds) -> None:
        if parsed.input_chars != rounds.imported + sum(rounds.dropped.values()):
            raise RuntimeError(f"import lost characters: {parsed.input_chars} in, {rounds.imported} imported, "
                               f"{dict(rounds.dropped)} dropped")
        self.input += parsed.input_chars
        self.imported += rounds.imported
        self.dropped.update(rounds.dropped)

    def counts(self) -> dict:
        return {"input": self.input, "imported": self.imported, "dropped": dict(sorted(self.dropped.items()))}


def _import_row(row: dict, icfg: ImportConfig, parse, root: str, seen: Counter, ledger: Ledger,
                deid: Deidentifier | None, route_at: str) -> list[dict]:
    """The dialogues of one raw row (on the crisis route from `route_at`); raises Rejected when it holds none."""
    try:
        rec = json.loads(row["raw"])
    except ValueError:
        raise Rejected(MALFORMED_JSON, "not a JSON object") from None
    if not isinstance(rec, dict):
        raise Rejected(MALFORMED_JSON, "not a JSON object")
    post_id = _post_id(rec, row, root)
    seen[post_id] += 1  # the same native id twice (e.g. one post in two splits) stays two dialogues
    pid = post_id if seen[post_id] == 1 else f"{post_id}#{seen[post_id]}"
    folder = _folder(row, root)
    out, lost = [], []
    parsed_all = parse(rec, icfg)
    for parsed in parsed_all:
        rounds = to_rounds(parsed)
        if not rounds.pairs:
            lost.append((parsed, rounds))
            continue
        ledger.add(parsed, rounds)
        metadata = ({"topic": folder} if folder else {}) | parsed.metadata
        out.append(_dialogue(icfg.format, pid + parsed.key, rounds, metadata, route_at,
                             str(rec.get("file") or row["source_file"]), deid))
    for parsed, rounds in lost:  # their characters are dropped with the turn-level reasons
        ledger.add(parsed, rounds)
    if not out:
        exc = Rejected(SCHEMA, "no client turn followed by a counselor turn"
                       + (f" (dropped: {dict(lost[0][1].dropped)})" if lost and lost[0][1].dropped else ""))
        exc.accounted = True  # the ledger has its characters, by turn-level reason
        raise exc
    return out


# What import writes under its output: the record of it is what a rerun may clear (psyllm/io/ownership.py).
WRITES = ("dialogues/part-*.parquet", "quarantine/part-*.parquet")


def run_import(cfg: PsyllmConfig, input_uri: str, output_uri: str) -> StageResult:
    icfg, storage = cfg.importer, cfg.storage
    if icfg.format not in FORMATS:
        raise InputError(f"unknown import format {icfg.format!r}: choose one of {', '.join(FORMATS)}")
    rows, inputs, root = read_rows(input_uri, cfg)
    first = next(rows, None)
    if first is None:  # an empty input is a mistake to report, not a run with zero dialogues
        raise InputError(f"{input_uri}: no records to import (the input is empty)")
    rows = itertools.chain([first], rows)
    out = StageOutput("import", icfg, cfg, output_uri, ([i["sha256"] or i["uri"] for i in inputs],), writes=WRITES,
                      guard=(input_uri, *(i["uri"] for i in inputs)), reads_safety=True)
    if out.done:
        return out.done
    parse = PARSERS[icfg.format]
    deid = Deidentifier() if icfg.deidentify else None
    dialogues = ShardWriter(join(output_uri, "dialogues"), DIALOGUE_SCHEMA, cfg.output.shard_rows, storage)
    quarantine = ShardWriter(join(output_uri, "quarantine"), QUARANTINE_SCHEMA, cfg.output.shard_rows, storage)
    reasons: Counter = Counter()
    seen: Counter = Counter()
    ledger = Ledger()
    read = 0
    for row in rows:
        read += 1
        try:
            written = _import_row(row, icfg, parse, root, seen, ledger, deid, cfg.safety.route_at)
        except Rejected as exc:
            written = []
            reasons[exc.reason] += 1
            if not getattr(exc, "accounted", False):
                ledger.reject(exc.reason, len(row["raw"]))
            quarantine.write_rows([{"source_file": row["source_file"], "line": row["line"], "reason": exc.reason,
                                    "detail": exc.detail[:500], "post_id": None,
                                    "snippet": deid.redact(row["raw"][:200])[0] if deid else row["raw"][:200]}])
        dialogues.write_rows(written)
    shards = {"dialogues": dialogues.close(), "quarantine": quarantine.close()}
    counts = {"read": read, "dialogues": dialogues.rows, "quarantined": quarantine.rows, "by_reason": dict(reasons),
              "chars": ledger.counts()}
    if read > counts["dialogues"] + counts["quarantined"]:  # every row gives a dialogue (PsyQA: one per answer) or a quarantine row
        raise RuntimeError(f"import lost rows: {counts}")
    return out.finish(counts, shards, inputs, format=icfg.format)
