import pytest

from psyllm.cli import main
from psyllm.stages import COMMANDS


@pytest.mark.parametrize("stage", ["synthesize", "filter", "export"])
def test_stage_refuses_an_input_that_is_not_a_finished_upstream_output(stage, tmp_path, capsys):
    (tmp_path / "in").mkdir()
    assert main([stage, "--input", str(tmp_path / "in"), "--output", str(tmp_path / "out"), "--no-tracking"]) == 2
    assert "is not a finished" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_every_stage_has_the_same_shape(capsys):
    for stage in COMMANDS:
        assert main([stage, "--print-config"]) == 0


def test_missing_input_or_output_is_a_usage_error(capsys):
    assert main(["ingest", "--input", "x"]) == 2
    assert "--input and --output are required" in capsys.readouterr().err


def test_unknown_option_is_rejected():
    with pytest.raises(SystemExit) as err:
        main(["ingest", "--input", "x", "--output", "y", "--bogus"])
    assert err.value.code == 2
