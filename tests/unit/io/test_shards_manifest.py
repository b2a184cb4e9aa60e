import os

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from psyllm.io.manifest import OutputExistsError, prepare_output, read_manifest, write_manifest
from psyllm.io.shards import ShardWriter, read_table

SCHEMA = pa.schema([("x", pa.int64())])


def test_shards_roll_and_leave_no_temp_files(tmp_path):
    w = ShardWriter(str(tmp_path / "out"), SCHEMA, shard_rows=4)
    for i in range(10):
        w.write_rows([{"x": i}])
    shards = w.close()
    assert [s["rows"] for s in shards] == [4, 4, 2]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [s["name"] for s in shards]
    assert read_table(str(tmp_path / "out"))["x"].to_pylist() == list(range(10))


def test_rows_stream_to_disk_in_fixed_row_groups_whatever_the_batches(tmp_path):
    schema = pa.schema([("x", pa.int64()), ("text", pa.string())])
    texts = [os.urandom(4000).hex() for _ in range(10)]  # 4000 random bytes each: a row group outgrows the file buffer

    def write(out, batches):
        w = ShardWriter(str(tmp_path / out), schema, shard_rows=7)
        w.row_group_rows = 3
        for rows in batches:
            w.write_rows([{"x": i, "text": texts[i]} for i in rows])
        return w

    one_by_one = write("a", [[i] for i in range(10)])
    (temp,) = (tmp_path / "a").glob(".tmp-*part-00001.parquet")  # shard 1 is on disk as it is written
    assert temp.stat().st_size > 3 * 4000 and one_by_one.rows == 10
    at_once = write("b", [list(range(10))])
    assert [s["sha256"] for s in one_by_one.close()] == [s["sha256"] for s in at_once.close()]
    assert [s["rows"] for s in at_once.shards] == [7, 3]
    assert [pq.ParquetFile(tmp_path / "b" / s["name"]).metadata.num_row_groups for s in at_once.shards] == [3, 1]
    assert read_table(str(tmp_path / "b"))["text"].to_pylist() == texts
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == ["part-00000.parquet", "part-00001.parquet"]


def test_empty_output_still_has_a_schema_shard(tmp_path):
    shards = ShardWriter(str(tmp_path / "e"), SCHEMA, 10).close()
    assert shards[0]["rows"] == 0 and read_table(str(tmp_path / "e")).schema == SCHEMA


def test_prepare_output_skip_refuse_overwrite(tmp_path):
    out = str(tmp_path / "run")
    assert prepare_output(out, "fp1", overwrite=False) is None
    write_manifest(out, {"stage": "ingest", "fingerprint": "fp1", "complete": True})
    assert prepare_output(out, "fp1", overwrite=False)["fingerprint"] == "fp1"
    with pytest.raises(OutputExistsError, match="--overwrite"):
        prepare_output(out, "fp2", overwrite=False)
    assert prepare_output(out, "fp2", overwrite=True) is None
    assert read_manifest(out) is None


def test_incomplete_output_is_cleared(tmp_path):
    out = tmp_path / "run"
    prepare_output(str(out), "fp", overwrite=False, writes=("part-*.parquet",))
    (out / "part-00000.parquet").write_text("half written")
    assert prepare_output(str(out), "fp", overwrite=False, writes=("part-*.parquet",)) is None
    assert not (out / "part-00000.parquet").exists()


def test_foreign_folder_is_never_cleared(tmp_path):
    (tmp_path / "mine.txt").write_text("precious")
    with pytest.raises(OutputExistsError, match="not a psyllm output"):
        prepare_output(str(tmp_path), "fp", overwrite=False)
    assert (tmp_path / "mine.txt").read_text() == "precious"
