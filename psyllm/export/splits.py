"""Train/validation/test by a seeded hash of each row's group (psyllm.export.grouping), so no group straddles two
splits and no list of groups is ever needed.

A group's point u = sha256(seed, group) in [0, 1) decides alone: u < test -> test, u < test + validation ->
validation, else train. What this buys: a group's split depends on its own id (its smallest sample id) and the
seed only, so adding data never moves an existing group to another split, unless the new rows link it to another
group or bring a smaller sample id into it (then it is a new group); the other exception is the small-data
correction below, which fills an empty split from the largest one.
"""
from __future__ import annotations

import hashlib
from typing import Callable

import pyarrow as pa
import pyarrow.compute as pc

SPLITS = ("train", "validation", "test")
_BITS = 52  # a float64 holds 52 bits exactly: equal points compare equal wherever they are computed


def split_point(group: str, seed: int) -> float:
    """The group's point in [0, 1): the first 52 bits of sha256(seed, group)."""
    digest = hashlib.sha256(f"{seed}\x1f{group}".encode()).digest()
    return (int.from_bytes(digest[:8], "big") >> (64 - _BITS)) / 2**_BITS


def split_for(u: float, validation: float, test: float) -> str:
    return "test" if u < test else "validation" if u < test + validation else "train"


def with_splits(table: pa.Table, validation: float, test: float, seed: int) -> pa.Table:
    """`table` (a `group` column) with each row's point `u` and its `split`."""
    points = [split_point(g, seed) for g in table["group"].to_pylist()]
    return table.append_column("u", pa.array(points, pa.float64())).append_column(
        "split", pa.array([split_for(u, validation, test) for u in points], pa.string()))


def per_split(reps: pa.Table) -> pa.Table:
    """Representative rows (split, u) as `n_<split>` (1 or 0) and `u_<split>` (the point or null) columns, so one
    Sum and one Min per split give every split's group count and smallest point in a single aggregation."""
    cols = {}
    for s in SPLITS:
        here = pc.equal(reps["split"], s)
        cols[f"n_{s}"] = pc.cast(here, pa.int64())
        cols[f"u_{s}"] = pc.if_else(here, reps["u"], pa.scalar(None, pa.float64()))
    return pa.table(cols)


def fill_empty(groups_by_split: dict[str, int], validation: float, test: float,
               smallest: Callable[[str, set], float]) -> list[tuple[float, str]]:
    """With at least three groups, validation and test (when asked for) each get one: an empty one takes the group
    with the smallest point of the split holding the most groups. `smallest(split, taken)` is that point, found by
    whoever holds the rows (a Ray Data aggregation or the driver). Returns the moves (point, to split)."""
    held = {s: groups_by_split.get(s, 0) for s in SPLITS}
    if sum(held.values()) < 3:
        return []
    moves: list[tuple[float, str]] = []
    for split, fraction in (("test", test), ("validation", validation)):
        if fraction <= 0 or held[split]:
            continue
        donor = max((s for s in SPLITS if s != split), key=lambda s: (held[s], s == "train"))
        moves.append((smallest(donor, {u for u, _ in moves}), split))
        held[donor], held[split] = held[donor] - 1, 1
    return moves


def apply_moves(table: pa.Table, moves: list[tuple[float, str]]) -> pa.Table:
    """Rows whose group's point was moved take their new split."""
    if not moves:
        return table
    to = dict(moves)
    splits = [to.get(u, s) for u, s in zip(table["u"].to_pylist(), table["split"].to_pylist())]
    return table.set_column(table.schema.get_field_index("split"), "split", pa.array(splits, pa.string()))
