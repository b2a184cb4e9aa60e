import gzip
import json

import pandas as pd
import pytest

from psyllm.io.readers import InputError, iter_raw_rows, list_inputs

RECORDS = [{"id": "a", "selftext": "first"}, {"id": "b", "selftext": "second, with a comma"}]


def _write_all(tmp_path):
    lines = "\n".join(json.dumps(r) for r in RECORDS) + "\n"
    (tmp_path / "a.jsonl").write_text(lines)
    with gzip.open(tmp_path / "b.jsonl.gz", "wt") as fh:
        fh.write(lines)
    with gzip.open(tmp_path / "c.json.gz", "wt") as fh:
        fh.write(lines)
    (tmp_path / "d.json").write_text(json.dumps(RECORDS))
    pd.DataFrame(RECORDS).to_parquet(tmp_path / "e.parquet")
    pd.DataFrame(RECORDS).to_csv(tmp_path / "f.csv", index=False)
    (tmp_path / "README.txt").write_text("a dataset's own notes are not data")
    (tmp_path / "notes.md").write_text("ignored")


def test_every_format_yields_the_same_records(tmp_path):
    _write_all(tmp_path)
    files = list_inputs(str(tmp_path))
    assert [f.rsplit("/", 1)[-1] for f in files] == ["a.jsonl", "b.jsonl.gz", "c.json.gz", "d.json", "e.parquet", "f.csv"]
    for f in files:
        rows = list(iter_raw_rows(f))
        assert [json.loads(r["raw"]) for r in rows] == RECORDS, f
        assert [r["line"] for r in rows] == [1, 2]


def test_glob_and_single_file(tmp_path):
    _write_all(tmp_path)
    assert len(list_inputs(str(tmp_path / "*.jsonl*"))) == 2
    assert list_inputs(str(tmp_path / "a.jsonl")) == [str(tmp_path / "a.jsonl")]


def test_missing_and_empty_inputs_fail_clearly(tmp_path):
    with pytest.raises(InputError, match="not found"):
        list_inputs(str(tmp_path / "missing.jsonl"))
    (tmp_path / "x.md").write_text("")
    with pytest.raises(InputError, match="no readable inputs"):
        list_inputs(str(tmp_path))


def test_invalid_utf8_is_flagged_not_fatal(tmp_path):
    (tmp_path / "bad.jsonl").write_bytes(b'{"selftext": "ok \xff"}\n\n{"selftext": "fine"}\n')
    rows = list(iter_raw_rows(str(tmp_path / "bad.jsonl")))
    assert [(r["line"], r["valid_utf8"]) for r in rows] == [(1, False), (2, True), (3, True)]
    assert rows[1]["raw"] == ""


def test_zstandard_ndjson_streams_like_jsonl(tmp_path):
    import zstandard

    lines = "".join(json.dumps(r) + "\n" for r in RECORDS).encode()
    # The Reddit dumps are written with a long window (--long=31): the reader must accept one.
    params = zstandard.ZstdCompressionParameters.from_level(3, window_log=27, enable_ldm=True)
    (tmp_path / "RS_2024-01.zst").write_bytes(zstandard.ZstdCompressor(compression_params=params).compress(lines))
    rows = list(iter_raw_rows(str(tmp_path / "RS_2024-01.zst")))
    assert [json.loads(r["raw"]) for r in rows] == RECORDS and [r["line"] for r in rows] == [1, 2]


def test_whole_file_documents(tmp_path):
    """A .txt file and a .json list of strings or of turn objects are one document each; a JSON array of
    records stays records, and a pretty-printed object is one record."""
    (tmp_path / "1.txt").write_text("来访者：你好\n\n心理咨询师：你好\n", encoding="utf-8")
    (tmp_path / "2.json").write_text(json.dumps(["求助者：我睡不着", "支持者：多久了？"], ensure_ascii=False, indent=2))
    turns = [{"speaker": "seeker", "annotation": {"feedback": "4"}, "content": "hi"},
             {"speaker": "supporter", "annotation": {"strategy": "Question"}, "content": "hello"}]
    (tmp_path / "3.json").write_text(json.dumps(turns))
    (tmp_path / "4.json").write_text(json.dumps({"id": "x", "selftext": "one"}, indent=2))
    docs = {p: [json.loads(r["raw"]) for r in iter_raw_rows(str(tmp_path / p))] for p in ("1.txt", "2.json", "3.json", "4.json")}
    assert docs["1.txt"] == [{"document": "来访者：你好\n\n心理咨询师：你好\n"}]
    assert docs["2.json"] == [{"document": ["求助者：我睡不着", "支持者：多久了？"]}]
    assert docs["3.json"] == [{"document": turns}]
    assert docs["4.json"] == [{"id": "x", "selftext": "one"}]
