"""Files that appear whole or not at all: bytes go to a temporary name, reach the disk, then are renamed into
place (manifests, shards, exported files)."""
from __future__ import annotations

import hashlib
import os
import uuid

from psyllm.io.filesystem import filesystem, is_local, join, move


def write_bytes_atomic(dir_uri: str, name: str, data: bytes, storage=None, rows: int | None = None) -> dict:
    """Write `data` as `dir_uri/name` via a temporary name; return {name, rows, sha256, bytes}."""
    fs, dir_path = filesystem(dir_uri, storage)
    fs.makedirs(dir_path, exist_ok=True)
    tmp = join(dir_path, f".tmp-{uuid.uuid4().hex}-{name}")
    if is_local(fs):
        _write_durable(tmp, join(dir_path, name), data)
    else:  # an object appears whole or not at all; move() copies it under its name without globbing
        with fs.open(tmp, "wb") as fh:
            fh.write(data)
        move(fs, tmp, join(dir_path, name))
    return {"name": name, "rows": rows, "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}


def _write_durable(tmp: str, final: str, data: bytes) -> None:
    """The bytes reach the disk before the rename, and the rename before we return: after a crash the final
    name holds the whole shard or does not exist (never a renamed but empty or torn file)."""
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, final)
    folder = os.open(os.path.dirname(final), os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)
