"""Engine configs per kind: only the section of `kind` is read, another kind's options are refused at load,
and placement (with the options that only change how an engine runs) stays out of the sample fingerprint."""
from dataclasses import replace

import pytest

from psyllm.config import ConfigError, load_config
from psyllm.config.schema import (EngineConfig, OpenAIOptions, PlacementConfig, SafetySettings, SynthesizeConfig,
                                  VLLMOptions)
from psyllm.engines import engine_key
from psyllm.synthesis.samples import synth_fingerprint


def test_the_section_of_its_kind_is_set_by_a_dotlist_override():
    cfg = load_config(None, ["synthesize.plan.engine.vllm.max_model_len=512",
                             "synthesize.plan.engine.placement.replicas=3"])
    assert cfg.synthesize.plan.engine.vllm.max_model_len == 512
    assert cfg.synthesize.plan.engine.placement.replicas == 3


def test_options_of_another_kind_in_a_file_are_refused_naming_the_key(tmp_path):
    path = tmp_path / "mixed.yaml"
    path.write_text("synthesize:\n  draft:\n    engine: {kind: vllm, openai: {base_url: 'http://x/v1'}}\n")
    with pytest.raises(ConfigError, match=r"synthesize\.draft\.engine\.openai\.base_url is set, but "
                                          r"synthesize\.draft\.engine\.kind is vllm"):
        load_config(path)


def test_an_override_that_switches_kind_leaves_the_file_s_options_refused(tmp_path):
    path = tmp_path / "api.yaml"
    path.write_text("filter:\n  judge:\n    engine: {kind: openai, openai: {json_mode: none}}\n")
    assert load_config(path).filter.judge.engine.openai.json_mode == "none"
    with pytest.raises(ConfigError, match=r"filter\.judge\.engine\.openai\.json_mode is set, but .*kind is hf"):
        load_config(path, ["filter.judge.engine.kind=hf"])


def test_an_hf_engine_reads_no_options_section():
    with pytest.raises(ConfigError, match=r"serve\.counselor\.engine\.vllm\.max_model_len is set"):
        load_config(None, ["serve.counselor.engine.kind=hf", "serve.counselor.engine.vllm.max_model_len=1024"])


def test_defaults_of_another_section_do_not_count_as_set():
    # evaluate.model's dataclass default fills its openai section; choosing hf must not trip over it
    assert load_config(None, ["evaluate.model.kind=hf"]).evaluate.model.kind == "hf"


def test_an_old_flat_engine_key_says_where_it_moved():
    with pytest.raises(ConfigError, match=r"write synthesize\.plan\.engine\.vllm\.max_model_len"):
        load_config(None, ["synthesize.plan.engine.max_model_len=512"])
    with pytest.raises(ConfigError, match=r"write filter\.judge\.engine\.placement\.replicas"):
        load_config(None, ["filter.judge.engine.replicas=2"])


def _with_plan_engine(engine: EngineConfig) -> SynthesizeConfig:
    cfg = SynthesizeConfig()
    return replace(cfg, plan=replace(cfg.plan, engine=engine))


def _fp(engine: EngineConfig) -> str:
    return synth_fingerprint(_with_plan_engine(engine), SafetySettings().locale, "upstream", "0")


def test_placement_and_run_only_options_keep_the_sample_fingerprint():
    base = EngineConfig()
    moved = replace(base, placement=PlacementConfig(replicas=4, num_gpus=1, num_cpus=8, batch_size=16,
                                                    resources={"slot": 1.0}, cpu_threads=2),
                    vllm=replace(base.vllm, gpu_memory_utilization=0.3, enforce_eager=True),
                    openai=OpenAIOptions(base_url="http://unread/v1"))  # not read by a vllm engine
    assert _fp(moved) == _fp(base)
    api = EngineConfig(kind="openai")
    paced = replace(api, openai=replace(api.openai, max_concurrency=2, timeout_s=5, max_retries=1, backoff_s=0.1,
                                        api_key_env="OTHER_KEY"))
    assert _fp(paced) == _fp(api)


def test_what_changes_the_answers_changes_the_sample_fingerprint():
    base = EngineConfig()
    assert _fp(replace(base, vllm=VLLMOptions(max_model_len=1024))) != _fp(base)
    assert _fp(replace(base, model="other/model")) != _fp(base)
    api = EngineConfig(kind="openai")
    assert _fp(api) != _fp(base)
    assert _fp(replace(api, openai=replace(api.openai, json_mode="json_object"))) != _fp(api)


def test_stages_share_a_loaded_engine_unless_its_answers_would_differ():
    base = EngineConfig()
    assert engine_key(replace(base, placement=PlacementConfig(replicas=3))) == engine_key(base)
    assert engine_key(replace(base, vllm=VLLMOptions(max_model_len=1024))) != engine_key(base)
    api = EngineConfig(kind="openai")
    assert engine_key(replace(api, openai=replace(api.openai, json_mode="none"))) != engine_key(api)
