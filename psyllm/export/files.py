"""The files export writes, streamed: each batch of rendered rows is appended to its split's Parquet shards,
OpenAI-messages JSONL, ShareGPT JSON array and OpenR1-Psy JSONL, so memory holds one batch whatever the size."""
from __future__ import annotations

import json
from collections import Counter

import pyarrow as pa
import pyarrow.compute as pc

from psyllm.export.sft import to_messages, to_sharegpt
from psyllm.export.splits import SPLITS
from psyllm.interop.openr1 import to_openr1_row
from psyllm.io.atomic import AtomicFile
from psyllm.io.filesystem import join
from psyllm.io.shards import ShardWriter
from psyllm.records import SFT_SCHEMA

# An SFT row and its three text layouts, serialized where the row is rendered (a Ray Data worker or the driver).
RENDERED_SCHEMA = pa.schema([*SFT_SCHEMA, pa.field("messages_line", pa.string()),
                             pa.field("sharegpt_item", pa.string()), pa.field("openr1_line", pa.string())])
_LINES = {"messages": ("messages_line", "jsonl"), "openr1-psy": ("openr1_line", "jsonl")}


def render(batch, system: str, include_reasoning: bool) -> pa.Table:
    """Kept dialogues with their `split` -> SFT rows with every layout's text."""
    out = []
    for d in batch.to_pylist():
        messages = to_messages(d, system, include_reasoning)
        out.append({"sample_id": d["sample_id"], "post_id": d["post_id"], "split": d["split"], "route": d["route"],
                    "messages": messages,
                    "messages_line": json.dumps({"messages": messages}, ensure_ascii=False),
                    "sharegpt_item": json.dumps(to_sharegpt(messages), ensure_ascii=False, indent=1),
                    "openr1_line": json.dumps(to_openr1_row(d), ensure_ascii=False)})  # PsyLLM's release layout
    return pa.Table.from_pylist(out, schema=RENDERED_SCHEMA)


class ExportWriter:
    """Every layout of every split, appended batch by batch; counts rows by split and route on the way."""

    def __init__(self, output_uri: str, shard_rows: int, storage=None):
        self.parquet = {s: ShardWriter(join(output_uri, "parquet", s), SFT_SCHEMA, shard_rows, storage) for s in SPLITS}
        self.files = {(folder, s): AtomicFile(join(output_uri, folder), f"{s}.{ext}", storage)
                      for folder, (_, ext) in _LINES.items() for s in SPLITS}
        # ShareGPT is one JSON array per split: "[", items separated by ",\n", then "]".
        self.sharegpt = {s: AtomicFile(join(output_uri, "sharegpt"), f"{s}.json", storage) for s in SPLITS}
        for f in self.sharegpt.values():
            f.write(b"[")
        self.by_split: Counter = Counter()
        self.by_route: Counter = Counter()

    def write(self, batch: pa.Table) -> None:
        for split in SPLITS:
            part = batch.filter(pc.equal(batch["split"], split))
            if not part.num_rows:
                continue
            self.parquet[split].write_batch(part.select(SFT_SCHEMA.names).cast(SFT_SCHEMA))
            for folder, (column, _) in _LINES.items():
                self.files[folder, split].write("".join(f"{t}\n" for t in part[column].to_pylist()).encode())
            items = ",\n".join(part["sharegpt_item"].to_pylist())
            self.sharegpt[split].write(f"{',' if self.by_split[split] else ''}\n{items}".encode())
            self.by_split[split] += part.num_rows
        self.by_route.update(batch["route"].to_pylist())

    def close(self) -> dict[str, list[dict]]:
        """Put every file in place; the manifest's shard entries by output name."""
        shards = {f"parquet/{s}": w.close() for s, w in self.parquet.items()}
        for (folder, split), f in self.files.items():
            shards[f"{folder}/{split}.jsonl"] = [f.close(self.by_split[split])]
        for split, f in self.sharegpt.items():
            f.write(b"\n]" if self.by_split[split] else b"]")
            shards[f"sharegpt/{split}.json"] = [f.close(self.by_split[split])]
        return shards

    def counts(self) -> dict:
        return {"dialogues": sum(self.by_split.values()), "by_split": {s: self.by_split[s] for s in SPLITS},
                "by_route": dict(self.by_route)}
