"""A synthetic Reddit submissions dump in the shape Pushshift and Arctic Shift publish (`RS_YYYY-MM.zst`):
one JSON submission per line with Reddit's own fields, zstandard with a long window. For load tests and
benchmarks; the texts are fake_posts' template sentences, not real posts.

Shares follow what mental-health subreddits look like in the dumps: some removed by moderators or Reddit
(half of them with the selftext still there, crawled before the removal), some deleted by their authors, some
link posts, some flagged over_18.
"""
from __future__ import annotations

import json
import random
import zlib

import zstandard

from psyllm.ingest.fake_posts import make_post

# Pushshift and Arctic Shift compress with `zstd --long=31`: a 2 GiB window, long-distance matching on.
DUMP_WINDOW_LOG = 31
_REMOVALS = ["moderator", "moderator", "automod_filtered", "reddit", "anti_evil_ops", "copyright_takedown"]
_DOMAINS = ["youtube.com", "i.redd.it", "nytimes.com", "psychologytoday.com", "imgur.com"]


def _base36(n: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while n:
        n, r = divmod(n, 36)
        out = digits[r] + out
    return out or "0"


def _submission(i: int, rng: random.Random, created: int) -> dict:
    post = make_post(i, rng)
    sid, sub = _base36(1_600_000_000 + i), post["subreddit"]
    return {
        "id": sid, "name": f"t3_{sid}", "subreddit": sub, "subreddit_id": f"t5_{_base36(zlib.crc32(sub.encode()))}",
        "subreddit_name_prefixed": f"r/{sub}", "subreddit_type": "public", "title": post["title"],
        "selftext": post["selftext"], "author": post["author"], "author_fullname": f"t2_{_base36(i * 7919)}",
        "author_flair_text": None, "created_utc": created, "retrieved_on": created + 86_400 * 30,
        "edited": False, "score": post["score"], "ups": post["score"], "upvote_ratio": round(rng.uniform(0.5, 1), 2),
        "num_comments": rng.randint(0, 80), "num_crossposts": 0, "over_18": False, "spoiler": False,
        "is_self": True, "is_video": False, "is_original_content": False, "domain": f"self.{sub}",
        "url": f"https://www.reddit.com/r/{sub}/comments/{sid}/",
        "permalink": f"/r/{sub}/comments/{sid}/",
        "link_flair_text": rng.choice([None, "Venting", "Advice Needed", "Support"]), "locked": False,
        "stickied": False, "archived": False, "gilded": 0, "total_awards_received": 0, "thumbnail": "self",
        "media": None, "secure_media": None, "removed_by_category": None, "distinguished": None,
        "send_replies": True, "contest_mode": False, "whitelist_status": "all_ads", "pwls": 6, "wls": 6,
    }


def _flag(sub: dict, rng: random.Random) -> dict:
    """Turn a share of submissions into removed, deleted, link or NSFW ones, as the dumps have them."""
    roll = rng.random()
    if roll < 0.06:
        sub["removed_by_category"] = rng.choice(_REMOVALS)
        if rng.random() < 0.5:  # crawled after the removal; otherwise the text survives in the dump
            sub["selftext"] = "[removed]"
    elif roll < 0.10:
        sub.update(removed_by_category="deleted", selftext="[deleted]", author="[deleted]", author_fullname=None)
    elif roll < 0.18:
        domain = rng.choice(_DOMAINS)
        sub.update(is_self=False, selftext="", domain=domain, url=f"https://{domain}/{sub['id']}", thumbnail="default")
    elif roll < 0.22:
        sub["over_18"] = True
    return sub


def write_reddit_dump(path: str, n: int, seed: int = 0, month_start: int = 1_704_067_200) -> int:
    """Write `n` submissions to `path` (zstandard NDJSON, streamed: the whole dump is never in memory);
    return the decompressed bytes. ~2% are exact reposts of an earlier submission under a new id."""
    rng = random.Random(seed)
    params = zstandard.ZstdCompressionParameters.from_level(3, window_log=DUMP_WINDOW_LOG, enable_ldm=True)
    written, recent = 0, []
    with open(path, "wb") as fh, zstandard.ZstdCompressor(compression_params=params).stream_writer(fh) as zfh:
        for i in range(n):
            sub = _submission(i, rng, month_start + i * 2_678_400 // max(n, 1))
            if recent and rng.random() < 0.02:
                sub.update(title=(src := rng.choice(recent))["title"], selftext=src["selftext"])
            recent = (recent + [sub])[-200:]
            line = (json.dumps(_flag(sub, rng)) + "\n").encode()
            zfh.write(line)
            written += len(line)
    return written
