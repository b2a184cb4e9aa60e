"""Read raw records from jsonl / json(.gz) / parquet / csv files, folders or globs, locally or on s3.

Readers never parse meaning: they yield one raw row per input record with where it came from
(`source_file`, 1-based `line`), the record as JSON text (`raw`) and whether its bytes were valid UTF-8.
Parsing, validation and quarantine happen downstream so that every line lands somewhere.
"""
from __future__ import annotations

import gzip
import hashlib
import io
import json
from typing import Iterator

import pandas as pd
import pyarrow.parquet as pq

from psyllm.config.schema import StorageConfig
from psyllm.io.filesystem import filesystem, is_remote

SUPPORTED_SUFFIXES = (".jsonl", ".jsonl.gz", ".json", ".json.gz", ".ndjson", ".parquet", ".csv", ".csv.gz")


class InputError(ValueError):
    """The input path names nothing readable."""


def _fmt(path: str) -> str:
    name = path.lower()
    for suffix in SUPPORTED_SUFFIXES:
        if name.endswith(suffix):
            return suffix
    return ""


def _qualify(fs, path: str, uri: str) -> str:
    if not is_remote(uri):
        return path
    proto = fs.protocol if isinstance(fs.protocol, str) else fs.protocol[0]
    return f"{proto}://{path}"


def list_inputs(uri: str, storage: StorageConfig | None = None) -> list[str]:
    """Expand a file, folder (recursive) or glob to a sorted list of supported files."""
    fs, path = filesystem(uri, storage)
    if any(ch in path for ch in "*?["):
        found = fs.glob(path)
    elif fs.isdir(path):
        found = fs.find(path)
    elif fs.exists(path):
        found = [path]
    else:
        raise InputError(f"input not found: {uri}")
    files = sorted(p for p in found if _fmt(p) and not p.rsplit("/", 1)[-1].startswith((".", "_")))
    if not files:
        raise InputError(f"no readable inputs ({', '.join(SUPPORTED_SUFFIXES)}) under {uri}")
    return [_qualify(fs, p, uri) for p in files]


def file_digest(uri: str, storage: StorageConfig | None = None) -> dict:
    """sha256 and size of a file's bytes, streamed."""
    fs, path = filesystem(uri, storage)
    h = hashlib.sha256()
    size = 0
    with fs.open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)
            size += len(chunk)
    return {"uri": uri, "sha256": h.hexdigest(), "bytes": size}


def _row(source: str, line: int, raw: str, valid_utf8: bool = True) -> dict:
    return {"source_file": source, "line": line, "raw": raw, "valid_utf8": valid_utf8}


def _decode(data: bytes) -> tuple[str, bool]:
    try:
        return data.decode("utf-8"), True
    except UnicodeDecodeError:
        return data.decode("utf-8", errors="replace"), False


def _iter_json_lines(fh, source: str) -> Iterator[dict]:
    for number, data in enumerate(fh, start=1):
        text, ok = _decode(data.rstrip(b"\r\n"))
        if text.strip() or not ok:
            yield _row(source, number, text, ok)
        else:
            yield _row(source, number, "")  # a blank line is still a line: it is quarantined as empty


def _iter_json(fh, source: str) -> Iterator[dict]:
    """A .json file holds either one JSON array of records or JSON lines."""
    head = fh.read(4096)
    stripped = head.lstrip()
    if stripped.startswith(b"["):
        text, ok = _decode(head + fh.read())
        try:
            items = json.loads(text)
        except json.JSONDecodeError as exc:
            yield _row(source, 1, text[:2000], ok)  # the whole file is one malformed record
            return
        for number, item in enumerate(items, start=1):
            yield _row(source, number, json.dumps(item, ensure_ascii=False, default=str), ok)
        return
    yield from _iter_json_lines(io.BufferedReader(_Prepend(head, fh)), source)


class _Prepend(io.RawIOBase):
    """A readable stream that replays bytes already read before the rest of `fh`."""

    def __init__(self, head: bytes, fh):
        self._head, self._fh = head, fh

    def readable(self) -> bool:
        return True

    def readinto(self, buf) -> int:
        if self._head:
            n = min(len(buf), len(self._head))
            buf[:n], self._head = self._head[:n], self._head[n:]
            return n
        data = self._fh.read(len(buf))
        buf[: len(data)] = data
        return len(data)


def _records_to_rows(records: list[dict], source: str, start: int) -> Iterator[dict]:
    for offset, rec in enumerate(records):
        clean = {k: (None if isinstance(v, float) and v != v else v) for k, v in rec.items()}  # NaN -> null
        yield _row(source, start + offset, json.dumps(clean, ensure_ascii=False, default=str))


def iter_raw_rows(uri: str, storage: StorageConfig | None = None, chunk_rows: int = 4096) -> Iterator[dict]:
    """Yield raw rows of one input file, streaming (bounded memory except for JSON-array files)."""
    fs, path = filesystem(uri, storage)
    fmt = _fmt(path)
    with fs.open(path, "rb") as raw_fh:
        fh = gzip.GzipFile(fileobj=raw_fh) if fmt.endswith(".gz") else raw_fh
        if fmt in (".jsonl", ".jsonl.gz", ".ndjson"):
            yield from _iter_json_lines(fh, uri)
        elif fmt in (".json", ".json.gz"):
            yield from _iter_json(fh, uri)
        elif fmt == ".parquet":
            line = 1
            for batch in pq.ParquetFile(fh).iter_batches(batch_size=chunk_rows):
                records = batch.to_pylist()
                yield from _records_to_rows(records, uri, line)
                line += len(records)
        elif fmt in (".csv", ".csv.gz"):
            line = 1
            text = io.TextIOWrapper(fh, encoding="utf-8", errors="replace", newline="")
            for frame in pd.read_csv(text, dtype=str, keep_default_na=False, chunksize=chunk_rows):
                records = frame.to_dict(orient="records")
                yield from _records_to_rows(records, uri, line)
                line += len(records)
        else:
            raise InputError(f"unsupported input format: {uri}")
