from pathlib import Path

import pytest

from psyllm.cli import main
from psyllm.config import ConfigError, flatten, load_config, to_dict

REPO = Path(__file__).resolve().parents[2]
CONFIGS = sorted((REPO / "conf").rglob("*.yaml"))


def test_conf_folder_is_not_empty():
    assert CONFIGS, "conf/ holds no YAML"


@pytest.mark.parametrize("path", CONFIGS, ids=lambda p: str(p.relative_to(REPO)))
def test_every_yaml_in_conf_loads_strictly(path):
    cfg = load_config(path)
    assert to_dict(cfg)["ingest"]["dedup"]["num_perm"] > 0


def test_defaults_without_a_file():
    cfg = load_config()
    assert cfg.tracking.tracking_uri == "sqlite:///mlflow.db"
    assert cfg.ingest.language.allowed == ["en"]


def test_unknown_key_fails(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("ingest:\n  dedup:\n    treshold: 0.5\n")
    with pytest.raises(ConfigError, match="treshold"):
        load_config(bad)


def test_wrong_type_fails():
    with pytest.raises(ConfigError, match="num_perm"):
        load_config(None, ["ingest.dedup.num_perm=many"])


def test_override_applies_and_is_typed():
    cfg = load_config(None, ["ingest.dedup.threshold=0.5", "ingest.language.allowed=[en,de]"])
    assert cfg.ingest.dedup.threshold == 0.5
    assert cfg.ingest.language.allowed == ["en", "de"]


def test_malformed_override_fails():
    with pytest.raises(ConfigError, match="dotted.key=value"):
        load_config(None, ["ingest.dedup.threshold"])


def test_missing_file_fails(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "nope.yaml")


def test_flatten_joins_keys_and_serialises_lists():
    assert flatten({"a": {"b": 1, "c": [1, 2]}}) == {"a.b": 1, "a.c": "[1, 2]"}


def test_print_config_shows_resolved_values(capsys):
    assert main(["ingest", "--print-config", "ingest.dedup.threshold=0.66"]) == 0
    out = capsys.readouterr().out
    assert "threshold: 0.66" in out and "tracking_uri: sqlite:///mlflow.db" in out


def test_cli_rejects_bad_config_before_work(capsys):
    assert main(["ingest", "--input", "x", "--output", "y", "ingest.nope=1"]) == 2
    assert "nope" in capsys.readouterr().err


def test_fixed_choices_agree_with_the_code_that_uses_them():
    from psyllm.config.choices import IMPORT_FORMATS, RISK_LEVELS, RUBRICS, STAGES
    from psyllm.evaluation.rubric import RUBRICS as RUBRIC_TABLE
    from psyllm.interop.formats import FORMATS
    from psyllm.runtime.pipeline import ORDER
    from psyllm.safety.assess import LEVELS

    assert RISK_LEVELS == LEVELS and tuple(IMPORT_FORMATS) == FORMATS and set(RUBRICS) == set(RUBRIC_TABLE)
    assert set(STAGES) == set(ORDER)


def test_filters_run_in_the_order_written_or_the_config_is_refused():
    from psyllm.config.choices import LATE_FILTERS
    from psyllm.filters.registry import KNOWN, PER_DIALOGUE

    assert set(PER_DIALOGUE) | set(LATE_FILTERS) == set(KNOWN)
    assert load_config(None, ["filter.filters=[safety,structure,dedup,judge]"]).filter.filters[0] == "safety"
    for bad in ("[judge,structure]", "[structure,judge,dedup]", "[dedup,safety]"):
        with pytest.raises(ConfigError, match="run in the order written"):
            load_config(None, [f"filter.filters={bad}"])
    with pytest.raises(ConfigError, match="vibes"):
        load_config(None, ["filter.filters=[structure,vibes]"])

