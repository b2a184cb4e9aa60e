"""Export's split groups on Ray Data == the single-driver reference, and the Ray backend writes the same files
byte for byte, on kept dialogues with a near-duplicate chain across posts (A~B, B~C, A!~C), an exact client-text
twin, a post with two samples, a filter cluster link and a split that only the small-data correction fills."""
import random
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

from psyllm.config import load_config
from psyllm.export.grouping import as_dedup, assigned_in_driver
from psyllm.ingest.dedup import signature
from psyllm.ingest.dup_load import original_text
from psyllm.text.hygiene import normalized_key
from psyllm.prompts.render import deployed_system_prompt
from psyllm.io.manifest import read_manifest, write_manifest
from psyllm.io.shards import ShardWriter, read_table
from psyllm.records import FILTERED_SCHEMA
from tests.dialogues import good

pytestmark = pytest.mark.integration
SEED, TEST = 2, 0.02  # a seed under which no group's point falls below TEST: the correction must fill test


def _chain() -> list[str]:
    """A, B = A with 4 words changed, C = B with 5 more: A~B and B~C at 0.5, A!~C."""
    a = original_text(random.Random(11)).split()[:60]
    b = [w if i % 15 != 7 else f"zz{i}" for i, w in enumerate(a)]
    c = [w if i % 12 != 3 else f"qq{i}" for i, w in enumerate(b)]
    return [" ".join(t) for t in (a, b, c)]


def _dialogue(sample_id: str, post_id: str, client: str) -> dict:
    d = good(sample_id, post_id)
    d["rounds"] = d["rounds"][:1]
    d["rounds"][0]["client"] = client
    return dict(d, cluster_id=sample_id, verdicts="[]", failures=[])


def _kept(tmp_path: Path) -> tuple[str, list[str]]:
    rng = random.Random(4)
    rows = [_dialogue(f"s{i:03d}", f"p{i:03d}", original_text(rng)) for i in range(40)]
    chain = _chain()
    rows += [_dialogue("s101", "pa", chain[0]), _dialogue("s150", "pb", chain[1]), _dialogue("s120", "pc", chain[2])]
    rows += [_dialogue("s130", "px", rows[3]["rounds"][0]["client"]),  # exact client twin of s003
             _dialogue("s131", "p005", original_text(rng)),  # a second sample of post p005
             dict(_dialogue("s132", "py", original_text(rng)), cluster_id="s007")]  # filter tied it to s007
    random.Random(5).shuffle(rows)  # input order must not matter
    out = tmp_path / "filtered"
    w = ShardWriter(str(out / "kept"), FILTERED_SCHEMA, 16)  # several shards, several read tasks
    w.write_rows(rows)
    write_manifest(str(out), {"stage": "filter", "fingerprint": "f1", "complete": True, "shards": {"kept": w.close()},
                              "criteria": {}, "prompt_versions": '{"plan": "v1"}', "models": '{"plan": "m"}'})
    return str(out), chain


def _similarity(a: str, b: str) -> float:
    cfg = as_dedup(0.5)
    sa, sb = (np.frombuffer(signature(normalized_key(t), cfg), np.uint32) for t in (a, b))
    return float((sa == sb).mean())


def _files(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in out.rglob("*")
            if p.is_file() and p.suffix in (".jsonl", ".json") and p.name != "manifest.json"}


def test_ray_groups_and_files_equal_the_driver_reference(ray_local, tmp_path):
    from psyllm.export.files import ExportWriter
    from psyllm.export.stage import finish_files
    from psyllm.runtime.export import assigned_on_ray, run_export, write_on_ray

    src, chain = _kept(tmp_path)
    assert _similarity(*chain[:2]) >= 0.5 and _similarity(*chain[1:]) >= 0.5 > _similarity(chain[0], chain[2])
    over = ["tracking.enabled=false", "export.validation_fraction=0.1", f"export.test_fraction={TEST}",
            f"export.split_seed={SEED}", "export.partitions=2", "export.backend=driver"]
    cfg = load_config(None, over)
    kept = read_table(f"{src}/kept")
    want = sorted(assigned_in_driver([kept], 0.5, 0.1, TEST, SEED).to_pylist(), key=lambda r: r["sample_id"])
    group = {r["sample_id"]: r["group"] for r in want}
    assert group["s101"] == group["s150"] == group["s120"] == "s101"  # the chain, across three posts
    assert group["s130"] == "s003" and group["s131"] == "s005" and group["s132"] == "s007"
    assert not any(r["split"] == "test" for r in want)  # the fixture needs the correction

    # One Ray plan (each costs minutes on a loaded 2-core machine): its groups, then its files from them.
    assigned = assigned_on_ray(f"{src}/kept", cfg.export)
    got = pa.concat_tables(assigned.iter_batches(batch_format="pyarrow", batch_size=None))
    assert sorted(got.to_pylist(), key=lambda r: r["sample_id"]) == want
    out_ray, out_driver = tmp_path / "ray", tmp_path / "driver"
    writer = ExportWriter(str(out_ray), cfg.output.shard_rows)
    grouped = write_on_ray(assigned, f"{src}/kept", cfg.export, deployed_system_prompt(cfg.safety.locale, "v1"), writer)
    counts, _ = finish_files(writer, grouped, read_manifest(src), cfg.export, str(out_ray))

    run_export(cfg, src, str(out_driver))
    driver = read_manifest(str(out_driver))["counts"]
    assert counts == driver and driver["dialogues"] == 46 and driver["groups"] == 41 and driver["posts"] == 45
    assert driver["by_split"]["test"] >= 1
    assert _files(out_driver) == _files(out_ray)  # every JSONL and JSON file, byte for byte
    for split in ("train", "validation", "test"):
        assert read_table(str(out_ray / "parquet" / split)) == read_table(str(out_driver / "parquet" / split))
