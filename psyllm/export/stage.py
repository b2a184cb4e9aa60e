"""Export: filtered dialogues -> SFT splits in psyllm Parquet, OpenAI-messages JSONL, ShareGPT JSON and OpenR1-Psy
JSONL, with a dataset card. The stage runner is psyllm.runtime.export:run_export; what runs without Ray is here:
the backend choice, the "driver" backend and the files written last."""
from __future__ import annotations

import json

import pyarrow as pa
import pyarrow.compute as pc

from psyllm.config.schema import ExportConfig
from psyllm.export.card import dataset_card
from psyllm.export.files import ExportWriter, render
from psyllm.export.grouping import LINK_COLUMNS, TEXT_COLUMNS, assigned_in_driver, representatives
from psyllm.export.splits import SPLITS, apply_moves, fill_empty
from psyllm.io.atomic import write_bytes_atomic
from psyllm.io.shards import iter_batches, read_table

# What export writes under its output: the record of it is what a rerun may clear (psyllm/io/ownership.py).
WRITES = (*(f"parquet/{s}/part-*.parquet" for s in SPLITS), *(f"messages/{s}.jsonl" for s in SPLITS),
          *(f"sharegpt/{s}.json" for s in SPLITS), *(f"openr1-psy/{s}.jsonl" for s in SPLITS),
          "dataset_info.json", "README.md")
_BATCH_ROWS = 1024  # rows rendered and written at a time by the driver backend


def group_counts(reps: pa.Table) -> dict[str, int]:
    """Groups per split, from `representatives` rows."""
    return {s: pc.sum(pc.equal(reps["split"], s)).as_py() or 0 for s in SPLITS}


def _smallest_in(reps: pa.Table):
    def smallest(split: str, taken: set) -> float:
        return min(u for s, u in zip(reps["split"].to_pylist(), reps["u"].to_pylist()) if s == split and u not in taken)
    return smallest


def export_in_driver(kept_uri: str, ecfg: ExportConfig, system: str, writer: ExportWriter, storage=None) -> dict:
    """The "driver" backend: groups from keys held here (psyllm.export.grouping's reference), then the kept table,
    sorted by sample id, rendered and written in slices. Memory grows with the input (the Arrow table, not Python
    rows); returns the group and post counts."""
    batches = iter_batches(kept_uri, storage, columns=sorted({*TEXT_COLUMNS, *LINK_COLUMNS}))
    assigned = assigned_in_driver((pa.Table.from_batches([b]) for b in batches), ecfg.cluster_threshold,
                                  ecfg.validation_fraction, ecfg.test_fraction, ecfg.split_seed)
    reps = representatives(assigned)
    by_split = group_counts(reps)
    moves = fill_empty(by_split, ecfg.validation_fraction, ecfg.test_fraction, _smallest_in(reps))
    assigned = apply_moves(assigned, moves)
    table = read_table(kept_uri, storage).sort_by("sample_id")
    split = pc.take(assigned["split"], pc.index_in(table["sample_id"], value_set=assigned["sample_id"]))
    table = table.append_column("split", split)
    for start in range(0, table.num_rows, _BATCH_ROWS):
        writer.write(render(table.slice(start, _BATCH_ROWS), system, ecfg.include_reasoning))
    return {"groups": sum(by_split.values()), "posts": pc.count_distinct(assigned["post_id"]).as_py()}


def _llamafactory_info() -> dict:
    """dataset_info.json entries so LLaMA-Factory can load the ShareGPT files by name."""
    return {f"psyllm_{split}": {"file_name": f"sharegpt/{split}.json", "formatting": "sharegpt",
                                "columns": {"messages": "conversations", "system": "system"},
                                "tags": {"role_tag": "from", "content_tag": "value", "user_tag": "human",
                                         "assistant_tag": "gpt"}} for split in SPLITS}


def finish_files(writer: ExportWriter, grouped: dict, upstream: dict, ecfg: ExportConfig, output_uri: str,
                 storage=None) -> tuple[dict, dict]:
    """Close the streamed files, write dataset_info.json and the card; return the counts and shard entries."""
    shards = writer.close()
    counts = writer.counts() | grouped
    write_bytes_atomic(output_uri, "dataset_info.json", json.dumps(_llamafactory_info(), indent=2).encode(), storage)
    write_bytes_atomic(output_uri, "README.md", dataset_card(counts, upstream, ecfg.include_reasoning).encode(), storage)
    return counts, shards
