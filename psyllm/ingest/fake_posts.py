"""Synthetic Reddit-shaped posts for load tests and benchmarks: template sentences, not real posts.

A fixed share are exact or near duplicates, malformed lines, crisis posts and posts with fake PII, so a
generated file exercises every ingest path at any size.
"""
from __future__ import annotations

import json
import random

_TOPICS = {
    "anxiety": ["my chest gets tight before meetings", "I check the locks again and again", "my heart races at night",
                "I rehearse every conversation in my head", "I avoid the train since the panic attack"],
    "depression": ["nothing feels enjoyable anymore", "I sleep all weekend and still feel tired",
                   "food has no taste lately", "I stopped answering my friends", "I stare at the wall after work"],
    "stress": ["deadlines keep piling up", "I grind my teeth at night", "rent is late again",
               "caring for my dad takes every evening", "my manager emails me at midnight"],
    "grief": ["my grandmother died in spring", "the house is quiet since the dog passed",
              "the anniversary is next week", "I keep reaching for the phone to call her", "I cannot sort his things"],
    "relationships": ["we only talk about chores", "my partner reads my messages", "my mother criticizes my job",
                      "my best friend stopped replying", "handovers of the kids turn into fights"],
    "loneliness": ["some weeks I talk to nobody", "I eat dinner in front of the TV alone", "I moved and know no one",
                   "my contacts list feels empty", "weekends are the longest days"],
}
_DURATIONS = ["for a few weeks", "for months now", "since last winter", "for over a year", "since the move"]
_IMPACT = ["I keep missing work", "my grades are slipping", "I snap at people I love", "I stopped going to the gym",
           "I barely leave the house", "I can't concentrate on anything"]
_ASKS = ["Is this normal?", "How do I make it stop?", "Has anyone felt like this?", "What should I do?",
         "I don't know who to talk to."]
_CRISIS = "I have been thinking about ending my life and I don't know how to stop these thoughts."
_PII = " You can email me at {name}.{n}@example.com or call 555-01{d}-{n4:04d}."


def make_post(i: int, rng: random.Random) -> dict:
    sub = rng.choice(list(_TOPICS))
    sentences = [f"{rng.choice(_TOPICS[sub]).capitalize()} {rng.choice(_DURATIONS)}." for _ in range(rng.randint(3, 6))]
    sentences += [f"{rng.choice(_IMPACT)}.".capitalize(), rng.choice(_ASKS), f"(post {i}, note {rng.getrandbits(32):x})"]
    body = " ".join(sentences)
    if i % 50 == 7:
        body += " " + _CRISIS
    if i % 40 == 3:
        body += _PII.format(name=rng.choice(["alex", "sam", "jo"]), n=i, d=rng.randint(0, 9), n4=i % 10000)
    return {"id": f"t3_{i:07d}", "subreddit": sub, "title": f"{sub} post {i}", "selftext": body,
            "author": f"user{i % 997}", "created_utc": 1_600_000_000 + i * 60, "score": i % 100}


def write_posts(path: str, n: int, seed: int = 0) -> None:
    """Write `n` lines of JSONL: ~2% exact duplicates, ~2% near duplicates, ~1% malformed lines."""
    rng = random.Random(seed)
    previous: list[dict] = []
    with open(path, "w") as fh:
        for i in range(n):
            roll = rng.random()
            if roll < 0.01:
                fh.write('{"id": "broken", "selftext": "cut of\n')
                continue
            if roll < 0.03 and previous:
                rec = dict(rng.choice(previous), id=f"t3_dup{i:07d}")
            elif roll < 0.05 and previous:
                src = rng.choice(previous)
                rec = dict(src, id=f"t3_near{i:07d}", selftext="Honestly, " + src["selftext"])
            else:
                rec = make_post(i, rng)
                previous = (previous + [rec])[-200:]
            fh.write(json.dumps(rec) + "\n")
