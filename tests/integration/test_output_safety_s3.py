"""On S3 (a local moto server, no Ray): reruns clear only what psyllm wrote, output paths are literal (a rerun into
runs/exp[12] leaves runs/exp1 alone, reading runs/exp[12] never returns exp1's shards), a corrupt shard is named."""
import pyarrow as pa
import pytest
import s3fs

from psyllm.config.schema import StorageConfig
from psyllm.io.manifest import OutputExistsError, prepare_output, read_manifest, write_manifest
from psyllm.io.readers import list_inputs
from psyllm.io.shards import CorruptShardError, ShardWriter, iter_batches, read_table

pytestmark = pytest.mark.integration
SCHEMA = pa.schema([("x", pa.int64())])
WRITES = ("posts/part-*.parquet",)


@pytest.fixture
def s3(s3_endpoint, request):
    """A bucket of its own per test, and the storage settings that reach it."""
    fs = s3fs.S3FileSystem(client_kwargs={"endpoint_url": s3_endpoint}, skip_instance_cache=True)
    bucket = "safety-" + request.node.name.replace("_", "-")[:40].lower().strip("-")
    fs.mkdir(bucket)
    return fs, bucket, StorageConfig(endpoint_url=s3_endpoint)


def _objects(fs, prefix: str) -> dict:
    """Every object under `prefix` with its bytes (a fresh listing each time)."""
    fs.invalidate_cache()
    return {k: fs.cat_file(k) for k in fs.find(prefix)}


def _run(uri: str, rows: list[int], storage, finish: bool, fp: str = "fp", overwrite: bool = False) -> None:
    prepare_output(uri, fp, overwrite, storage, writes=WRITES)
    w = ShardWriter(f"{uri}/posts", SCHEMA, shard_rows=2, storage=storage)
    w.write_rows([{"x": x} for x in rows])
    shards = w.close()
    if finish:
        write_manifest(uri, {"stage": "ingest", "fingerprint": fp, "complete": True, "shards": {"posts": shards}},
                       storage)


def test_rerun_into_bracketed_output_leaves_the_other_run_alone(s3):
    fs, bucket, storage = s3
    _run(f"s3://{bucket}/runs/exp1", [1, 1], storage, finish=True)
    fs.pipe(f"{bucket}/runs/exp1/model/model.safetensors", b"exp1's model")  # what the issue lost
    exp1 = _objects(fs, f"{bucket}/runs/exp1")
    weird = f"s3://{bucket}/runs/exp[12]"

    prepare_output(weird, "fp", False, storage, writes=WRITES)
    with pytest.raises(FileNotFoundError):
        read_table(f"{weird}/posts", storage)  # nothing written yet: never exp1's shards
    _run(weird, [7, 8, 9], storage, finish=False)  # a failed run
    assert read_table(f"{weird}/posts", storage)["x"].to_pylist() == [7, 8, 9]
    prepare_output(weird, "fp", False, storage, writes=WRITES)  # the rerun clears it
    assert sorted(_objects(fs, f"{bucket}/runs/exp[12]")) == [f"{bucket}/runs/exp[12]/.psyllm-output"]
    _run(weird, [4], storage, finish=True)
    _run(weird, [5], storage, finish=True, fp="fp2", overwrite=True)
    assert [b.to_pylist() for b in iter_batches(f"{weird}/posts", storage)] == [[{"x": 5}]]
    assert read_manifest(weird, storage)["fingerprint"] == "fp2"
    assert _objects(fs, f"{bucket}/runs/exp1") == exp1


def test_paths_psyllm_did_not_write_stop_the_clear(s3):
    fs, bucket, storage = s3
    out = f"s3://{bucket}/runs/x"
    _run(out, [1, 2, 3], storage, finish=False)
    fs.pipe(f"{bucket}/runs/x/notes/todo.md", b"the user's")
    before = _objects(fs, f"{bucket}/runs/x")
    with pytest.raises(OutputExistsError, match="notes/todo.md, which psyllm did not write"):
        prepare_output(out, "fp", False, storage, writes=WRITES)
    assert _objects(fs, f"{bucket}/runs/x") == before

    fs.rm_file(f"{bucket}/runs/x/notes/todo.md")
    fs.pipe(f"{bucket}/runs/x/posts.jsonl", b'{"id": "a"}\n')
    with pytest.raises(OutputExistsError, match="contains this stage's input"):
        prepare_output(out, "fp", False, storage, writes=WRITES, inputs=(f"{out}/posts.jsonl",))
    assert fs.cat_file(f"{bucket}/runs/x/posts.jsonl") == b'{"id": "a"}\n'


def test_a_corrupt_shard_on_s3_is_named(s3):
    fs, bucket, storage = s3
    out = f"s3://{bucket}/runs/exp[12]"
    _run(out, [1, 2, 3], storage, finish=True)
    key = f"{bucket}/runs/exp[12]/posts/part-00001.parquet"
    fs.pipe(key, fs.cat_file(key)[:-1] + b"\x00")
    with pytest.raises(CorruptShardError, match=r"exp\[12\]/posts/part-00001.parquet is corrupt"):
        read_table(f"{out}/posts", storage)


def test_an_input_that_exists_literally_is_read_literally(s3):
    fs, bucket, storage = s3
    fs.pipe(f"{bucket}/raw/exp1/a.jsonl", b"{}\n")
    fs.pipe(f"{bucket}/raw/exp[12]/b.jsonl", b"{}\n")
    assert list_inputs(f"s3://{bucket}/raw/exp[12]", storage) == [f"s3://{bucket}/raw/exp[12]/b.jsonl"]
    assert list_inputs(f"s3://{bucket}/raw/exp[1]/*.jsonl", storage) == [f"s3://{bucket}/raw/exp1/a.jsonl"]
