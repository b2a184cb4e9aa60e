"""Parquet shards written atomically: the bytes go to a temporary name, then are renamed into place."""
from __future__ import annotations

import hashlib
import uuid

import pyarrow as pa
import pyarrow.parquet as pq

from psyllm.io.filesystem import filesystem, join


def write_bytes_atomic(dir_uri: str, name: str, data: bytes, storage=None, rows: int | None = None) -> dict:
    """Write `data` as `dir_uri/name` via a temporary name; return {name, rows, sha256, bytes}."""
    fs, dir_path = filesystem(dir_uri, storage)
    fs.makedirs(dir_path, exist_ok=True)
    tmp = join(dir_path, f".tmp-{uuid.uuid4().hex}-{name}")
    with fs.open(tmp, "wb") as fh:
        fh.write(data)
    fs.mv(tmp, join(dir_path, name))
    return {"name": name, "rows": rows, "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}


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


def read_table(dir_uri: str, storage=None, columns: list[str] | None = None) -> pa.Table:
    """Read every `part-*.parquet` shard under `dir_uri` into one table (tests, small outputs)."""
    fs, path = filesystem(dir_uri, storage)
    names = sorted(p for p in fs.glob(join(path, "part-*.parquet")))
    tables = []
    for name in names:
        with fs.open(name, "rb") as fh:
            tables.append(pq.read_table(fh, columns=columns))
    if not tables:
        raise FileNotFoundError(f"no shards under {dir_uri}")
    return pa.concat_tables(tables)


def iter_batches(dir_uri: str, storage=None, batch_size: int = 8192, columns: list[str] | None = None):
    """Stream record batches from every shard under `dir_uri`, in shard order."""
    fs, path = filesystem(dir_uri, storage)
    for name in sorted(fs.glob(join(path, "part-*.parquet"))):
        with fs.open(name, "rb") as fh:
            yield from pq.ParquetFile(fh).iter_batches(batch_size=batch_size, columns=columns)


def existing_shards(dir_uri: str, storage=None, columns: list[str] | None = None) -> tuple[list[dict], list[dict]]:
    """Shard entries (name, rows, sha256, bytes) already under `dir_uri`, and their rows' `columns`."""
    fs, path = filesystem(dir_uri, storage)
    entries, rows = [], []
    for name in sorted(fs.glob(join(path, "part-*.parquet"))):
        with fs.open(name, "rb") as fh:
            data = fh.read()
        table = pq.read_table(pa.BufferReader(data), columns=columns)
        entries.append({"name": name.rsplit("/", 1)[-1], "rows": table.num_rows,
                        "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)})
        rows += table.to_pylist()
    return entries, rows
