"""`psyllm import`: rows of a public dataset (local files, s3://, or a Hub dataset name) -> psyllm dialogue records
under <output>/dialogues, malformed rows under <output>/quarantine with their reasons, and a manifest; the filter,
export, train and evaluate stages then run on them unchanged. One process: it is I/O over finished data."""
from __future__ import annotations

import hashlib
import json
import re
import time
from collections import Counter
from typing import Iterator

from psyllm import __version__
from psyllm.clinical.frameworks import detect_approach
from psyllm.clinical.icd11 import find_codes
from psyllm.config import fingerprint, to_dict
from psyllm.config.schema import ImportConfig, PsyllmConfig
from psyllm.ingest.deid import Deidentifier
from psyllm.ingest.hygiene import clean_text
from psyllm.ingest.quarantine import MALFORMED_JSON, Rejected
from psyllm.safety import assess_conversation, at_least
from psyllm.interop.formats import FORMATS, PARSERS
from psyllm.io.filesystem import join
from psyllm.io.manifest import StageResult, prepare_output, write_manifest
from psyllm.io.readers import InputError, file_digest, iter_raw_rows, list_inputs
from psyllm.io.shards import ShardWriter
from psyllm.records import DIALOGUE_SCHEMA, QUARANTINE_SCHEMA

HUB_NAME = re.compile(r"^[\w.-]+/[\w.-]+$")


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


def read_rows(uri: str, cfg: PsyllmConfig) -> tuple[Iterator[dict], list[dict]]:
    """(raw rows, input records for the manifest) from files/folders/globs/s3:// or a Hub dataset name."""
    try:
        files = list_inputs(uri, cfg.storage)
    except InputError:
        if not HUB_NAME.match(uri):
            raise
        return _hub_rows(uri, list(cfg.importer.hub_splits)), [{"uri": f"hf://{uri}", "sha256": "", "bytes": None}]
    rows = (row for f in files for row in iter_raw_rows(f, cfg.storage))
    return rows, [file_digest(f, cfg.storage) for f in files]


def _dialogue(fmt: str, post_id: str, rounds: list[tuple[str, str, str]], cfg: ImportConfig, source: str,
              deid: Deidentifier | None) -> dict:
    table: dict = {}
    clean = []
    for client, reasoning, reply in rounds:
        client, reasoning, reply = (clean_text(t) for t in (client, reasoning, reply))  # the clean-up ingest applies
        if deid:  # one table per dialogue: the same name gets the same placeholder in every turn
            client, reply, reasoning = (deid.redact(t, table)[0] for t in (client, reply, reasoning))
        clean.append((client, reasoning, reply))
    risk = assess_conversation([{"role": "user", "content": c} for c, _, _ in clean]).level  # any client turn
    return {
        "sample_id": hashlib.sha256(f"{fmt}\x1f{post_id}".encode()).hexdigest()[:20], "post_id": post_id,
        "sample_index": 0, "route": "crisis" if at_least(risk, cfg.route_at) else "standard", "risk_level": risk,
        "plan_rounds": len(clean), "reason_format": "think",
        "rounds": [{"index": i, "focus": "", "client": c, "counselor_reasoning": r, "counselor_reply": a,
                    "approach": detect_approach(r) or "", "icd11_hypotheses": find_codes(r)} for i, (c, r, a) in enumerate(clean)],
        "prompt_versions": "{}", "models": json.dumps({"source": fmt, "file": source}), "sampling": "{}", "seed": 0,
        "prompt_tokens": 0, "completion_tokens": 0,
    }


def _post_id(rec: dict, row: dict) -> str:
    native = rec.get("post_id") or rec.get("id")
    return str(native) if native not in (None, "") else f"{row['source_file'].rsplit('/', 1)[-1]}:{row['line']}"


def run_import(cfg: PsyllmConfig, input_uri: str, output_uri: str) -> StageResult:
    icfg, storage = cfg.importer, cfg.storage
    if icfg.format not in FORMATS:
        raise InputError(f"unknown import format {icfg.format!r}: choose one of {', '.join(FORMATS)}")
    rows, inputs = read_rows(input_uri, cfg)
    fp = fingerprint("import", to_dict(icfg), [i["sha256"] or i["uri"] for i in inputs], __version__)
    done = prepare_output(output_uri, fp, cfg.output.overwrite, storage)
    if done is not None:
        return StageResult(output_uri, done, skipped=True)
    started = time.time()
    parse = PARSERS[icfg.format]
    deid = Deidentifier() if icfg.deidentify else None
    dialogues = ShardWriter(join(output_uri, "dialogues"), DIALOGUE_SCHEMA, cfg.output.shard_rows, storage)
    quarantine = ShardWriter(join(output_uri, "quarantine"), QUARANTINE_SCHEMA, cfg.output.shard_rows, storage)
    reasons: Counter = Counter()
    seen: Counter = Counter()
    read = 0
    for row in rows:
        read += 1
        try:
            try:
                rec = json.loads(row["raw"])
            except ValueError:
                raise Rejected(MALFORMED_JSON, "not a JSON object") from None
            if not isinstance(rec, dict):
                raise Rejected(MALFORMED_JSON, "not a JSON object")
            post_id = _post_id(rec, row)
            seen[post_id] += 1  # the same native id twice (e.g. one post in two splits) stays two dialogues
            pid = post_id if seen[post_id] == 1 else f"{post_id}#{seen[post_id]}"
            dialogues.write_rows([_dialogue(icfg.format, pid, parse(rec, icfg), icfg,
                                         str(rec.get("file") or row["source_file"]), deid)])
        except Rejected as exc:
            reasons[exc.reason] += 1
            quarantine.write_rows([{"source_file": row["source_file"], "line": row["line"], "reason": exc.reason,
                                    "detail": exc.detail[:500], "post_id": None,
                                    "snippet": deid.redact(row["raw"][:200])[0] if deid else row["raw"][:200]}])
    shards = {"dialogues": dialogues.close(), "quarantine": quarantine.close()}
    counts = {"read": read, "dialogues": dialogues.rows, "quarantined": quarantine.rows, "by_reason": dict(reasons)}
    if read != counts["dialogues"] + counts["quarantined"]:  # every row is accounted for
        raise RuntimeError(f"import lost rows: {counts}")
    manifest = {"stage": "import", "fingerprint": fp, "psyllm_version": __version__, "complete": True,
                "format": icfg.format, "inputs": inputs, "config": to_dict(icfg), "counts": counts,
                "seconds": round(time.time() - started, 3), "shards": shards}
    write_manifest(output_uri, manifest, storage)
    return StageResult(output_uri, manifest, skipped=False)
