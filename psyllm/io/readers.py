"""Read raw records from jsonl / json(.gz) / parquet / csv / zstandard NDJSON / txt files, folders or globs,
locally or on s3.

Readers never parse meaning: they yield one raw row per input record with where it came from
(`source_file`, 1-based `line`), the record as JSON text (`raw`) and whether its bytes were valid UTF-8.
Parsing, validation and quarantine happen downstream so that every line lands somewhere.

A whole-file document (a `.txt` file, or a `.json` file whose top level is a list of strings or of turn objects,
as CPsyCoun publishes dialogues) is one row `{"document": <text or list>}`: the importer knows what it means.
"""
from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import posixpath
import re
from typing import Iterator

import pandas as pd
import pyarrow.parquet as pq
import zstandard

from psyllm.config.schema import StorageConfig
from psyllm.io.filesystem import filesystem, is_remote

SUPPORTED_SUFFIXES = (".jsonl", ".jsonl.gz", ".json", ".json.gz", ".ndjson", ".parquet", ".csv", ".csv.gz", ".zst",
                      ".txt")
ASIDE_NAMES = {"README", "LICENSE", "LICENCE", "NOTICE", "CHANGELOG", "CITATION"}
DOCUMENT_KEY = "document"  # the one key of a whole-file document row
SPEAKER_KEYS = ("role", "speaker", "from", "sender")
TEXT_KEYS = ("content", "text", "value", "utterance")
GLOB_CHARS = "*?["  # an input that does not exist literally but holds one of these is a glob
ZSTD_WINDOW = 2**31  # Pushshift and Arctic Shift compress with --long=31: a 2 GiB window (memory, not file size)


# A Hugging Face Hub dataset name (org/name): what `psyllm import` loads from the Hub when no such path exists.
HUB_NAME = re.compile(r"^[\w.-]+/[\w.-]+$")


class InputError(ValueError):
    """The input path names nothing readable."""


def input_format(path: str) -> str:
    """The supported suffix a path ends with ("" if none)."""
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


def _is_aside(name: str) -> bool:
    """Hidden files, markers and a dataset's own notes (README.txt, LICENSE.txt) are not data."""
    return name.startswith((".", "_")) or name.split(".", 1)[0].upper() in ASIDE_NAMES


def list_inputs(uri: str, storage: StorageConfig | None = None) -> list[str]:
    """Expand a file, folder (recursive) or glob to a sorted list of supported files."""
    fs, path = filesystem(uri, storage)
    if fs.exists(path):  # literally first: a folder named `exp[12]` is that folder, not a glob matching exp1
        found = fs.find(path) if fs.isdir(path) else [path]
    elif any(ch in path for ch in GLOB_CHARS):
        found = fs.glob(path)
    else:
        raise InputError(f"input not found: {uri}")
    files = sorted(p for p in found if input_format(p) and not _is_aside(p.rsplit("/", 1)[-1]))
    if not files:
        raise InputError(f"no readable inputs ({', '.join(SUPPORTED_SUFFIXES)}) under {uri}")
    return [_qualify(fs, p, uri) for p in files]


def input_root(uri: str, storage: StorageConfig | None = None) -> str:
    """The folder an input names (a folder itself, a glob's fixed part, or a file's folder), without protocol."""
    fs, path = filesystem(uri, storage)
    path = path if is_remote(uri) else os.path.abspath(path)  # local listings are absolute
    if any(ch in path for ch in GLOB_CHARS) and not fs.exists(path):
        path = path[: min(path.index(ch) for ch in GLOB_CHARS if ch in path)]
        return path.rstrip("/") if path.endswith("/") else posixpath.dirname(path)
    return path.rstrip("/") if fs.isdir(path) else posixpath.dirname(path)


def relative_path(file_uri: str, root: str) -> str:
    """A listed file's path under the input root ("Sex/2.json"): its folders are labels (CPsyCounE's topics)."""
    path = file_uri.split("://", 1)[-1]
    rel = posixpath.relpath(path, root) if root else path
    return path.rsplit("/", 1)[-1] if rel.startswith("..") else rel


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


def inputs_digest(uri: str, storage: StorageConfig | None = None) -> str:
    """One sha256 for a file, or for every readable file of a folder or glob (their paths and contents)."""
    files = list_inputs(uri, storage)
    if len(files) == 1:
        return file_digest(files[0], storage)["sha256"]
    root, h = input_root(uri, storage), hashlib.sha256()
    for f in files:
        h.update(f"{relative_path(f, root)}\x1f{file_digest(f, storage)['sha256']}\n".encode())
    return h.hexdigest()


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


def is_document(items: list) -> bool:
    """A JSON list that is one dialogue, not a list of records: strings, or flat speaker/text turn objects."""
    if not items:
        return False
    if all(isinstance(i, str) for i in items):
        return True
    return all(isinstance(i, dict) and any(k in i for k in SPEAKER_KEYS) and any(k in i for k in TEXT_KEYS)
               and not any(isinstance(v, list) for v in i.values()) for i in items)


def _document_row(source: str, content, ok: bool) -> dict:
    return _row(source, 1, json.dumps({DOCUMENT_KEY: content}, ensure_ascii=False), ok)


def _first_line_is_json(head: bytes) -> bool:
    line = head.split(b"\n", 1)[0]
    try:
        json.loads(line)
        return True
    except ValueError:
        return False


def _iter_json(fh, source: str) -> Iterator[dict]:
    """A .json file holds one JSON array of records, one document (a dialogue as a list of turns, or a
    pretty-printed object), or JSON lines."""
    head = fh.read(4096)
    stripped = head.lstrip()
    if stripped.startswith(b"[") or (stripped.startswith(b"{") and not _first_line_is_json(stripped)):
        text, ok = _decode(head + fh.read())
        try:
            items = json.loads(text)
        except json.JSONDecodeError:
            yield _row(source, 1, text[:2000], ok)  # the whole file is one malformed record
            return
        if isinstance(items, dict):
            yield _row(source, 1, json.dumps(items, ensure_ascii=False, default=str), ok)
        elif is_document(items):
            yield _document_row(source, items, ok)
        else:
            for number, item in enumerate(items, start=1):
                yield _row(source, number, json.dumps(item, ensure_ascii=False, default=str), ok)
        return
    yield from _iter_json_lines(io.BufferedReader(_Prepend(head, fh)), source)


def _zstd_lines(fh) -> io.BufferedReader:
    """Decompressed lines of a zstandard stream, never the whole file in memory or on disk."""
    reader = zstandard.ZstdDecompressor(max_window_size=ZSTD_WINDOW).stream_reader(fh, read_across_frames=True)
    return io.BufferedReader(reader, buffer_size=1 << 20)


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
    """Yield raw rows of one input file, streaming (bounded memory except for JSON-array and document files)."""
    fs, path = filesystem(uri, storage)
    fmt = input_format(path)
    with fs.open(path, "rb") as raw_fh:
        fh = gzip.GzipFile(fileobj=raw_fh) if fmt.endswith(".gz") else raw_fh
        if fmt in (".jsonl", ".jsonl.gz", ".ndjson"):
            yield from _iter_json_lines(fh, uri)
        elif fmt == ".zst":  # NDJSON, as the Reddit dumps are published (RS_YYYY-MM.zst)
            yield from _iter_json_lines(_zstd_lines(fh), uri)
        elif fmt == ".txt":
            yield _document_row(uri, *_decode(fh.read()))
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
