"""psyllm clears only what it wrote, takes output paths literally, and reads back only shards whose bytes are the
ones its manifest recorded (local files; tests/integration/test_output_safety_s3.py does the same on S3)."""
import json
import os

import pyarrow as pa
import pytest

from psyllm.io.manifest import OutputExistsError, prepare_output, read_manifest, write_manifest
from psyllm.io.readers import list_inputs
from psyllm.io.atomic import write_bytes_atomic
from psyllm.io.shards import CorruptShardError, ShardWriter, iter_batches, read_table

SCHEMA = pa.schema([("x", pa.int64())])
WRITES = ("posts/part-*.parquet", "model/**")


def _files(root) -> dict:
    """Every file under `root` with its bytes."""
    return {os.path.relpath(os.path.join(d, f), root): open(os.path.join(d, f), "rb").read()
            for d, _, names in os.walk(root) for f in names}


def _run(out: str, rows: list[int], finish: bool, fp: str = "fp", overwrite: bool = False) -> None:
    """A stage run into `out`: prepare, write shards and a model file, and (when `finish`) the manifest."""
    prepare_output(out, fp, overwrite, writes=WRITES)
    w = ShardWriter(f"{out}/posts", SCHEMA, shard_rows=2)
    w.write_rows([{"x": x} for x in rows])
    shards = w.close()
    os.makedirs(f"{out}/model", exist_ok=True)
    with open(f"{out}/model/weights.bin", "wb") as fh:
        fh.write(b"w")
    if finish:
        write_manifest(out, {"stage": "ingest", "fingerprint": fp, "complete": True, "shards": {"posts": shards}})


def test_rerun_after_failure_clears_only_what_it_recorded(tmp_path):
    out = str(tmp_path / "run")
    _run(out, [1, 2, 3], finish=False)
    record = json.loads(open(f"{out}/.psyllm-output").read())
    assert record == {"fingerprint": "fp", "writes": list(WRITES)}  # written before the first shard
    open(f"{out}/posts/.tmp-{'0' * 32}-part-00009.parquet", "wb").close()  # a write cut short
    prepare_output(out, "fp", overwrite=False, writes=WRITES)
    assert sorted(_files(out)) == [".psyllm-output"]
    assert sorted(os.listdir(out)) == [".psyllm-output"]  # the folders it emptied go too


@pytest.mark.parametrize("foreign", ["notes/todo.md", "posts/mine.txt", "model/../keep.txt", "empty-dir/"])
def test_a_path_psyllm_did_not_write_stops_the_clear(tmp_path, foreign):
    out = tmp_path / "run"
    _run(str(out), [1, 2, 3], finish=False)
    target = os.path.normpath(out / foreign)
    if foreign.endswith("/"):
        os.makedirs(target)
    else:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        open(target, "w").write("the user's")
    before = _files(out)
    with pytest.raises(OutputExistsError, match="psyllm did not write") as err:
        prepare_output(str(out), "fp", overwrite=False, writes=WRITES)
    assert os.path.relpath(target, out) in str(err.value)
    assert _files(out) == before and os.path.exists(target)  # nothing deleted, not even psyllm's own shards


def test_overwrite_removes_the_manifests_files_and_nothing_else(tmp_path):
    out = str(tmp_path / "run")
    _run(out, [1, 2, 3], finish=True)
    with pytest.raises(OutputExistsError, match="--overwrite"):
        prepare_output(out, "fp2", overwrite=False, writes=WRITES)
    open(f"{out}/notes.txt", "w").write("the user's")
    with pytest.raises(OutputExistsError, match="notes.txt"):
        prepare_output(out, "fp2", overwrite=True, writes=WRITES)
    assert read_manifest(out)["complete"] and read_table(f"{out}/posts")["x"].to_pylist() == [1, 2, 3]
    os.remove(f"{out}/notes.txt")
    assert prepare_output(out, "fp2", overwrite=True, writes=WRITES) is None
    assert sorted(_files(out)) == [".psyllm-output"]


def test_an_output_holding_the_input_is_refused(tmp_path):
    out = tmp_path / "run"
    _run(str(out), [1], finish=False)
    (out / "posts.jsonl").write_text('{"id": "a"}\n')
    for given in (out / "posts.jsonl", out):  # the file itself, or a folder input that is the output
        with pytest.raises(OutputExistsError, match="contains this stage's input"):
            prepare_output(str(out), "fp", overwrite=False, writes=WRITES, inputs=(str(given),))
    assert (out / "posts.jsonl").read_text() == '{"id": "a"}\n'
    # Beside the output, not in it: fine (a sibling whose name starts the same is not inside).
    (tmp_path / "run2.jsonl").write_text("{}\n")
    os.remove(out / "posts.jsonl")
    assert prepare_output(str(out), "fp", overwrite=False, writes=WRITES, inputs=(str(tmp_path / "run2.jsonl"),)) is None


