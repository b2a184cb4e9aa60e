import numpy as np

from psyllm.config.schema import DedupConfig
from psyllm.ingest.dedup import minhash, signature
from psyllm.text.hygiene import normalized_key

BASE = ("since I moved to this city for work I barely talk to anyone and weekends are the worst "
        "I sit at home and scroll my phone until late and feel empty")


def test_signatures_estimate_similarity_and_round_trip():
    cfg = DedupConfig()
    a = signature(normalized_key(BASE), cfg)
    assert a == signature(normalized_key(BASE.upper()), cfg) and len(a) == 4 * cfg.num_perm
    near = signature(normalized_key(BASE.replace("worst", "hardest")), cfg)
    other = signature(normalized_key("a completely different post about grief and my grandmother's garden"), cfg)
    sim = lambda x, y: np.mean(np.frombuffer(x, np.uint32) == np.frombuffer(y, np.uint32))  # noqa: E731
    assert sim(a, near) >= cfg.threshold > sim(a, other)
    assert minhash(a, cfg).jaccard(minhash(near, cfg)) == sim(a, near)
