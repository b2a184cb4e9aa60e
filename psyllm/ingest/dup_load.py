"""Realistic dedup load: diverse generated posts with a known, injected set of exact, near and chained duplicates,
so dedup recall and precision can be measured at any size.

Template sentences (psyllm.ingest.fake_posts) are all near duplicates of one another; here every sentence is drawn
from independent slots (subject, feeling, event, time, place, consequence) over ~40 choices each, and a post has
6-12 sentences, so two unrelated posts share few word 3-shingles (Jaccard ~0.02) while an injected near copy
(1-3 words changed, a prefix or a dropped sentence) stays far above a 0.7 threshold. `truth[line]` names each line's
injected cluster: the line of its original.
"""
from __future__ import annotations

import json
import random
from dataclasses import dataclass, field

_SUBJECT = ["my partner", "my mom", "my dad", "my sister", "my brother", "my boss", "my roommate", "my therapist",
            "my best friend", "my coworker", "my teacher", "my neighbor", "my ex", "my grandmother", "my son",
            "my daughter", "my doctor", "my landlord", "my team lead", "my aunt", "my uncle", "my cousin",
            "my girlfriend", "my boyfriend", "my husband", "my wife", "my coach", "my professor", "my stepdad",
            "my oldest friend", "my new manager", "my flatmate", "my group chat", "my sponsor", "my mentor",
            "my dog walker", "my classmate", "my tutor", "my nurse", "my pastor"]
_FEELING = ["anxious", "numb", "exhausted", "angry", "ashamed", "lonely", "restless", "hopeless", "on edge",
            "guilty", "overwhelmed", "invisible", "panicky", "flat", "irritable", "tearful", "drained", "scared",
            "jealous", "worthless", "confused", "frozen", "tense", "sad", "empty", "wired", "heartbroken", "stuck",
            "defeated", "nervous", "bitter", "lost", "foggy", "jumpy", "sluggish", "resentful", "embarrassed",
            "uneasy", "disconnected", "burnt out"]
_EVENT = ["cancelled our plans", "forgot my birthday", "yelled at me", "ignored my texts", "moved away",
          "lost their job", "got sick again", "started drinking", "blamed me for everything", "stopped calling",
          "read my journal", "criticized my weight", "laughed at my idea", "left without a word", "took my car",
          "missed the appointment", "changed the locks", "told everyone my secret", "asked for space",
          "broke a promise", "raised the rent", "cut my hours", "lied to me", "compared me to my sister",
          "sent a long email", "showed up drunk", "fell asleep during dinner", "posted about me online",
          "gave me a bad review", "forgot to pick me up", "sold the house", "skipped the funeral",
          "booked a trip alone", "argued with the teacher", "emptied the savings", "called me lazy",
          "ended the lease", "refused to talk", "made fun of my accent", "kept checking my phone"]
_TIME = ["last night", "this morning", "on sunday", "two weeks ago", "after dinner", "before my exam",
         "during the holidays", "at 3 am", "in the car", "over the phone", "at the party", "on my day off",
         "right after work", "on new year", "in front of everyone", "at the hospital", "on our anniversary",
         "during the meeting", "at the airport", "on the first day"]
_AFTER = ["I could not sleep", "I skipped class", "I ate nothing all day", "I cried in the shower",
          "I stayed in bed", "I scrolled until sunrise", "I snapped at the cashier", "I went for a long walk",
          "I called in sick", "I cleaned the whole flat", "I drank too much", "I played games for hours",
          "I wrote it all down", "I could not focus at work", "I muted every chat", "I bit my nails raw",
          "I went to the gym twice", "I watched old videos", "I ordered takeout again", "I sat in my car",
          "I missed my bus stop", "I forgot to feed the cat", "I deleted my profile", "I called a hotline",
          "I slept fourteen hours", "I reread old letters", "I lied about being fine", "I paced the kitchen",
          "I avoided the mirror", "I skipped my meds", "I stopped answering the door", "I painted until late",
          "I cancelled therapy", "I kept replaying it", "I planned to quit", "I hid in the bathroom",
          "I overworked to forget", "I binged a whole season", "I walked the dog at midnight", "I froze up"]
