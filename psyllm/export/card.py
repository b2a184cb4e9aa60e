"""The dataset card written as README.md beside the exported files."""
from __future__ import annotations

import json

from psyllm.clinical.icd11 import ATTRIBUTION


def dataset_card(counts: dict, filter_manifest: dict, include_reasoning: bool) -> str:
    rates = filter_manifest.get("criteria", {})
    rate_lines = "\n".join(f"| {k} | {v['evaluated']} | {v['passed']} | {v['rate']:.3f} |" for k, v in rates.items())
    prompts = filter_manifest.get("prompt_versions") or "{}"
    models = filter_manifest.get("models") or "{}"
    split_lines = "\n".join(f"| {k} | {v} |" for k, v in counts["by_split"].items())
    return f"""# psyllm SFT dataset

Multi-turn counseling dialogues in which every counselor turn carries a clinical reasoning trace, made by psyllm
(after PsyLLM, arXiv 2505.15715) from de-identified public posts, filtered on structure, quality, safety,
near-duplication and an LLM judge.

## Contents

| split | dialogues |
| --- | --- |
{split_lines}

Splits are by post: every sample of a post, and every dialogue whose client turns are near duplicates of
another's, stay in one split. Assistant turns are {"`<think>reasoning</think>reply` (Qwen3 format)" if include_reasoning else "replies only (reasoning left out)"}.

Files: `messages/{{split}}.jsonl` (OpenAI chat messages, for TRL), `sharegpt/{{split}}.json` (ShareGPT, for
LLaMA-Factory; `dataset_info.json` registers them), `parquet/{{split}}/` (the same records with provenance).

## Sources and provenance

- Upstream filter output fingerprint: `{filter_manifest.get('fingerprint')}`
- Prompt versions: `{prompts}`
- Models: `{models}`

## Filters and pass rates

| criterion | evaluated | passed | rate |
| --- | --- | --- | --- |
{rate_lines}

## Licence notes

- {ATTRIBUTION}
- No DSM-5-TR criteria text is included; diagnoses appear by name only, in reasoning traces.
- Source posts were de-identified (typed placeholders such as `[NAME_1]`) before any model saw them; authors
  are not included. Check the licence of the posts you ingested before sharing this dataset.

## Limits

- Synthetic dialogues written by language models: not transcripts of real counseling, not clinical advice.
- English only (the ingest language gate). Diagnostic hypotheses in traces are model reasoning, not diagnoses.
- Safety filtering is rule- and judge-based and can miss things; review before use in any product.

```json
{json.dumps(counts, indent=2)}
```
"""