def test_a_marker_from_before_records_is_cleared_by_the_stages_layout(tmp_path):
    out = tmp_path / "run"
    (out / "posts").mkdir(parents=True)
    (out / ".psyllm-output").write_text("fp\n")
    (out / "posts" / "part-00000.parquet").write_bytes(b"half")
    assert prepare_output(str(out), "fp", overwrite=False, writes=WRITES) is None
    assert sorted(_files(out)) == [".psyllm-output"]


def test_resume_keeps_what_it_is_told_and_clears_the_rest(tmp_path):
    """The train stage's decision: an unfinished run of the same fingerprint keeps ray/ (Ray Train resumes from
    its snapshot there) and loses the half-exported model; another fingerprint or --overwrite loses ray/ too."""
    from psyllm.runtime.train import RESUMABLE, WRITES as TRAIN_WRITES

    def failed_train(out, fp):
        prepare_output(out, fp, False, writes=TRAIN_WRITES, keep=RESUMABLE)
        for rel in ("ray/train/checkpoint_manager_snapshot.json", "ray/train/checkpoint_2024/ckpt.pt",
                    "model/config.json", "history.json", "quarantine/part-00000.parquet"):
            os.makedirs(os.path.dirname(f"{out}/{rel}"), exist_ok=True)
            open(f"{out}/{rel}", "w").write(rel)

    out = str(tmp_path / "train")
    failed_train(out, "fp")
    prepare_output(out, "fp", False, writes=TRAIN_WRITES, keep=RESUMABLE)
    assert sorted(_files(out)) == [".psyllm-output", "ray/train/checkpoint_2024/ckpt.pt",
                                   "ray/train/checkpoint_manager_snapshot.json"]
    prepare_output(out, "other-fp", False, writes=TRAIN_WRITES, keep=RESUMABLE)
    assert sorted(_files(out)) == [".psyllm-output"]

    failed_train(out, "fp")
    write_manifest(out, {"stage": "train", "fingerprint": "fp", "complete": True, "shards": {}})
    assert prepare_output(out, "fp", False, writes=TRAIN_WRITES, keep=RESUMABLE)["complete"]  # done: untouched
    assert "ray/train/checkpoint_2024/ckpt.pt" in _files(out)
    prepare_output(out, "fp2", True, writes=TRAIN_WRITES, keep=RESUMABLE)
    assert sorted(_files(out)) == [".psyllm-output"]


def test_synthesize_resume_keeps_its_shards_and_drops_temporaries(tmp_path):
    out = str(tmp_path / "synth")
    _run(out, [1, 2, 3], finish=False)
    tmp = f"{out}/posts/.tmp-{'a' * 32}-part-00002.parquet"
    open(tmp, "wb").close()
    assert prepare_output(out, "fp", False, resume=True, writes=WRITES) is None
    assert not os.path.exists(tmp) and read_table(f"{out}/posts")["x"].to_pylist() == [1, 2, 3]


def test_bracketed_output_paths_are_literal(tmp_path):
    """A rerun into runs/exp[12] leaves runs/exp1 alone, and reading runs/exp[12] never returns exp1's rows."""
    runs = tmp_path / "runs"
    _run(str(runs / "exp1"), [1, 1], finish=True)
    exp1 = _files(runs / "exp1")
    weird = str(runs / "exp[12]")
    prepare_output(weird, "fp", False, writes=WRITES)
    with pytest.raises(FileNotFoundError):
        read_table(f"{weird}/posts")  # nothing written yet: not exp1's shards
    assert list(iter_batches(f"{weird}/posts")) == []
    _run(weird, [7, 8, 9], finish=False)
    assert read_table(f"{weird}/posts")["x"].to_pylist() == [7, 8, 9]
    prepare_output(weird, "fp", False, writes=WRITES)  # the failed run is cleared
    _run(weird, [4], finish=True)
    prepare_output(weird, "fp2", True, writes=WRITES)  # and a finished one overwritten
    _run(weird, [5], finish=True)
    assert read_table(f"{weird}/posts")["x"].to_pylist() == [5]
    assert _files(runs / "exp1") == exp1
    for name in ("exp*", "exp?"):  # the other glob characters, too
        _run(str(runs / name), [6], finish=False)
        prepare_output(str(runs / name), "fp", False, writes=WRITES)
        assert _files(runs / "exp1") == exp1


