"""The filter stage's workers over batches of dialogue rows: deterministic filters (+ dedup signature), then
the judge on what is still in (one engine call per batch, or continuously: each dialogue's request in flight on its
own, `filter.judge.scheduling`). Verdicts accumulate on the row; `failures` are the failed ones."""
from __future__ import annotations

import hashlib
import json
from collections import Counter

from psyllm.config.schema import FilterConfig, SafetySettings
from psyllm.engines import build_generator
from psyllm.engines.base import AsyncChatGenerator, Generator
from psyllm.engines.inflight import ContinuousPool, build_async_generator
from psyllm.filters.base import Verdict
from psyllm.filters.dedup import dialogue_signature
from psyllm.filters.judge import JudgeFilter
from psyllm.filters.registry import build_filters


def _set_verdicts(row: dict, verdicts: list[dict]) -> None:
    row["verdicts"] = json.dumps(verdicts)
    row["failures"] = [{"filter": v["filter"], "criterion": v["criterion"], "reason": v["reason"]}
                       for v in verdicts if not v["passed"]]


def add_verdicts(row: dict, new: list[Verdict]) -> None:
    _set_verdicts(row, json.loads(row.get("verdicts") or "[]") + [v.to_dict() for v in new])


class DeterministicWorker:
    def __init__(self, cfg: FilterConfig, safety: SafetySettings):
        self.cfg, self.filters = cfg, build_filters(cfg, safety)

    def __call__(self, rows: list[dict]) -> list[dict]:
        for row in rows:
            row["verdicts"], row["failures"] = "[]", []
            add_verdicts(row, [v for f in self.filters for v in f.score(row)])
            key, sig = dialogue_signature(row, self.cfg.dedup)
            row["text_sha"], row["minhash"] = hashlib.sha256(key.encode()).hexdigest()[:32], sig
            row["cluster_id"] = row["sample_id"]
        return rows


def _judged(cfg: FilterConfig, row: dict) -> bool:
    return cfg.judge.judge_rejected or not row["failures"]


class JudgeWorker:
    def __init__(self, cfg: FilterConfig, generator: Generator | None = None):
        self.cfg = cfg
        self.judge = JudgeFilter(cfg.judge, generator or build_generator(cfg.judge.engine))

    def __call__(self, rows: list[dict]) -> list[dict]:
        todo = [r for r in rows if _judged(self.cfg, r)]
        for row, verdicts in zip(todo, self.judge.score_batch(todo) if todo else []):
            add_verdicts(row, verdicts)
        return rows


class ContinuousJudgeWorker:
    """JudgeWorker without the batch barrier: an async rows -> rows whose output rows are the first dialogues to
    finish in this worker, from this call or an earlier one (ContinuousPool), at most `judge.max_in_flight` judged
    at once; rows the judge skips leave at once."""

    def __init__(self, cfg: FilterConfig, generator: AsyncChatGenerator | None = None):
        self.cfg = cfg
        self.judge = JudgeFilter(cfg.judge, generator or build_async_generator(cfg.judge.engine))
        self.pool = ContinuousPool(self._one, cfg.judge.max_in_flight)

    async def _one(self, row: dict) -> dict:
        if _judged(self.cfg, row):
            add_verdicts(row, await self.judge.ascore(row))
        return row

    async def __call__(self, rows: list[dict]) -> list[dict]:
        return await self.pool.run(rows)


class PassRates:
    """Accumulates {filter.criterion: evaluated, passed} over rows; `result()` adds the rates."""

    def __init__(self):
        self.evaluated, self.passed = Counter(), Counter()

    def add(self, verdicts: list[dict]) -> None:
        for v in verdicts:
            key = f"{v['filter']}.{v['criterion']}"
            self.evaluated[key] += 1
            self.passed[key] += bool(v["passed"])

    def result(self) -> dict[str, dict]:
        return {k: {"evaluated": self.evaluated[k], "passed": self.passed[k],
                    "rate": round(self.passed[k] / self.evaluated[k], 4)} for k in sorted(self.evaluated)}
