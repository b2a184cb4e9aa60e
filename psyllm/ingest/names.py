"""A compact gazetteer of personal names for de-identification, built once from the `names-dataset` package
(first and last names ranked per country, 105 countries) and cached as JSON: the full dataset takes ~10 s and
~2 GB to load, the cached gazetteer well under a second.

A name that is also an everyday English word (Will, Hope, Grace, Mark, the months) is `ambiguous`: it counts as a
name only with a cue ("my friend Will", "Hope texted me"); so does any candidate that is a very common word."""
from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path

VERSION = 1
TOP_RANK = 1000  # a name among the 1,000 most common in at least one country
# Names that are also ordinary English words people write every day (the dataset cannot tell them apart).
AMBIGUOUS = frozenset("""
will hope mark grace bill rose dawn may june april august chase rich frank faith summer joy holly ivy lily iris
violet daisy heather olive sunny rusty buddy art guy pat sue don ray gene earl al drew miles lane wade carol robin
dean grant hunter mason cliff gale sage sky skye storm river destiny precious patience charity honor honour jade
amber ruby pearl crystal autumn angel king prince sterling price rod bob jack penny ginger hazel fern willow rain
star happy lucky bliss major rich love dear bud jan ray nick bella dot mercy trinity harmony melody journey neve
so the and but man boy girl son sun ever mo ali an ha le la de el da di do mi no yu su li lo ma ta sa jo bo
""".split())


def cache_path() -> Path:
    """Where the built gazetteer is kept (under PSYLLM_CACHE)."""
    from psyllm.models.local import cache_dir

    return cache_dir() / f"names-v{VERSION}.json"


def _build(path: Path) -> dict:
    from names_dataset import NameDataset

    dataset = NameDataset()

    def ranked(table: dict) -> list[str]:
        out = []
        for name, info in table.items():
            ranks = [r for r in (info.get("rank") or {}).values() if r]
            if ranks and min(ranks) <= TOP_RANK and name.isalpha() and len(name) > 1:
                out.append(name.casefold())
        return sorted(set(out))

    data = {"first": ranked(dataset.first_names), "last": ranked(dataset.last_names)}
    tmp = path.with_name(path.name + f".tmp{os.getpid()}")
    tmp.parent.mkdir(parents=True, exist_ok=True)
    tmp.write_text(json.dumps(data))
    os.replace(tmp, path)  # atomic: concurrent builders leave one complete file
    return data


@lru_cache(maxsize=1)
def gazetteer() -> tuple[frozenset, frozenset]:
    """(first names, last names), casefolded; built from names-dataset on first use."""
    path = cache_path()
    data = json.loads(path.read_text()) if path.exists() else _build(path)
    return frozenset(data["first"]), frozenset(data["last"])
