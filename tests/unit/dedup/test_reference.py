import random

import numpy as np
import pyarrow as pa

from psyllm.config.schema import DedupConfig
from psyllm.dedup.bands import band_keys, band_params, signature_matrix
from psyllm.dedup.components import directed, initial_labels, propagate, settle, union_find_labels
from psyllm.dedup.reference import resolve
from psyllm.dedup.steps import as_label, node_key
from tests.unit.dedup.cases import keys_table


def _by_node(verdicts: pa.Table) -> dict:
    return {r["node"]: r for r in verdicts.to_pylist()}


def test_clusters_are_connected_components_represented_by_the_earliest_post():
    cfg = DedupConfig()
    v = _by_node(resolve(keys_table(cfg), cfg))
    at = lambda f, line: v[node_key(f, line)]  # noqa: E731
    assert at("a.jsonl", 1)["duplicate_of"] is None  # A: the representative
    assert (at("a.jsonl", 2)["duplicate_of"], at("a.jsonl", 2)["kind"]) == ("p1", "exact")
    assert (at("b.jsonl", 1)["duplicate_of"], at("b.jsonl", 1)["kind"]) == ("p1", "exact")  # a later file
    near = at("a.jsonl", 4)
    assert (near["duplicate_of"], near["kind"]) == ("p1", "near") and near["similarity"] >= cfg.threshold
    chained = at("a.jsonl", 5)  # C is not similar to A itself, only through B
    assert (chained["duplicate_of"], chained["kind"]) == ("p1", "near") and chained["similarity"] < cfg.threshold
    assert (at("a.jsonl", 6)["duplicate_of"], at("a.jsonl", 6)["kind"]) == ("p1", "near")  # C's exact copy
    assert at("a.jsonl", 3)["duplicate_of"] is None and at("a.jsonl", 3)["post_id"] == "p3"
    renamed = at("a.jsonl", 7)  # a second text under id p3 gets its own id, and its near copy points to it
    assert renamed["post_id"] not in {"p3", None} and renamed["duplicate_of"] is None
    assert (at("a.jsonl", 10)["duplicate_of"], at("a.jsonl", 10)["kind"]) == (renamed["post_id"], "near")


def test_switches_exact_and_near():
    v = _by_node(resolve(keys_table(DedupConfig()), DedupConfig(near=False)))
    assert v[node_key("a.jsonl", 2)]["kind"] == "exact" and v[node_key("a.jsonl", 4)]["duplicate_of"] is None
    v = _by_node(resolve(keys_table(DedupConfig()), DedupConfig(exact=False, near=False)))
    assert all(r["duplicate_of"] is None for r in v.values())


def test_equal_bands_share_keys_and_bands_never_collide():
    cfg = DedupConfig()
    bands, rows = band_params(cfg.threshold, cfg.num_perm)
    sigs = signature_matrix(keys_table(cfg)["minhash"], cfg.num_perm)
    keys = band_keys(sigs, bands, rows)
    assert keys.shape == (sigs.shape[0], bands) and (keys[0] == keys[1]).all()  # A and its upper-case copy
    assert len(np.unique(keys[0])) == bands  # the band index is part of the key


def _random_edges(n: int, m: int, seed: int) -> pa.Table:
    rng = random.Random(seed)
    pairs = {tuple(sorted(rng.sample(range(n), 2))) for _ in range(m)}
    name = lambda i: f"n{i:04d}"  # noqa: E731
    cols = {"a": [name(a) for a, _ in pairs], "b": [name(b) for _, b in pairs], "similarity": [1.0] * len(pairs)}
    for e in ("a", "b"):
        cols[f"{e}_post_id"] = [f"id-{x}" for x in cols[e]]
        cols[f"{e}_sha"] = cols[e]
        cols[f"{e}_minhash"] = [x.encode() for x in cols[e]]
    return pa.table(cols)


def test_label_propagation_reaches_the_union_find_components():
    edges = _random_edges(300, 260, seed=3)  # sparse: long chains, many components
    labels = settle(initial_labels(edges))
    links = directed(edges)
    for _ in range(300):
        offered = propagate(pa.concat_tables([links, as_label(labels)], promote_options="default"))
        labels = settle(offered)
        if not pa.compute.sum(labels["changed"]).as_py():
            break
    got = {r["node"]: (r["label"], r["label_post_id"]) for r in labels.to_pylist()}
    want = {r["node"]: (r["label"], r["label_post_id"]) for r in union_find_labels(edges).to_pylist()}
    assert got == want and len(set(v[0] for v in want.values())) > 5
