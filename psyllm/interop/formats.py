"""Parsers from public dataset rows to rounds: (client, counselor reasoning, counselor reply) triples.
A row that cannot be a dialogue raises Rejected with a reason, so the importer quarantines it."""
from __future__ import annotations

from psyllm.config.schema import ImportConfig
from psyllm.engines.base import split_reasoning
from psyllm.ingest.quarantine import SCHEMA, Rejected
from psyllm.interop.speakers import speaker_turns

FORMATS = ("openr1-psy", "cpsycoun", "messages", "sharegpt")


def _text(value, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise Rejected(SCHEMA, f"{where} is missing or empty")
    return value.strip()


def openr1_psy(rec: dict, cfg: ImportConfig) -> list[tuple[str, str, str]]:
    """OpenR1-Psy: `conversation` = [{patient, counselor_think, counselor_content}, ...]."""
    convo = rec.get("conversation")
    if not isinstance(convo, list) or not convo:
        raise Rejected(SCHEMA, "`conversation` must be a non-empty list of rounds")
    rounds = []
    for i, r in enumerate(convo):
        if not isinstance(r, dict):
            raise Rejected(SCHEMA, f"conversation[{i}] is not an object")
        rounds.append((_text(r.get("patient"), f"conversation[{i}].patient"), (r.get("counselor_think") or "").strip(),
                       _text(r.get("counselor_content"), f"conversation[{i}].counselor_content")))
    return rounds


def _pairs(turns: list[tuple[str, str]], where: str) -> list[tuple[str, str, str]]:
    """client/counselor turns (role, text) -> rounds; the counselor text may carry <think> reasoning."""
    rounds, pending = [], None
    for role, text in turns:
        if role == "client":
            pending = text if pending is None else f"{pending}\n{text}"
        elif pending is not None:
            reasoning, reply = split_reasoning(text)
            rounds.append((pending, reasoning or "", reply))
            pending = None
    if not rounds:
        raise Rejected(SCHEMA, f"{where} has no client turn followed by a counselor turn")
    return rounds


def cpsycoun(rec: dict, cfg: ImportConfig) -> list[tuple[str, str, str]]:
    """CPsyCoun dialogues: speaker-prefixed text or a list of utterances (no reasoning traces)."""
    dialogue = rec.get("dialogue") or rec.get("conversation") or rec.get("history")
    if not dialogue:
        raise Rejected(SCHEMA, "no `dialogue`, `conversation` or `history`")
    return _pairs([(t["role"], t["content"]) for t in speaker_turns(dialogue)], "dialogue")


def _role_turns(items, where: str, role_key: str, content_key: str, users: list[str], assistants: list[str],
                reasoning_key: str | None = None) -> list[tuple[str, str]]:
    """(client|counselor, text) turns from role-tagged items; other roles (system, tool) are skipped."""
    turns = []
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            raise Rejected(SCHEMA, f"{where}[{i}] is not an object")
        role = str(item.get(role_key, "")).lower()
        if role not in users and role not in assistants:
            continue
        text = _text(item.get(content_key), f"{where}[{i}]")
        reasoning = item.get(reasoning_key) if reasoning_key else None
        turns.append(("client", text) if role in users else
                     ("counselor", f"<think>{reasoning}</think>{text}" if reasoning else text))
    return turns


def _list(rec: dict, key: str) -> list:
    items = rec.get(key)
    if not isinstance(items, list) or not items:
        raise Rejected(SCHEMA, f"`{key}` must be a non-empty list")
    return items


def messages(rec: dict, cfg: ImportConfig) -> list[tuple[str, str, str]]:
    """Chat messages: `messages` = [{role, content}], reasoning in <think> tags or in `reasoning_content`."""
    m = cfg.messages
    items = _list(rec, m.messages_key)
    turns = _role_turns(items, m.messages_key, m.role_key, m.content_key, list(m.user_roles), list(m.assistant_roles),
                        m.reasoning_key)
    return _pairs(turns, m.messages_key)


def sharegpt(rec: dict, cfg: ImportConfig) -> list[tuple[str, str, str]]:
    """ShareGPT: `conversations` = [{from, value}] with human/gpt (the `system` field is ignored)."""
    m = cfg.sharegpt
    items = _list(rec, m.conversations_key)
    turns = _role_turns(items, m.conversations_key, m.role_key, m.content_key, list(m.user_roles), list(m.assistant_roles))
    return _pairs(turns, m.conversations_key)


PARSERS = {"openr1-psy": openr1_psy, "cpsycoun": cpsycoun, "messages": messages, "sharegpt": sharegpt}
