"""Parquet shards written atomically: the bytes go to a temporary name, are flushed to disk, then renamed into
place. A finished output's shards are read back only if their sha256 matches the manifest."""
from __future__ import annotations

import hashlib

import pyarrow as pa
import pyarrow.parquet as pq

from psyllm.io.atomic import AtomicFile
from psyllm.io.filesystem import children, filesystem, is_remote, join
from psyllm.io.manifest import read_manifest
from psyllm.io.readers import InputError

SHARDS = "part-*.parquet"


class CorruptShardError(InputError):
    """A shard's bytes are not the ones its manifest recorded (or it is missing)."""


class ShardWriter:
    """Streams rows of one schema into `part-NNNNN.parquet` shards of at most `shard_rows` rows. A shard is written
    row group by row group under a temporary name and renamed into place when it is full (or on `flush`/`close`),
    so memory holds less than one row group however many rows pass: a buffer of a whole shard (50,000 rows by
    default) made export's driver memory grow with the data (docs/scale.md). Row groups are cut at fixed row
    counts, so the same rows give the same bytes whatever batches they came in."""

    row_group_rows = 4096

    def __init__(self, dir_uri: str, schema: pa.Schema, shard_rows: int, storage=None, existing: list[dict] | None = None):
        """`existing`: shards already in `dir_uri` from an unfinished run; numbering continues after them."""
        self.dir_uri, self.schema, self.shard_rows, self.storage = dir_uri, schema, shard_rows, storage
        self._pending: list[pa.RecordBatch] = []
        self._pending_rows = 0
        self._open: tuple[AtomicFile, pq.ParquetWriter] | None = None
        self._open_rows = 0  # rows already in the open shard's row groups
        self.shards: list[dict] = list(existing or [])

    @property
    def rows(self) -> int:
        return sum(s["rows"] for s in self.shards) + self._open_rows + self._pending_rows

    def write_rows(self, rows: list[dict]) -> None:
        if rows:
            self.write_batch(pa.RecordBatch.from_pylist(rows, schema=self.schema))

    def write_batch(self, batch: pa.RecordBatch | pa.Table) -> None:
        batches = batch.to_batches() if isinstance(batch, pa.Table) else [batch]
        for b in batches:
            self._pending.append(b)
            self._pending_rows += b.num_rows
            while self._pending_rows and self._pending_rows >= self._group_rows():
                self._write_group(self._group_rows())

    def _group_rows(self) -> int:
        """Rows the next row group takes: a full group, or what the open shard has room for."""
        return min(self.row_group_rows, self.shard_rows - self._open_rows)

    def _write_group(self, n: int) -> None:
        table = pa.Table.from_batches(self._pending, schema=self.schema)
        head, tail = table.slice(0, n), table.slice(n)
        self._pending, self._pending_rows = tail.to_batches(), tail.num_rows
        self._open_shard()[1].write_table(head, row_group_size=n)
        self._open_rows += n
        if self._open_rows >= self.shard_rows:
            self._close_shard()

    def _open_shard(self) -> tuple[AtomicFile, pq.ParquetWriter]:
        if self._open is None:
            out = AtomicFile(self.dir_uri, f"part-{len(self.shards):05d}.parquet", self.storage)
            self._open = out, pq.ParquetWriter(out, self.schema, compression="zstd")
        return self._open

    def _close_shard(self) -> None:
        out, writer = self._open
        writer.close()  # the footer; the file object stays open for AtomicFile to put in place
        self.shards.append(out.close(self._open_rows))
        self._open, self._open_rows = None, 0

    def flush(self) -> None:
        """Put what is written and pending in place now (a checkpoint a resumed run can build on)."""
        if self._pending_rows:
            self._write_group(self._pending_rows)
        if self._open is not None:
            self._close_shard()

    def close(self) -> list[dict]:
        """Flush what is left; an empty output still gets one (empty) shard so readers see the schema."""
        self.flush()
        if not self.shards:
            self._open_shard()
            self._close_shard()
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
