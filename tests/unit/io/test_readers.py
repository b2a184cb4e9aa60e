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
    (tmp_path / "notes.txt").write_text("ignored")


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
    (tmp_path / "x.txt").write_text("")
    with pytest.raises(InputError, match="no readable inputs"):
        list_inputs(str(tmp_path))


def test_invalid_utf8_is_flagged_not_fatal(tmp_path):
    (tmp_path / "bad.jsonl").write_bytes(b'{"selftext": "ok \xff"}\n\n{"selftext": "fine"}\n')
    rows = list(iter_raw_rows(str(tmp_path / "bad.jsonl")))
    assert [(r["line"], r["valid_utf8"]) for r in rows] == [(1, False), (2, True), (3, True)]
    assert rows[1]["raw"] == ""
