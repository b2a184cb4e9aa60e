"""Parquet shards written atomically: the bytes go to a temporary name, are flushed to disk, then renamed into
place. A finished output's shards are read back only if their sha256 matches the manifest."""
from __future__ import annotations

import hashlib

import pyarrow as pa
import pyarrow.parquet as pq

from psyllm.io.atomic import write_bytes_atomic
from psyllm.io.filesystem import children, filesystem, is_remote, join
from psyllm.io.manifest import read_manifest
from psyllm.io.readers import InputError

SHARDS = "part-*.parquet"


class CorruptShardError(InputError):
    """A shard's bytes are not the ones its manifest recorded (or it is missing)."""


def write_table_atomic(table: pa.Table, dir_uri: str, name: str, storage=None) -> dict:
    """Write `table` as the Parquet file `dir_uri/name`; return its manifest entry."""
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, compression="zstd")
    return write_bytes_atomic(dir_uri, name, sink.getvalue().to_pybytes(), storage, rows=table.num_rows)


class ShardWriter:
    """Buffers rows of one schema and writes `part-NNNNN.parquet` shards of at most `shard_rows` rows."""

    def __init__(self, dir_uri: str, schema: pa.Schema, shard_rows: int, storage=None, existing: list[dict] | None = None):
        """`existing`: shards already in `dir_uri` from an unfinished run; numbering continues after them."""
        self.dir_uri, self.schema, self.shard_rows, self.storage = dir_uri, schema, shard_rows, storage
        self._pending: list[pa.RecordBatch] = []
        self._pending_rows = 0
        self.shards: list[dict] = list(existing or [])

    @property
    def rows(self) -> int:
        return sum(s["rows"] for s in self.shards) + self._pending_rows

    def write_rows(self, rows: list[dict]) -> None:
        if rows:
            self.write_batch(pa.RecordBatch.from_pylist(rows, schema=self.schema))

    def write_batch(self, batch: pa.RecordBatch | pa.Table) -> None:
        batches = batch.to_batches() if isinstance(batch, pa.Table) else [batch]
        for b in batches:
            self._pending.append(b)
            self._pending_rows += b.num_rows
            while self._pending_rows >= self.shard_rows:
                self._flush(self.shard_rows)

    def _flush(self, limit: int) -> None:
        table = pa.Table.from_batches(self._pending, schema=self.schema)
        head, tail = table.slice(0, limit), table.slice(limit)
        self._pending = tail.to_batches()
        self._pending_rows = tail.num_rows
        name = f"part-{len(self.shards):05d}.parquet"
        self.shards.append(write_table_atomic(head, self.dir_uri, name, self.storage))

    def flush(self) -> None:
        """Write what is pending now (a checkpoint a resumed run can build on)."""
        if self._pending_rows:
            self._flush(self._pending_rows)

    def close(self) -> list[dict]:
        """Flush what is left; an empty output still gets one (empty) shard so readers see the schema."""
        if self._pending_rows or not self.shards:
            self._flush(max(self._pending_rows, 0))
        return self.shards


def recorded_shards(dir_uri: str, storage=None) -> list[dict] | None:
    """The shard entries a manifest records for the folder `dir_uri` (the output's `posts`, or export's
    `parquet/train` two levels down), or None when no manifest lists it (staging, an unfinished run)."""
    parts = (dir_uri if is_remote(dir_uri) else filesystem(dir_uri)[1]).rstrip("/").split("/")
    for depth in (1, 2):
        parent = "/".join(parts[:-depth])
        if len(parts) <= depth or parent.endswith(":/"):  # no folder above to hold a manifest
            break
        manifest = read_manifest(parent or "/", storage) or {}
        entries = (manifest.get("shards") or {}).get("/".join(parts[-depth:]))
        if entries is not None:
            return entries
    return None


def _shards(dir_uri: str, storage) -> list[tuple[str, dict | None]]:
    """(path, manifest entry or None) of each shard, in order: exactly the ones the manifest lists, else the
    `part-*.parquet` files in the folder (listed literally: a folder named `exp[12]` is not a glob)."""
    fs, path = filesystem(dir_uri, storage)
    recorded = recorded_shards(dir_uri, storage)
    if recorded is None:
        return [(p, None) for p in children(fs, path, SHARDS)]
    return [(join(path, e["name"]), e) for e in recorded]


def _verified_bytes(fs, path: str, entry: dict | None) -> bytes:
    """The shard's bytes, checked against its manifest entry's sha256 (hashed once, from memory)."""
    try:
        with fs.open(path, "rb") as fh:
            data = fh.read()
    except FileNotFoundError:
        raise CorruptShardError(f"shard {path} is listed in its manifest but missing") from None
    if entry and entry.get("sha256") and hashlib.sha256(data).hexdigest() != entry["sha256"]:
        raise CorruptShardError(f"shard {path} is corrupt: its sha256 is not the {entry['sha256']} its manifest "
                                "recorded (rerun the stage that wrote it with --overwrite)")
    return data


def read_table(dir_uri: str, storage=None, columns: list[str] | None = None) -> pa.Table:
    """Read every shard under `dir_uri` into one table (tests, small outputs), verified against its manifest."""
    fs, _ = filesystem(dir_uri, storage)
    tables = [pq.read_table(pa.BufferReader(_verified_bytes(fs, p, e)), columns=columns)
              for p, e in _shards(dir_uri, storage)]
    if not tables:
        raise FileNotFoundError(f"no shards under {dir_uri}")
    return pa.concat_tables(tables)


def iter_batches(dir_uri: str, storage=None, batch_size: int = 8192, columns: list[str] | None = None):
    """Stream record batches from every shard under `dir_uri`, in shard order. A shard is held in memory once
    and verified before any of its rows is yielded."""
    fs, _ = filesystem(dir_uri, storage)
    for p, e in _shards(dir_uri, storage):
        data = _verified_bytes(fs, p, e)
        yield from pq.ParquetFile(pa.BufferReader(data)).iter_batches(batch_size=batch_size, columns=columns)


def existing_shards(dir_uri: str, storage=None, columns: list[str] | None = None) -> tuple[list[dict], list[dict]]:
    """Shard entries (name, rows, sha256, bytes) already under `dir_uri`, and their rows' `columns`."""
    fs, path = filesystem(dir_uri, storage)
    entries, rows = [], []
    for name in children(fs, path, SHARDS):
        with fs.open(name, "rb") as fh:
            data = fh.read()
        table = pq.read_table(pa.BufferReader(data), columns=columns)
        entries.append({"name": name.rsplit("/", 1)[-1], "rows": table.num_rows,
                        "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)})
        rows += table.to_pylist()
    return entries, rows
