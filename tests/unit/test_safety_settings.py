"""One safety section: `safety.route_at` and `safety.locale` are set once, reach every stage that reads them, and
are part of those stages' fingerprints (and of no other's)."""
import json

import pytest

from psyllm.config import ConfigError, load_config
from psyllm.config.schema import IngestConfig, SafetySettings, ServeConfig, SynthesizeConfig
from psyllm.filters.safety import SafetyGate
from psyllm.ingest.processor import PostProcessor
from psyllm.io.stage_output import StageOutput
from psyllm.serving.safety import CrisisLayer
from psyllm.synthesis.samples import synth_fingerprint

HIGH = "I want to end my life. Nothing has helped and I am so tired of trying to keep going every single day."


@pytest.mark.parametrize("old", ["ingest.triage.route_at=high", "serve.route_at=high", "importer.route_at=high",
                                 "synthesize.locale=en-GB", "export.locale=en-GB", "serve.locale=en-GB",
                                 "evaluate.locale=en-GB"])
def test_a_per_stage_copy_is_refused_and_says_where_it_is_set(old):
    name = old.split("=")[0].rsplit(".", 1)[1]
    with pytest.raises(ConfigError, match=f"write safety.{name}"):
        load_config(None, [old])


def test_the_filter_has_no_safety_section_of_its_own():
    with pytest.raises(ConfigError, match="filter.safety"):
        load_config(None, ["filter.safety.route_at=high"])


def _route(route_at: str) -> str:
    row = {"source_file": "posts.jsonl", "line": 1, "raw": json.dumps({"id": "p1", "selftext": HIGH}),
           "valid_utf8": True}
    (out,) = PostProcessor(IngestConfig(), route_at)([row])
    assert out["outcome"] == "kept" and out["risk_level"] == "high"
    return out["route"]


def test_route_at_decides_the_ingest_route():
    assert _route("high") == "crisis" and _route("imminent") == "standard"


def test_route_at_and_locale_reach_the_crisis_layer_and_the_safety_gate():
    messages = [{"role": "user", "content": HIGH}]
    assert CrisisLayer(ServeConfig(), SafetySettings(route_at="high")).check(messages).flagged
    assert not CrisisLayer(ServeConfig(), SafetySettings(route_at="imminent")).check(messages).flagged
    us, gb = SafetyGate(SafetySettings()), SafetyGate(SafetySettings(locale="en-GB"))
    assert us.resources.locale == "en-US" and gb.resources.locale == "en-GB"
    assert us.resources.text() != gb.resources.text()


def _fingerprint(tmp_path, stage: str, section: str, overrides: list[str], reads_safety: bool) -> str:
    cfg = load_config(None, ["output.overwrite=true", *overrides])
    return StageOutput(stage, getattr(cfg, section), cfg, str(tmp_path / stage), ("up",), writes=("x/*",),
                       reads_safety=reads_safety).fingerprint


def test_the_safety_settings_are_in_the_fingerprints_of_the_stages_that_read_them(tmp_path):
    base = _fingerprint(tmp_path, "filter", "filter", [], True)
    assert _fingerprint(tmp_path, "filter", "filter", ["safety.route_at=high"], True) != base
    assert _fingerprint(tmp_path, "filter", "filter", ["safety.locale=en-GB"], True) != base
    # train does not read them: a new locale does not retrain
    assert (_fingerprint(tmp_path, "train", "train", ["safety.locale=en-GB"], False)
            == _fingerprint(tmp_path, "train", "train", [], False))
    cfg = SynthesizeConfig()
    assert synth_fingerprint(cfg, "en-GB", "up", "0") != synth_fingerprint(cfg, "en-US", "up", "0")


def test_choices_check_the_one_route_at():
    with pytest.raises(ConfigError, match="safety.route_at='severe'"):
        load_config(None, ["safety.route_at=severe"])
