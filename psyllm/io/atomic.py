"""Files that appear whole or not at all: bytes go to a temporary name, reach the disk, then are renamed into
place (manifests, shards, exported files)."""
from __future__ import annotations

import hashlib
import os
import uuid

from psyllm.io.filesystem import filesystem, is_local, join, move


class AtomicFile:
    """A file written piece by piece (an export's JSONL streamed from Ray Data) that still appears whole or not at
    all: the pieces go to a temporary name, which `close` renames into place once they are on disk."""

    def __init__(self, dir_uri: str, name: str, storage=None):
        self.fs, dir_path = filesystem(dir_uri, storage)
        self.fs.makedirs(dir_path, exist_ok=True)
        self.name, self.final = name, join(dir_path, name)
        self.tmp = join(dir_path, f".tmp-{uuid.uuid4().hex}-{name}")
        self._local = is_local(self.fs)
        # An object store uploads the stream in parts; nothing appears under the final name until close().
        self._fh = open(self.tmp, "wb") if self._local else self.fs.open(self.tmp, "wb")
        self._sha, self._bytes = hashlib.sha256(), 0
        self.closed = False  # a file object's attribute: pyarrow's ParquetWriter streams into one and checks it

    def write(self, data: bytes) -> None:
        self._fh.write(data)
        self._sha.update(data)
        self._bytes += len(data)

    def close(self, rows: int | None = None) -> dict:
        """Put the file in place; return {name, rows, sha256, bytes}."""
        self.closed = True
        if self._local:
            _close_durable(self._fh, self.tmp, self.final)
        else:  # an object appears whole or not at all; move() copies it under its name without globbing
            self._fh.close()
            move(self.fs, self.tmp, self.final)
        return {"name": self.name, "rows": rows, "sha256": self._sha.hexdigest(), "bytes": self._bytes}


def write_bytes_atomic(dir_uri: str, name: str, data: bytes, storage=None, rows: int | None = None) -> dict:
    """Write `data` as `dir_uri/name` via a temporary name; return {name, rows, sha256, bytes}."""
    out = AtomicFile(dir_uri, name, storage)
    out.write(data)
    return out.close(rows)


def _close_durable(fh, tmp: str, final: str) -> None:
    """The bytes reach the disk before the rename, and the rename before we return: after a crash the final
    name holds the whole shard or does not exist (never a renamed but empty or torn file)."""
    fh.flush()
    os.fsync(fh.fileno())
    fh.close()
    os.replace(tmp, final)
    folder = os.open(os.path.dirname(final), os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)
