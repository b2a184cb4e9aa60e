from psyllm.config.schema import DedupConfig
from psyllm.ingest.dedup import DuplicateResolver, signature
from psyllm.ingest.hygiene import normalized_key

BASE = ("since I moved to this city for work I barely talk to anyone and weekends are the worst "
        "I sit at home and scroll my phone until late and feel empty")


def _add(res, pid, text, cfg):
    key = normalized_key(text)
    return res.add(pid, key, signature(key, cfg))


def test_exact_and_near_duplicates_collapse_to_the_first():
    cfg = DedupConfig()
    res = DuplicateResolver(cfg)
    assert _add(res, "a", BASE, cfg) is None
    exact = _add(res, "b", BASE.upper(), cfg)
    assert (exact.duplicate_of, exact.kind) == ("a", "exact")
    near = _add(res, "c", BASE.replace("worst", "hardest"), cfg)
    assert near.duplicate_of == "a" and near.kind == "near" and near.similarity >= cfg.threshold
    assert _add(res, "d", "a completely different post about grief and my grandmother's garden", cfg) is None


def test_near_dedup_can_be_switched_off():
    cfg = DedupConfig(near=False)
    res = DuplicateResolver(cfg)
    _add(res, "a", BASE, cfg)
    assert _add(res, "c", BASE.replace("worst", "hardest"), cfg) is None


def test_same_native_id_different_text_gets_a_new_id():
    cfg = DedupConfig()
    res = DuplicateResolver(cfg)
    _add(res, "p", BASE, cfg)
    assert res.unique_id("p", normalized_key(BASE)) == "p"
    assert res.unique_id("p", "another text") != "p"
