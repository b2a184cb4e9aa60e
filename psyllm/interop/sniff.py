"""`psyllm inspect PATH`: which layout an unknown file or folder looks like, why, and its first dialogue (or post)
exactly as psyllm would import it, with the mapping to override when the guess is wrong."""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict
from typing import Callable

from psyllm.config.schema import ImportConfig, PsyllmConfig
from psyllm.ingest.quarantine import Rejected
from psyllm.interop.formats import PARSERS
from psyllm.interop.turns import Speakers, speaker_text, to_rounds
from psyllm.io.readers import DOCUMENT_KEY, input_format, input_root, iter_raw_rows, list_inputs, relative_path

POSTS = "posts"  # not a dialogue format: Reddit submissions or other posts, for `psyllm ingest`
SECTIONS = {"counsel-chat": "counsel_chat", "openr1-psy": None}  # the format's mapping section, where it has one


def _turn_list(value, key: str) -> bool:
    return isinstance(value, list) and bool(value) and isinstance(value[0], dict) and key in value[0]


def _speaker_lines(rec: dict, icfg: ImportConfig) -> bool:
    doc = rec.get(DOCUMENT_KEY) or rec.get("dialogue")
    if not isinstance(doc, (str, list)) or (isinstance(doc, list) and not all(isinstance(d, str) for d in doc)):
        return False
    m = icfg.cpsycoun
    return bool(speaker_text(doc, Speakers(m.client_speakers, m.counselor_speakers)).turns)


def signatures(icfg: ImportConfig) -> list[tuple[str, Callable[[dict], bool], str]]:
    """(format, test on a record, why) in the order they are tried; keys come from the config's mappings."""
    es, qa, pq, msg, sg = icfg.esconv, icfg.counsel_chat, icfg.psyqa, icfg.messages, icfg.sharegpt
    return [
        ("openr1-psy", lambda r: _turn_list(r.get("conversation"), "patient"),
         "`conversation` is a list of rounds with `patient` / `counselor_think` / `counselor_content` (OpenR1-Psy)"),
        ("esconv", lambda r: _turn_list(r.get(es.dialog_key), es.speaker_key),
         f"`{es.dialog_key}` is a list of {{{es.speaker_key}, {es.annotation_key}, {es.content_key}}} turns (ESConv)"),
        ("cpsycoun", lambda r: _speaker_lines(r, icfg),
         "speaker-prefixed lines (" + " / ".join(icfg.cpsycoun.client_speakers[:2] + icfg.cpsycoun.counselor_speakers[:2])
         + " + colon), one dialogue per file or per `dialogue` (CPsyCounD .txt / CPsyCounE JSON lists)"),
        ("cpsycoun", lambda r: "output" in r and ("history" in r or "instruction" in r),
         "LLaMA-Factory rows with `instruction` / `input` / `output` / `history` (the Hub's CPsyCounD.json)"),
        ("psyqa", lambda r: isinstance(r.get(pq.answers_key), list) and pq.client_keys[0] in r,
         f"`{pq.client_keys[0]}` with a list of `{pq.answers_key}` (PsyQA style: one dialogue per answer)"),
        ("counsel-chat", lambda r: qa.counselor_key in r and any(k in r for k in qa.client_keys),
         f"one question/answer per row: {' + '.join(qa.client_keys)} -> {qa.counselor_key} (counsel-chat style)"),
        ("messages", lambda r: _turn_list(r.get(msg.messages_key, r.get(DOCUMENT_KEY)), msg.role_key),
         f"`{msg.messages_key}` is a list of {{{msg.role_key}, {msg.content_key}}} (OpenAI / TRL chat messages)"),
        ("sharegpt", lambda r: _turn_list(r.get(sg.conversations_key), sg.role_key),
         f"`{sg.conversations_key}` is a list of {{{sg.role_key}, {sg.content_key}}} (ShareGPT)"),
        (POSTS, lambda r: "selftext" in r or "subreddit" in r,
         "Reddit submissions (`selftext`, `subreddit`, …): posts for `psyllm ingest`, not dialogues"),
        (POSTS, lambda r: any(isinstance(r.get(k), str) for k in ("text", "body", "content", "post")),
         "records with a text field: posts for `psyllm ingest`"),
    ]


def guess(rec: dict, icfg: ImportConfig) -> tuple[str, str] | None:
    for fmt, test, why in signatures(icfg):
        try:
            if test(rec):
                return fmt, why
        except Exception:  # noqa: BLE001 - a sniff never fails on odd data; it just does not match
            continue
    return None