_ASK = ["Is this normal?", "How do I stop feeling like this?", "Has anyone been through this?", "What should I do?",
        "Am I overreacting?", "How do I talk to them about it?", "Does it get better?", "Where do I even start?"]
_SUBS = ["anxiety", "depression", "stress", "relationships", "lonely", "offmychest", "mentalhealth", "grief"]
_FILLER = ["honestly", "really", "kind of", "just", "basically", "literally", "actually", "so"]


def _sentence(rng: random.Random) -> str:
    shape = rng.randrange(3)
    if shape == 0:
        return f"{rng.choice(_SUBJECT)} {rng.choice(_EVENT)} {rng.choice(_TIME)} and I feel {rng.choice(_FEELING)}."
    if shape == 1:
        return f"{rng.choice(_TIME)} {rng.choice(_AFTER)} because {rng.choice(_SUBJECT)} {rng.choice(_EVENT)}."
    return f"I have been {rng.choice(_FEELING)} and {rng.choice(_FEELING)} since {rng.choice(_SUBJECT)} " \
           f"{rng.choice(_EVENT)}, so {rng.choice(_AFTER)}."


def original_text(rng: random.Random) -> str:
    """6-12 independent sentences and a question: ~80-160 words."""
    body = " ".join(s[0].upper() + s[1:] for s in (_sentence(rng) for _ in range(rng.randint(6, 12))))
    return f"{body} {rng.choice(_ASK)}"


def near_copy(text: str, rng: random.Random) -> str:
    """An edit people make when reposting: 1-3 changed or inserted words, a prefix, or a dropped last question."""
    words = text.split()
    edit = rng.randrange(3)
    if edit == 0:
        for _ in range(rng.randint(1, 3)):
            words[rng.randrange(len(words))] = rng.choice(_FILLER + _FEELING)
    elif edit == 1:
        words = ["Update:", *words] if rng.random() < 0.5 else ["Reposting", "because", "nobody", "answered.", *words]
    else:
        words.insert(rng.randrange(len(words)), rng.choice(_FILLER))
    return " ".join(words)


@dataclass
class Load:
    """Lines written (1-based, in file order) and the injected truth: line -> line of its cluster's original."""

    lines: int = 0
    truth: dict[int, int] = field(default_factory=dict)
    kinds: dict[int, str] = field(default_factory=dict)  # line -> "original" | "exact" | "near" | "chain"


def _record(i: int, text: str, sub: str) -> dict:
    return {"id": f"t3_{i:08x}", "subreddit": sub, "title": "", "selftext": text, "author": f"u{i % 4099}",
            "created_utc": 1_600_000_000 + i * 37}


def write_load(path: str, n: int, seed: int = 0, exact: float = 0.03, near: float = 0.03, chain: float = 0.01) -> Load:
    """Write `n` JSONL posts; shares `exact`, `near` and `chain` (a near copy of a near copy) are injected."""
    rng, load = random.Random(seed), Load()
    pool: list[tuple[int, str, str]] = []  # recent (line, text, subreddit) to copy from: repeats come close in time
    nears: list[tuple[int, str, str]] = []
    with open(path, "w") as fh:
        for i in range(1, n + 1):
            roll = rng.random()
            if roll < exact and pool:
                src, text, sub = rng.choice(pool)
                text, kind = (text.upper() if rng.random() < 0.3 else text), "exact"
            elif roll < exact + near and pool:
                src, text, sub = rng.choice(pool)
                text, kind = near_copy(text, rng), "near"
                nears = (nears + [(src, text, sub)])[-500:]
            elif roll < exact + near + chain and nears:
                src, text, sub = rng.choice(nears)
                text, kind = near_copy(text, rng), "chain"
            else:
                src, text, sub, kind = i, original_text(rng), rng.choice(_SUBS), "original"
                pool = (pool + [(i, text, sub)])[-2000:]
            fh.write(json.dumps(_record(i, text, sub)) + "\n")
            load.truth[i], load.kinds[i] = src, kind
    load.lines = n
    return load
