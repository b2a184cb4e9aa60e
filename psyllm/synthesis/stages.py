"""The three generation stages over working rows (plain dicts, see SYNTH_STATE_SCHEMA).

plan  -> the number of rounds and the focus of each;
draft -> the client turns of a dialogue that follows the plan;
reason-> every counselor turn regenerated with its clinical reasoning, oldest round first, each seeing the
         regenerated replies before it. A row that fails keeps `failed_stage` and `error` and is skipped by
         later stages; the caller writes it to the dead-letter output.

Each step is a pair: `*_request(row, ...)` builds one dialogue's next request and `apply_*(row, response, ...)`
records its answer. The batch runners below (`RUNNERS`, one engine call per stage and per round) and the
continuous scheduler (psyllm/synthesis/continuous.py, one dialogue at a time) share them, so both paths send the
same requests with the same seeds and ids and parse answers the same way.
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


def plan_request(row: dict, cfg: SynthesizeConfig) -> ChatRequest:
    return ChatRequest(plan_messages(row["post_text"], row["route"] == "crisis", cfg.max_rounds, cfg.plan.prompt_version),
                       _sampling(cfg.plan, row["seed"]), plan_schema(cfg), row["sample_id"])


def apply_plan(row: dict, response: ChatResponse, cfg: SynthesizeConfig) -> None:
    _account(row, response)
    try:
        row["focus"] = parse_plan(response, plan_schema(cfg))
    except SynthesisError as err:
        _fail(row, err)


def draft_request(row: dict, cfg: SynthesizeConfig, locale: str) -> ChatRequest:
    return ChatRequest(draft_messages(row["post_text"], row["focus"], row["route"] == "crisis", locale,
                                      cfg.draft.prompt_version),
                       _sampling(cfg.draft, row["seed"] + _SEED_OFFSET["draft"]), draft_schema(cfg, len(row["focus"])),
                       row["sample_id"])


def apply_draft(row: dict, response: ChatResponse, cfg: SynthesizeConfig) -> None:
    _account(row, response)
    try:
        row["clients"] = parse_draft(response, draft_schema(cfg, len(row["focus"])), len(row["focus"]))
    except SynthesisError as err:
        _fail(row, err)


def counselor_systems(cfg: SynthesizeConfig, locale: str) -> dict[bool, str]:
    """The counselor's system prompt by crisis route (built once per batch or worker, not per request)."""
    return {crisis: counselor_system_prompt(crisis, locale, cfg.reason_format, cfg.reply_max_words,
                                            cfg.include_icd11_list, cfg.reason.prompt_version)
            for crisis in (False, True)}


def reason_rounds(row: dict) -> int:
    return len(row["clients"])


def reason_request(row: dict, t: int, cfg: SynthesizeConfig, systems: dict[bool, str]) -> ChatRequest:
    schema = reason_schema(cfg) if cfg.reason_format == "json" else None
    history = [(x["client"], x["counselor_reply"]) for x in row["rounds"]]
    messages = reason_messages(history, row["clients"][t], systems[row["route"] == "crisis"])
    return ChatRequest(messages, _sampling(cfg.reason, row["seed"] + _SEED_OFFSET["reason"] + t), schema,
                       f"{row['sample_id']}:{t}")


def apply_reason(row: dict, t: int, response: ChatResponse, cfg: SynthesizeConfig) -> None:
    _account(row, response)
    schema = reason_schema(cfg) if cfg.reason_format == "json" else None
    try:
        turn = parse_reason(response, cfg.reason_format, schema or {})
    except SynthesisError as err:
        err.message = f"round {t + 1}: {err.message}"
        _fail(row, err)
        return
    row["rounds"].append({"index": t, "focus": row["focus"][t], "client": row["clients"][t], **turn})


def run_plan(rows: list[dict], gen: Generator, cfg: SynthesizeConfig, locale: str) -> list[dict]:
    todo = _alive(rows)
    for row, response in zip(todo, gen.generate([plan_request(r, cfg) for r in todo])):
        apply_plan(row, response, cfg)
    return rows


def run_draft(rows: list[dict], gen: Generator, cfg: SynthesizeConfig, locale: str) -> list[dict]:
    todo = _alive(rows)
    for row, response in zip(todo, gen.generate([draft_request(r, cfg, locale) for r in todo])):
        apply_draft(row, response, cfg)
    return rows


def run_reason(rows: list[dict], gen: Generator, cfg: SynthesizeConfig, locale: str) -> list[dict]:
    """Round t of every live dialogue goes to the engine in one batch, t = 0, 1, ...: batches stay large and
    each round sees the regenerated replies of the rounds before it, in chronological order."""
    systems = counselor_systems(cfg, locale)
    for row in _alive(rows):
        row["rounds"] = []
    for t in range(cfg.max_rounds):
        todo = [r for r in _alive(rows) if t < reason_rounds(r)]
        if not todo:
            break
        for row, response in zip(todo, gen.generate([reason_request(r, t, cfg, systems) for r in todo])):
            apply_reason(row, t, response, cfg)
    return rows


RUNNERS = {"plan": run_plan, "draft": run_draft, "reason": run_reason}
