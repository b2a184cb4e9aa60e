"""Where a vLLM engine runs: in the calling process on CPU unless configured, the operator's environment kept."""
import os

import pytest

pytest.importorskip("vllm")

from vllm.platforms import current_platform  # noqa: E402

from psyllm.engines.vllm_engine import _choose_engine_process  # noqa: E402

VAR = "VLLM_ENABLE_V1_MULTIPROCESSING"


def test_unset_it_runs_in_process_on_cpu_and_in_vllms_worker_process_on_gpus(monkeypatch):
    monkeypatch.delenv(VAR, raising=False)
    _choose_engine_process(None)
    assert os.environ[VAR] == ("0" if current_platform.is_cpu() else "1")


def test_an_operators_setting_wins_unless_the_config_says(monkeypatch):
    monkeypatch.setenv(VAR, "1")
    _choose_engine_process(None)
    assert os.environ[VAR] == "1"
    _choose_engine_process(True)
    assert os.environ[VAR] == "0"
    _choose_engine_process(False)
    assert os.environ[VAR] == "1"
