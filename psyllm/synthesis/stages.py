"""The three generation stages over batches of working rows (plain dicts, see SYNTH_STATE_SCHEMA).

plan  -> the number of rounds and the focus of each;
draft -> the client turns of a dialogue that follows the plan;
reason-> every counselor turn regenerated with its clinical reasoning, oldest round first, each seeing the
         regenerated replies before it. A row that fails keeps `failed_stage` and `error` and is skipped by
         later stages; the caller writes it to the dead-letter output.
"""
from __future__ import annotations

from psyllm.config.schema import GenStageConfig, SynthesizeConfig
from psyllm.engines.base import ChatRequest, ChatResponse, Generator, Sampling
from psyllm.prompts.render import counselor_system_prompt, draft_messages, plan_messages, reason_messages
from psyllm.synthesis.parse import SynthesisError, parse_draft, parse_plan, parse_reason
from psyllm.synthesis.schemas import draft_schema, plan_schema, reason_schema

STAGES = ("plan", "draft", "reason")
_SEED_OFFSET = {"plan": 0, "draft": 1000, "reason": 2000}


def _sampling(stage: GenStageConfig, seed: int) -> Sampling:
    s = stage.sampling
    return Sampling(temperature=s.temperature, top_p=s.top_p, max_tokens=s.max_tokens, seed=seed % 2**31)


def _alive(rows: list[dict]) -> list[dict]:
    return [r for r in rows if not r.get("failed_stage")]


def _account(row: dict, response: ChatResponse) -> None:
    row["prompt_tokens"] = (row.get("prompt_tokens") or 0) + response.prompt_tokens
    row["completion_tokens"] = (row.get("completion_tokens") or 0) + response.completion_tokens


def _fail(row: dict, err: SynthesisError) -> None:
    row.update(failed_stage=err.stage, error=err.message, raw_output=(err.raw or "")[:2000])


def run_plan(rows: list[dict], gen: Generator, cfg: SynthesizeConfig) -> list[dict]:
    todo, schema = _alive(rows), plan_schema(cfg)
    requests = [ChatRequest(plan_messages(r["post_text"], r["route"] == "crisis", cfg.max_rounds, cfg.plan.prompt_version),
                            _sampling(cfg.plan, r["seed"]), schema, r["sample_id"]) for r in todo]
    for row, response in zip(todo, gen.generate(requests)):
        _account(row, response)
        try:
            row["focus"] = parse_plan(response, schema)
        except SynthesisError as err:
            _fail(row, err)
    return rows


def run_draft(rows: list[dict], gen: Generator, cfg: SynthesizeConfig) -> list[dict]:
    todo = _alive(rows)
    requests = [
        ChatRequest(draft_messages(r["post_text"], r["focus"], r["route"] == "crisis", cfg.locale, cfg.draft.prompt_version),
                    _sampling(cfg.draft, r["seed"] + _SEED_OFFSET["draft"]), draft_schema(cfg, len(r["focus"])),
                    r["sample_id"])
        for r in todo
    ]
    for row, response in zip(todo, gen.generate(requests)):
        _account(row, response)
        try:
            row["clients"] = parse_draft(response, draft_schema(cfg, len(row["focus"])), len(row["focus"]))
        except SynthesisError as err:
            _fail(row, err)
    return rows


def run_reason(rows: list[dict], gen: Generator, cfg: SynthesizeConfig) -> list[dict]:
    """Round t of every live dialogue goes to the engine in one batch, t = 0, 1, ...: batches stay large and
    each round sees the regenerated replies of the rounds before it, in chronological order."""
    schema = reason_schema(cfg) if cfg.reason_format == "json" else None
    systems = {crisis: counselor_system_prompt(crisis, cfg.locale, cfg.reason_format, cfg.reply_max_words,
                                               cfg.include_icd11_list, cfg.reason.prompt_version)
               for crisis in (False, True)}
    for row in _alive(rows):
        row["rounds"] = []
    for t in range(cfg.max_rounds):
        todo = [r for r in _alive(rows) if t < len(r["clients"])]
        if not todo:
            break
        requests = []
        for r in todo:
            history = [(x["client"], x["counselor_reply"]) for x in r["rounds"]]
            messages = reason_messages(history, r["clients"][t], systems[r["route"] == "crisis"])
            requests.append(ChatRequest(messages, _sampling(cfg.reason, r["seed"] + _SEED_OFFSET["reason"] + t),
                                        schema, f"{r['sample_id']}:{t}"))
        for row, response in zip(todo, gen.generate(requests)):
            _account(row, response)
            try:
                turn = parse_reason(response, cfg.reason_format, schema or {})
            except SynthesisError as err:
                err.message = f"round {t + 1}: {err.message}"
                _fail(row, err)
                continue
            row["rounds"].append({"index": t, "focus": row["focus"][t], "client": row["clients"][t], **turn})
    return rows


RUNNERS = {"plan": run_plan, "draft": run_draft, "reason": run_reason}
