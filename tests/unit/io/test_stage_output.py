"""The stage skeleton: a finished output with the same fingerprint is skipped, the manifest is written last with
the standard keys plus the stage's own, a failure leaves an incomplete manifest that says why."""
import pytest

from psyllm.config import load_config
from psyllm.io.manifest import read_manifest
from psyllm.io.stage_output import Manifest, StageOutput, input_entry


def test_finish_then_skip_then_rerun_on_a_change(tmp_path):
    cfg = load_config(None, [])
    out = str(tmp_path / "export")
    first = StageOutput("export", cfg.export, cfg, out, ("upstream-fp",), writes=("data/*.json",))
    assert first.done is None
    result = first.finish({"rows": 3}, {"data": [{"name": "a.json"}]}, [input_entry("in/kept", "upstream-fp")],
                          model_dir="m")
    m = read_manifest(out)
    assert m["complete"] and m["stage"] == "export" and m["counts"] == {"rows": 3} and m["model_dir"] == "m"
    assert m["fingerprint"] == first.fingerprint and m["inputs"][0]["sha256"] == "upstream-fp"
    assert result.manifest["fingerprint"] == m["fingerprint"] and not result.skipped

    again = StageOutput("export", cfg.export, cfg, out, ("upstream-fp",), writes=("data/*.json",))
    assert again.done is not None and again.done.skipped and again.done.counts == {"rows": 3}

    changed = load_config(None, ["export.test_fraction=0.3", "output.overwrite=true"])
    other = StageOutput("export", changed.export, changed, out, ("upstream-fp",), writes=("data/*.json",))
    assert other.done is None and other.fingerprint != first.fingerprint


def test_fail_writes_an_incomplete_manifest_with_the_error(tmp_path):
    cfg = load_config(None, [])
    out = str(tmp_path / "train")
    stage = StageOutput("train", cfg.train, cfg, out, ("x",), writes=("quarantine/*.parquet",))
    stage.fail({"quarantined": 5}, {}, [], "5 of 6 samples quarantined")
    m = read_manifest(out)
    assert m["complete"] is False and m["error"] == "5 of 6 samples quarantined"


def test_extra_keys_cannot_overwrite_standard_ones():
    with pytest.raises(ValueError, match="counts"):
        Manifest("export", "fp", {}, extra={"counts": {}}).to_json()