def _clip(text: str, width: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _mapping_lines(fmt: str, cfg: PsyllmConfig) -> list[str]:
    if fmt == POSTS:
        return [f"  ingest.fields.{k}={json.dumps(v, ensure_ascii=False)}" for k, v in asdict(cfg.ingest.fields).items()]
    section = SECTIONS.get(fmt, fmt)
    if not section:
        return ["  (fixed layout: no keys to map)"]
    values = asdict(getattr(cfg.importer, section))
    return [f"  importer.{section}.{k}={json.dumps(v, ensure_ascii=False)}" for k, v in values.items()]


def _show_dialogue(rec: dict, fmt: str, cfg: PsyllmConfig) -> list[str]:
    lines = []
    for parsed in PARSERS[fmt](rec, cfg.importer)[:1]:
        rounds = to_rounds(parsed)
        if parsed.metadata:
            lines.append(f"  metadata: {_clip(json.dumps(parsed.metadata, ensure_ascii=False, default=str))}")
        for i, (client, counselor) in enumerate(rounds.pairs, 1):
            lines += [f"  round {i}", f"    client:    {_clip(client.text)}", f"    counselor: {_clip(counselor.text)}"]
            lines += [f"    {t.role} notes: {_clip(json.dumps(t.annotations, ensure_ascii=False))}"
                      for t in (client, counselor) if t.annotations]
        lines.append(f"  characters: {parsed.input_chars} in, {rounds.imported} imported"
                     + "".join(f", {n} dropped ({r})" for r, n in rounds.dropped.items()))
    return lines


def _show_post(rec: dict, cfg: PsyllmConfig) -> list[str]:
    from psyllm.ingest.normalize import extract_fields

    f = extract_fields(rec, cfg.ingest.fields)
    return [f"  id: {f.native_id}   community: {f.community}   created: {f.created_at}",
            f"  title: {_clip(f.title)}", f"  body:  {_clip(f.body)}"]


def inspect_input(uri: str, cfg: PsyllmConfig, fmt: str = "") -> tuple[str, list[str]]:
    """(the format used, the report's lines). `fmt` forces a format instead of guessing."""
    files = list_inputs(uri, cfg.storage)
    root = input_root(uri, cfg.storage)
    kinds = Counter(input_format(f) for f in files)
    folders = {relative_path(f, root).rsplit("/", 1)[0] for f in files if "/" in relative_path(f, root)}
    lines = [f"{uri}: {len(files)} file(s) (" + ", ".join(f"{k} {n}" for k, n in kinds.most_common()) + ")"
             + (f" in {len(folders)} folders: {', '.join(sorted(folders)[:6])}" if folders else "")]
    row = next(iter_raw_rows(files[0], cfg.storage), None)
    rec = json.loads(row["raw"]) if row and row["raw"].strip() else None
    if not isinstance(rec, dict):
        return "", lines + [f"the first record of {files[0]} is not a JSON object: nothing to guess from"]
    found = (fmt, "as asked (--format)") if fmt else guess(rec, cfg.importer)
    if found is None:
        return "", lines + [f"no known layout: keys of the first record are {sorted(rec)[:12]}",
                            "choose one with --format (" + ", ".join(PARSERS) + ")"]
    fmt, why = found
    where = f"{relative_path(files[0], root)}:{row['line']}"
    lines += [f"looks like: {fmt}  ({why})"]
    if folders and fmt != POSTS:
        lines.append("folder names are kept as each dialogue's `topic`")
    if fmt == POSTS:
        lines += [f"first post ({where}), as `psyllm ingest` reads it:"] + _show_post(rec, cfg)
        command = f"psyllm ingest --input {uri} --output OUT"
    else:
        lines += [f"first dialogue ({where}), as `psyllm import --format {fmt}` reads it:"]
        try:
            lines += _show_dialogue(rec, fmt, cfg)
        except Rejected as exc:
            return "", lines + [f"  it does not read as {fmt}: {exc.detail}",
                                "try another --format (" + ", ".join(PARSERS) + ")"]
        command = f"psyllm import --format {fmt} --input {uri} --output OUT"
    lines += ["if that is wrong: pick another --format (" + ", ".join(PARSERS) + ") or override the mapping:"]
    lines += _mapping_lines(fmt, cfg) + [f"next: {command}"]
    return fmt, lines
