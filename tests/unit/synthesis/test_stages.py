import json

from psyllm.config.schema import SafetySettings, SynthesizeConfig
from psyllm.engines.base import ChatResponse
from psyllm.synthesis.samples import expand_post, provenance, to_dead_letter, to_dialogue
from psyllm.synthesis.worker import SynthesisWorker, stage_groups
from tests.fakes import ScriptedGenerator, good_answer

LOCALE = SafetySettings().locale
POSTS = [
    {"post_id": "p1", "text": "I worry all the time about work.", "route": "standard", "risk_level": "none"},
    {"post_id": "p2", "text": "I want to end my life.", "route": "crisis", "risk_level": "high"},
]


def _rows(cfg, posts=POSTS):
    return [r for p in posts for r in expand_post(p, cfg, "fp")]


def test_full_dialogue_with_think_format():
    cfg = SynthesizeConfig()
    gen = ScriptedGenerator(good_answer)
    rows = SynthesisWorker(cfg, ("plan", "draft", "reason"), gen, locale=LOCALE)(_rows(cfg))
    assert not any(r["failed_stage"] for r in rows)
    d = to_dialogue(rows[0], cfg, provenance(cfg))
    assert d["plan_rounds"] == 2 and len(d["rounds"]) == 2
    first = d["rounds"][0]
    assert first["approach"] == "CBT" and first["icd11_hypotheses"] == ["6B00", "6B43"]
    assert first["counselor_reasoning"].startswith("Presenting problem") and first["client"] == "client says 1"
    assert json.loads(d["models"])["reason"] == cfg.reason.engine.model


def test_second_round_sees_the_regenerated_first_reply_in_order():
    cfg = SynthesizeConfig()
    gen = ScriptedGenerator(good_answer)
    SynthesisWorker(cfg, ("plan", "draft", "reason"), gen, locale=LOCALE)(_rows(cfg)[:1])
    reason_reqs = [r for r in gen.requests if r.json_schema is None]
    assert [r.request_id.split(":")[1] for r in reason_reqs] == ["0", "1"]
    second = reason_reqs[1].messages
    assert [m["role"] for m in second] == ["system", "user", "assistant", "user"]
    assert second[1]["content"] == "client says 1" and second[3]["content"] == "client says 2"
    assert second[2]["content"].startswith("I hear you about: client says 1")  # the regenerated reply


def test_crisis_rows_get_the_crisis_system_prompt():
    cfg = SynthesizeConfig()
    gen = ScriptedGenerator(good_answer)
    SynthesisWorker(cfg, ("plan", "draft", "reason"), gen, locale=LOCALE)(_rows(cfg))
    systems = {r.request_id.split(":")[0]: r.messages[0]["content"] for r in gen.requests if r.json_schema is None}
    crisis_id = _rows(cfg)[1]["sample_id"]
    assert "988" in systems[crisis_id] and all("988" not in s for k, s in systems.items() if k != crisis_id)


def test_json_reason_format_keeps_only_known_codes():
    cfg = SynthesizeConfig(reason_format="json")
    rows = SynthesisWorker(cfg, ("plan", "draft", "reason"), ScriptedGenerator(good_answer),
                           locale=LOCALE)(_rows(cfg)[:1])
    assert rows[0]["rounds"][0]["icd11_hypotheses"] == ["6B00"]


def test_failures_become_dead_letters_with_their_stage():
    cfg = SynthesizeConfig()

    def answer(req):
        if req.json_schema and "rounds" in req.json_schema["properties"] and "p2" in req.request_id:
            return "not json"
        if req.json_schema is None and req.request_id.endswith(":1"):
            return ChatResponse(req.request_id, text="reply without reasoning", finish_reason="stop")
        return good_answer(req)

    rows = _rows(cfg)
    rows[1]["sample_id"] = "p2-sample"
    out = SynthesisWorker(cfg, ("plan", "draft", "reason"), ScriptedGenerator(answer), locale=LOCALE)(rows)
    dead = [to_dead_letter(r) for r in out]
    assert (dead[1]["stage"], dead[1]["error"].startswith("not JSON")) == ("plan", True)
    assert dead[0]["stage"] == "reason" and "round 2" in dead[0]["error"] and "no reasoning" in dead[0]["error"]


def test_engine_errors_and_truncation_are_dead_letters():
    cfg = SynthesizeConfig()
    answers = {"plan": ChatResponse("x", error="HTTP 500: boom"), "draft": ChatResponse("x", text='{"tu', finish_reason="length")}
    rows = SynthesisWorker(cfg, ("plan",), ScriptedGenerator(lambda r: answers["plan"]),
                           locale=LOCALE)(_rows(cfg)[:1])
    assert rows[0]["failed_stage"] == "plan" and "HTTP 500" in rows[0]["error"]
    rows = SynthesisWorker(cfg, ("plan", "draft"), ScriptedGenerator(
        lambda r: answers["draft"] if "turns" in r.json_schema["properties"] else good_answer(r)),
        locale=LOCALE)(_rows(cfg)[:1])
    assert rows[0]["failed_stage"] == "draft" and "truncated" in rows[0]["error"]


def test_sample_ids_and_seeds_are_deterministic_and_distinct():
    cfg = SynthesizeConfig(samples_per_post=3)
    a, b = _rows(cfg), _rows(cfg)
    assert [r["sample_id"] for r in a] == [r["sample_id"] for r in b]
    assert len({r["sample_id"] for r in a}) == len({r["seed"] for r in a}) == 6


def test_stage_groups_share_one_engine_when_models_match():
    cfg = SynthesizeConfig()
    assert stage_groups(cfg) == [("plan", "draft", "reason")]
    cfg.reason.engine.model = "deepseek-ai/DeepSeek-R1"
    assert stage_groups(cfg) == [("plan", "draft"), ("reason",)]


def test_control_markup_in_dialogue_text_is_a_dead_letter():
    """A reasoning tag or special token inside a generated reply (a model that emits "</think>" inside a JSON
    string) would rewrite the turn structure under the chat template: the sample is a dead letter that says why."""
    cfg = SynthesizeConfig(reason_format="json")

    def answer(req):
        if req.json_schema and "reply" in req.json_schema["properties"]:
            return ChatResponse(req.request_id, text=json.dumps({
                "reasoning": "Presenting problem ... approach CBT", "approach": "CBT", "icd11_hypotheses": ["6B00"],
                "reply": "That sounds hard.</think> What helps a little?"}), finish_reason="stop")
        if req.json_schema and "turns" in req.json_schema["properties"] and "p2" in req.request_id:
            n = req.json_schema["properties"]["turns"]["minItems"]
            return ChatResponse(req.request_id, text=json.dumps(
                {"turns": [{"client": "hi <|im_start|>system", "counselor": "x"}] * n}), finish_reason="stop")
        return good_answer(req)

    rows = _rows(cfg)
    rows[1]["sample_id"] = "p2-sample"
    worker = SynthesisWorker(cfg, ("plan", "draft", "reason"), ScriptedGenerator(answer), locale=LOCALE)
    dead = [to_dead_letter(r) for r in worker(rows)]
    assert dead[0]["stage"] == "reason" and "'</think>' in the reply" in dead[0]["error"], dead[0]
    assert dead[1]["stage"] == "draft" and "'<|im_start|>' in the client" in dead[1]["error"], dead[1]
