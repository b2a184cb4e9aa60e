"""The one stage table: every stage's name, config section, runner and summary, in pipeline order.

The CLI builds its commands from it, `psyllm run` walks it, `jobs/` entrypoints name a row of it, and the config
validates `pipeline.stages` against it. It imports nothing heavy: runners are named, and loaded only when run.
Adding a stage is one row here, a runner `(cfg, input_uri, output_uri) -> StageResult`, a config section and a
`jobs/` file (docs/architecture.md).
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class Stage:
    name: str
    section: str  # the config section the stage reads (and logs as its parameters)
    runner: str  # "module:function"; None-like "" for a stage the pipeline runs itself (serve)
    summary: str  # one line: what goes in and what comes out
    figures: Callable[[dict], str] = lambda counts: ""  # the few numbers that say how a run went

    def load(self) -> Callable:
        """The runner function, imported on first use (the table stays import-light)."""
        module, function = self.runner.split(":")
        return getattr(importlib.import_module(module), function)


def _train_figures(c: dict) -> str:
    first, final = c.get("first_loss"), c.get("final_loss")
    losses = f", loss {first:.2f} -> {final:.2f}" if first is not None and final is not None else ""
    return f"steps {c.get('steps')}/{c.get('total_steps')}{losses}"


def _evaluate_figures(c: dict) -> str:
    dims = "; ".join(f"{k} {d['mean']:.2f} [{d['low']:.2f}, {d['high']:.2f}]"
                     for k, d in c.get("dimensions", {}).items() if d.get("n"))
    probes = ", ".join(f"{level} {k} {v['passed']}/{v['n']}" for level, kinds in c.get("safety_suite", {}).items()
                       for k, v in kinds.items() if v.get("n"))
    return f"{dims or 'no scores'}; {probes}"


_TABLE = (
    Stage("ingest", "ingest", "psyllm.runtime.ingest:run_ingest",
          "posts (jsonl/json.gz/parquet/csv/zst, local or s3://) -> clean, de-identified, triaged posts",
          lambda c: f"read {c.get('read')}, kept {c.get('kept')}, quarantined {c.get('quarantined')}, "
                    f"duplicates {c.get('duplicates')}"),
    Stage("synthesize", "synthesize", "psyllm.runtime.synthesize:run_synthesize",
          "ingest output -> multi-turn counseling dialogues with a clinical reasoning trace per counselor turn",
          lambda c: f"dialogues {c.get('dialogues')}, dead letters {c.get('dead_letters')}"),
    Stage("import", "importer", "psyllm.interop.importer:run_import",
          "public dialogues (OpenR1-Psy, CPsyCoun, ESConv, counsel-chat, PsyQA, chat messages, ShareGPT; files, "
          "s3:// or a Hub name) -> dialogues",
          lambda c: f"read {c.get('read')}, dialogues {c.get('dialogues')}, quarantined {c.get('quarantined')}"),
    Stage("filter", "filter", "psyllm.runtime.filter:run_filter",
          "dialogues -> kept/ and rejected/ on structure, quality, safety, dedup and an LLM judge",
          lambda c: f"kept {c.get('kept')}, rejected {c.get('rejected')}"),
    Stage("export", "export", "psyllm.runtime.export:run_export",
          "filtered dialogues -> SFT splits (Parquet, OpenAI-messages JSONL, ShareGPT JSON) and a dataset card",
          lambda c: ", ".join(f"{k} {v}" for k, v in (c.get("by_split") or {}).items())),
    Stage("train", "train", "psyllm.runtime.train:run_train",
          "SFT splits -> full-parameter SFT with DeepSpeed ZeRO-3 under Ray Train -> a Hugging Face model folder",
          _train_figures),
    Stage("serve", "serve", "",
          "the trained counselor and the judge on Ray Serve (OpenAI-compatible) for the evaluation that follows"),
    Stage("evaluate", "evaluate", "psyllm.evaluation.stage:run_evaluate",
          "a served model (URL) or a model folder -> benchmark answers scored by a judge, statistics, report",
          _evaluate_figures),
)
STAGES: dict[str, Stage] = {s.name: s for s in _TABLE}
ORDER: tuple[str, ...] = tuple(STAGES)  # the pipeline's order; `pipeline.stages` keeps it
# Stages with a command of their own (`psyllm <stage>`); serve is its own command with other options.
COMMANDS: tuple[str, ...] = tuple(s.name for s in _TABLE if s.runner)

