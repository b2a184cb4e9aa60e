"""Export: filtered dialogues -> SFT splits in psyllm Parquet, OpenAI-messages JSONL and ShareGPT JSON, with a
dataset card. Runs in one process (no Ray): it is I/O over already filtered data."""
from __future__ import annotations

import json
from collections import Counter

from psyllm.config.schema import PsyllmConfig
from psyllm.export.card import dataset_card
from psyllm.export.sft import to_messages, to_sharegpt
from psyllm.prompts.render import deployed_system_prompt
from psyllm.export.splits import SPLITS, assign_splits, groups
from psyllm.interop.openr1 import to_openr1_row
from psyllm.io.filesystem import join
from psyllm.io.manifest import StageResult, require_finished
from psyllm.io.atomic import write_bytes_atomic
from psyllm.io.shards import ShardWriter, iter_batches
from psyllm.io.stage_output import StageOutput, input_entry
from psyllm.records import SFT_SCHEMA


def _llamafactory_info() -> dict:
    """dataset_info.json entries so LLaMA-Factory can load the ShareGPT files by name."""
    return {f"psyllm_{split}": {"file_name": f"sharegpt/{split}.json", "formatting": "sharegpt",
                                "columns": {"messages": "conversations", "system": "system"},
                                "tags": {"role_tag": "from", "content_tag": "value", "user_tag": "human",
                                         "assistant_tag": "gpt"}} for split in SPLITS}


# What export writes under its output: the record of it is what a rerun may clear (psyllm/io/ownership.py).
WRITES = (*(f"parquet/{s}/part-*.parquet" for s in SPLITS), *(f"messages/{s}.jsonl" for s in SPLITS),
          *(f"sharegpt/{s}.json" for s in SPLITS), *(f"openr1-psy/{s}.jsonl" for s in SPLITS),
          "dataset_info.json", "README.md")


def run_export(cfg: PsyllmConfig, input_uri: str, output_uri: str) -> StageResult:
    ecfg, storage = cfg.export, cfg.storage
    upstream = require_finished(input_uri, "kept", "filter", storage)
    out = StageOutput("export", ecfg, cfg, output_uri, (upstream["fingerprint"],), writes=WRITES, guard=(input_uri,))
    if out.done:
        return out.done
    dialogues = [row for batch in iter_batches(join(input_uri, "kept"), storage) for row in batch.to_pylist()]
    group_of = groups(dialogues, ecfg.cluster_threshold)
    split_of = assign_splits(list(group_of.values()), ecfg.validation_fraction, ecfg.test_fraction, ecfg.split_seed)
    system = deployed_system_prompt(ecfg.locale, ecfg.system_prompt_version)

    records = {s: [] for s in SPLITS}
    openr1 = {s: [] for s in SPLITS}
    for d in sorted(dialogues, key=lambda d: d["sample_id"]):
        split = split_of[group_of[d["sample_id"]]]
        openr1[split].append(to_openr1_row(d))
        records[split].append({"sample_id": d["sample_id"], "post_id": d["post_id"], "split": split, "route": d["route"],
                               "messages": to_messages(d, system, ecfg.include_reasoning)})
    shards: dict[str, list] = {}
    for split, rows in records.items():
        writer = ShardWriter(join(output_uri, "parquet", split), SFT_SCHEMA, cfg.output.shard_rows, storage)
        writer.write_rows(rows)
        shards[f"parquet/{split}"] = writer.close()
        jsonl = "".join(json.dumps({"messages": r["messages"]}, ensure_ascii=False) + "\n" for r in rows)
        shards[f"messages/{split}.jsonl"] = [write_bytes_atomic(join(output_uri, "messages"), f"{split}.jsonl",
                                                                jsonl.encode(), storage, rows=len(rows))]
        sharegpt = json.dumps([to_sharegpt(r["messages"]) for r in rows], ensure_ascii=False, indent=1)
        shards[f"sharegpt/{split}.json"] = [write_bytes_atomic(join(output_uri, "sharegpt"), f"{split}.json",
                                                               sharegpt.encode(), storage, rows=len(rows))]
        layout = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in openr1[split])  # PsyLLM's release layout
        shards[f"openr1-psy/{split}.jsonl"] = [write_bytes_atomic(join(output_uri, "openr1-psy"), f"{split}.jsonl",
                                                                  layout.encode(), storage, rows=len(rows))]
    write_bytes_atomic(output_uri, "dataset_info.json", json.dumps(_llamafactory_info(), indent=2).encode(), storage)
    counts = {"dialogues": len(dialogues), "by_split": {s: len(records[s]) for s in SPLITS},
              "groups": len(set(group_of.values())), "posts": len({d["post_id"] for d in dialogues}),
              "by_route": dict(Counter(d["route"] for d in dialogues))}
    write_bytes_atomic(output_uri, "README.md", dataset_card(counts, upstream, ecfg.include_reasoning).encode(), storage)
    return out.finish(counts, shards, [input_entry(join(input_uri, "kept"), upstream["fingerprint"])])
