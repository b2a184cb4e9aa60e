"""Ray Data helpers shared by the stage adapters."""
from __future__ import annotations

import pyarrow as pa
import pyarrow.fs as pafs

from psyllm.config.schema import StorageConfig
from psyllm.io.filesystem import filesystem


def arrow_filesystem(uri: str, storage: StorageConfig) -> tuple[pafs.FileSystem, str]:
    """A pyarrow filesystem (wrapping our fsspec one, so s3 endpoint settings apply) and the path on it."""
    fs, path = filesystem(uri, storage)
    return pafs.PyFileSystem(pafs.FSSpecHandler(fs)), path


def read_shards(dir_uri: str, storage: StorageConfig, columns: list[str] | None = None):
    """A Ray Dataset over the `part-*.parquet` shards of a stage output folder."""
    import ray.data

    fs, path = arrow_filesystem(dir_uri, storage)
    files = sorted(info.path for info in fs.get_file_info(pafs.FileSelector(path)) if info.base_name.startswith("part-"))
    return ray.data.read_parquet(files, filesystem=fs, columns=columns)


def engine_remote_args(eng) -> dict:
    """Ray options for an engine actor: its CPU thread count travels as OMP_NUM_THREADS."""
    import os

    threads = eng.cpu_threads or os.cpu_count() or 1
    args = {"runtime_env": {"env_vars": {"OMP_NUM_THREADS": str(threads)}}}
    if eng.resources:
        args["resources"] = dict(eng.resources)
    return args


class RowsAdapter:
    """A map_batches callable around a plain worker (`rows -> rows`): Arrow in, Arrow of `schema` out.
    Subclasses build their worker in `__init__` (once per actor) and name the output schema."""

    schema: pa.Schema

    def __init__(self, worker):
        self.worker = worker

    def __call__(self, batch: pa.Table) -> pa.Table:
        return pa.Table.from_pylist(self.worker(batch.to_pylist()), schema=self.schema)