def test_an_input_that_exists_literally_is_read_literally(tmp_path):
    (tmp_path / "exp1").mkdir()
    (tmp_path / "exp1" / "a.jsonl").write_text("{}\n")
    (tmp_path / "exp[12]").mkdir()
    (tmp_path / "exp[12]" / "b.jsonl").write_text("{}\n")
    assert list_inputs(str(tmp_path / "exp[12]")) == [str(tmp_path / "exp[12]" / "b.jsonl")]
    assert list_inputs(str(tmp_path / "exp[1]" / "*.jsonl")) == [str(tmp_path / "exp1" / "a.jsonl")]  # a glob still


def _finished(out: str, rows: list[int]) -> None:
    w = ShardWriter(f"{out}/posts", SCHEMA, shard_rows=2)
    w.write_rows([{"x": x} for x in rows])
    write_manifest(out, {"stage": "ingest", "fingerprint": "fp", "complete": True, "shards": {"posts": w.close()}})


def test_a_corrupt_shard_is_named_not_read(tmp_path):
    out = str(tmp_path / "run")
    _finished(out, [1, 2, 3])
    shard = f"{out}/posts/part-00001.parquet"
    data = bytearray(open(shard, "rb").read())
    data[len(data) // 2] ^= 0xFF
    open(shard, "wb").write(bytes(data))
    with pytest.raises(CorruptShardError, match="part-00001.parquet is corrupt"):
        read_table(f"{out}/posts")
    batches = iter_batches(f"{out}/posts", batch_size=1)
    assert next(batches).to_pylist() == [{"x": 1}]
    assert next(batches).to_pylist() == [{"x": 2}]
    with pytest.raises(CorruptShardError, match="part-00001.parquet"):
        next(batches)  # raised before any row of the bad shard is yielded


def test_only_the_shards_the_manifest_lists_are_read(tmp_path):
    out = str(tmp_path / "run")
    _finished(out, [1, 2, 3])
    write_bytes_atomic(f"{out}/posts", "part-00009.parquet", open(f"{out}/posts/part-00000.parquet", "rb").read())
    assert read_table(f"{out}/posts")["x"].to_pylist() == [1, 2, 3]  # a stray shard is not data
    os.remove(f"{out}/posts/part-00000.parquet")
    with pytest.raises(CorruptShardError, match="part-00000.parquet is listed in its manifest but missing"):
        read_table(f"{out}/posts")


def test_export_style_nested_folders_are_verified(tmp_path):
    out = str(tmp_path / "export")
    w = ShardWriter(f"{out}/parquet/train", SCHEMA, shard_rows=10)
    w.write_rows([{"x": 1}])
    write_manifest(out, {"stage": "export", "fingerprint": "fp", "complete": True, "shards": {"parquet/train": w.close()}})
    open(f"{out}/parquet/train/part-00000.parquet", "ab").write(b"junk")
    with pytest.raises(CorruptShardError, match="parquet/train/part-00000.parquet"):
        read_table(f"{out}/parquet/train")


def test_shards_are_fsynced_before_the_rename(tmp_path, monkeypatch):
    """The order on disk: the temporary file's bytes are synced, then renamed, then the folder synced."""
    events = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd):
        events.append(("fsync", os.path.basename(os.readlink(f"/proc/self/fd/{fd}"))))
        real_fsync(fd)

    def replace(src, dst):
        events.append(("replace", os.path.basename(src)))
        real_replace(src, dst)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    entry = write_bytes_atomic(str(tmp_path / "out"), "part-00000.parquet", b"bytes")
    tmp = events[0][1]
    assert tmp.startswith(".tmp-") and tmp.endswith("part-00000.parquet")
    assert events == [("fsync", tmp), ("replace", tmp), ("fsync", "out")]
    assert entry["bytes"] == 5 and (tmp_path / "out" / "part-00000.parquet").read_bytes() == b"bytes"


def test_ray_data_reads_refuse_a_missing_or_truncated_shard(tmp_path):
    """The stages' Ray Data reads take exactly the manifest's shards and check their recorded size (the listing
    has it, so this costs nothing); both failures are raised before any Ray work starts."""
    from psyllm.config.schema import StorageConfig
    from psyllm.runtime.data import read_shards

    out = str(tmp_path / "run")
    _finished(out, [1, 2, 3])
    shard = f"{out}/posts/part-00000.parquet"
    open(shard, "ab").write(b"junk")
    with pytest.raises(CorruptShardError, match="part-00000.parquet is missing or not the"):
        read_shards(f"{out}/posts", StorageConfig())
    os.remove(shard)
    with pytest.raises(CorruptShardError, match="part-00000.parquet is missing"):
        read_shards(f"{out}/posts", StorageConfig())
