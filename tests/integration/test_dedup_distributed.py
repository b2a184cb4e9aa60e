"""Distributed duplicate clusters (Ray Data shuffles) == the single-driver reference, on the exact/near/chained
fixture and on generated load with injected duplicates; and the filter's two dedup backends mark the same dialogues."""
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


def test_the_filters_two_dedup_backends_mark_the_same_dialogues(ray_local, tmp_path):
    """The filter's dedup: resolved in the driver (what "auto" picks below `driver_max_rows`) == found by Ray Data
    shuffles, on staged dialogues with exact copies, near copies (one reply changed), distinct ones and a rejected
    one (not a candidate)."""
    from dataclasses import replace

    from psyllm.config import load_config
    from psyllm.filters.pipeline import DeterministicWorker
    from psyllm.io.shards import ShardWriter
    from psyllm.records import FILTER_STATE_SCHEMA
    from psyllm.runtime.filter import _with_dedup
    from tests.dialogues import HARD_FAILS, crisis_good, good, with_reply

    cfg = load_config(None)
    dialogues = [good(f"s{i}", f"p{i}") for i in range(4)]
    dialogues += [with_reply(good(f"n{i}", f"pn{i}"), f"That sounds exhausting, carrying it all. What goes through your mind? {i}")
                  for i in range(3)]
    dialogues += [crisis_good("c1"), crisis_good("c2"), HARD_FAILS["medication_advice"]]
    staged = DeterministicWorker(cfg.filter, cfg.safety)(dialogues)
    writer = ShardWriter(str(tmp_path / "staging"), FILTER_STATE_SCHEMA, 4, None)  # several shards
    writer.write_rows(staged)
    writer.close()

    def marked(backend: str) -> list[tuple]:
        fcfg = replace(cfg.filter, dedup=replace(cfg.filter.dedup, backend=backend))
        ds = _with_dedup(str(tmp_path / "staging"), fcfg, None, len(staged))
        rows = [r for b in ds.iter_batches(batch_format="pyarrow", batch_size=None) for r in b.to_pylist()]
        return sorted((r["sample_id"], r["cluster_id"], r["verdicts"], json.dumps(r["failures"])) for r in rows)

    driver, distributed = marked("driver"), marked("ray")
    assert driver == distributed and len(driver) == len(dialogues)
    duplicates = {sid for sid, _, verdicts, _ in driver if "near duplicate of" in verdicts}
    assert {"s1", "s2", "s3", "c2"} <= duplicates and "s0" not in duplicates and "h3" not in duplicates
