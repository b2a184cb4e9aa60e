"""Distributed duplicate clusters (Ray Data shuffles) == the single-driver reference, on the exact/near/chained
fixture and on generated load with injected duplicates."""
import json

import pyarrow as pa

from psyllm.config.schema import DedupConfig
from psyllm.dedup.reference import resolve
from psyllm.dedup.steps import node_key
from psyllm.ingest.dup_load import write_load
from tests.unit.dedup.cases import keys_table


def _sorted(t: pa.Table) -> list[dict]:
    return sorted(t.to_pylist(), key=lambda r: r["node"])


def _distributed(ray_local, keys: pa.Table, cfg: DedupConfig) -> pa.Table:
    import ray.data

    from psyllm.runtime.dedup import find_duplicates

    found = find_duplicates(ray.data.from_arrow(keys).repartition(3), cfg)
    return pa.concat_tables(found.iter_batches(batch_format="pyarrow", batch_size=None))


def test_distributed_equals_reference_on_fixture_and_generated_load(ray_local, tmp_path):
    cfg = DedupConfig(partitions=2)
    load = write_load(str(tmp_path / "posts.jsonl"), 300, seed=2, exact=0.1, near=0.1, chain=0.05)
    data = [("posts.jsonl", i, json.loads(line)["id"], json.loads(line)["selftext"])
            for i, line in enumerate(open(tmp_path / "posts.jsonl"), start=1)]
    keys = pa.concat_tables([keys_table(cfg), keys_table(cfg, data)])  # one Ray run: each costs seconds to plan
    want = _sorted(resolve(keys, cfg))
    assert _sorted(_distributed(ray_local, keys, cfg)) == want
    chained = next(r for r in want if r["node"] == node_key("a.jsonl", 5))
    assert chained["duplicate_of"] == "p1" and chained["similarity"] < cfg.threshold  # the chain made it through
    flagged = sum(r["duplicate_of"] is not None for r in want if r["node"].startswith("posts.jsonl"))
    injected = sum(k != "original" for k in load.kinds.values())
    assert flagged >= 0.95 * injected > 25
