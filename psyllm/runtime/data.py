"""Ray Data helpers shared by the stage adapters."""
from __future__ import annotations

import fnmatch

import pyarrow as pa
import pyarrow.fs as pafs

from psyllm.config.schema import StorageConfig
from psyllm.io.filesystem import filesystem
from psyllm.io.shards import SHARDS, CorruptShardError, recorded_shards


def arrow_filesystem(uri: str, storage: StorageConfig) -> tuple[pafs.FileSystem, str]:
    """A pyarrow filesystem (wrapping our fsspec one, so s3 endpoint settings apply) and the path on it."""
    fs, path = filesystem(uri, storage)
    return pafs.PyFileSystem(pafs.FSSpecHandler(fs)), path


def read_shards(dir_uri: str, storage: StorageConfig, columns: list[str] | None = None):
    """A Ray Dataset over the shards of a stage output folder: exactly those its manifest lists, each checked to
    exist with the size recorded (free: the listing has it; the sha256 is checked by psyllm.io.shards' readers,
    here it would cost a second read of every byte), else the folder's `part-*.parquet` files (staging)."""
    import ray.data

    fs, path = arrow_filesystem(dir_uri, storage)
    infos = {info.base_name: info for info in fs.get_file_info(pafs.FileSelector(path, allow_not_found=True))}
    recorded = recorded_shards(dir_uri, storage)
    if recorded is None:
        files = sorted(i.path for name, i in infos.items() if fnmatch.fnmatchcase(name, SHARDS))
    else:
        for e in recorded:
            info = infos.get(e["name"])
            if info is None or (e.get("bytes") is not None and info.size != e["bytes"]):
                raise CorruptShardError(f"shard {path}/{e['name']} is missing or not the {e.get('bytes')} bytes its "
                                        "manifest recorded (rerun the stage that wrote it with --overwrite)")
        files = [infos[e["name"]].path for e in recorded]
    return ray.data.read_parquet(files, filesystem=fs, columns=columns)


def engine_remote_args(place) -> dict:
    """Ray options for an engine actor (from its `PlacementConfig`): its CPU thread count travels as OMP_NUM_THREADS."""
    import os

    threads = place.cpu_threads or os.cpu_count() or 1
    args = {"runtime_env": {"env_vars": {"OMP_NUM_THREADS": str(threads)}}}
    if place.resources:
        args["resources"] = dict(place.resources)
    return args


def engine_map_args(place) -> dict:
    """map_batches options for a stage on engine actors placed by `place` (batch size, replicas, resources)."""
    return dict(batch_format="pyarrow", batch_size=place.batch_size, num_cpus=place.num_cpus,
                num_gpus=place.num_gpus or None, **engine_remote_args(place))


def continuous_map(ds, fn, fn_args: tuple, place, max_in_flight: int):
    """`fn` (an AsyncRowsAdapter) on the engine actors placed by `place`, fed continuously: enough calls per replica
    to keep `max_in_flight` rows started plus one batch waiting, and blocks of one batch each, so a call's output
    leaves its task without waiting for the task's other batches (psyllm/engines/inflight.py)."""
    import ray.data

    calls = -(-max_in_flight // place.batch_size) + 1
    ds = ds.repartition(target_num_rows_per_block=place.batch_size)
    return ds.map_batches(fn, fn_constructor_args=fn_args, compute=ray.data.ActorPoolStrategy(
        size=place.replicas, max_concurrent_calls_per_actor=calls), **engine_map_args(place))


def _rows_task(batch: pa.Table, make_worker, args: tuple, schema: pa.Schema) -> pa.Table:
    return pa.Table.from_pylist(make_worker(*args)(batch.to_pylist()), schema=schema)


def map_rows(ds, make_worker, args: tuple, schema: pa.Schema, concurrency: int, **options):
    """A plain `rows -> rows` worker, `make_worker(*args)` (cheap to build: built per batch), over `ds` as Ray tasks:
    Arrow in, Arrow of `schema` out. Tasks run on pooled worker processes, reused from dataset to dataset and
    stage to stage of one Ray session; each actor of an actor pool is a new process that imports psyllm first
    (~3 s apiece on a loaded 2-core machine), so only stateful workers (engines) get actors."""
    import ray.data

    return ds.map_batches(_rows_task, fn_args=(make_worker, args, schema), batch_format="pyarrow",
                          compute=ray.data.TaskPoolStrategy(size=concurrency), **options)


class RowsAdapter:
    """A map_batches callable around a plain worker (`rows -> rows`): Arrow in, Arrow of `schema` out.
    Subclasses build their worker in `__init__` (once per actor) and name the output schema."""

    schema: pa.Schema

    def __init__(self, worker):
        self.worker = worker

    def __call__(self, batch: pa.Table) -> pa.Table:
        return pa.Table.from_pylist(self.worker(batch.to_pylist()), schema=self.schema)


class AsyncRowsAdapter(RowsAdapter):
    """A RowsAdapter around an async worker (`rows -> awaitable rows`): Ray Data runs it on one event loop per
    actor, several calls at once."""

    async def __call__(self, batch: pa.Table) -> pa.Table:
        return pa.Table.from_pylist(await self.worker(batch.to_pylist()), schema=self.schema)
