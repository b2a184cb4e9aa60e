"""Parsers from public dataset rows, in the layouts their authors publish, to `Parsed` dialogues (turns + what
could not be used, by reason). A row that cannot be a dialogue at all raises Rejected, so the importer
quarantines it. Keys and speaker vocabularies come from the format's mapping in `ImportConfig`."""
from __future__ import annotations

from psyllm.config.schema import ImportConfig
from psyllm.ingest.quarantine import SCHEMA, Rejected
from psyllm.interop.turns import CLIENT, COUNSELOR, Parsed, Speakers, Turn, speaker_text
from psyllm.io.readers import DOCUMENT_KEY, SPEAKER_KEYS, TEXT_KEYS

FORMATS = ("openr1-psy", "cpsycoun", "esconv", "counsel-chat", "psyqa", "messages", "sharegpt")


def _text(value, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise Rejected(SCHEMA, f"{where} is missing or empty")
    return value.strip()


def _list(rec: dict, key: str) -> list:
    items = rec.get(key)
    if not isinstance(items, list) or not items:
        raise Rejected(SCHEMA, f"`{key}` must be a non-empty list")
    return items


def _metadata(rec: dict, keys: list[str]) -> dict:
    return {k: rec[k] for k in keys if rec.get(k) not in (None, "", [], {})}


def _counselor(reasoning: str, reply: str) -> Turn:
    """A counselor turn whose reasoning travels in <think> tags; chars counts the source texts only."""
    text = f"<think>{reasoning}</think>{reply}" if reasoning else reply
    return Turn(COUNSELOR, text, len(reasoning) + len(reply))


def openr1_psy(rec: dict, cfg: ImportConfig) -> list[Parsed]:
    """OpenR1-Psy: `conversation` = [{patient, counselor_think, counselor_content}, ...]."""
    turns = []
    for i, r in enumerate(_list(rec, "conversation")):
        if not isinstance(r, dict):
            raise Rejected(SCHEMA, f"conversation[{i}] is not an object")
        turns.append(Turn(CLIENT, _text(r.get("patient"), f"conversation[{i}].patient")))
        turns.append(_counselor((r.get("counselor_think") or "").strip(),
                                _text(r.get("counselor_content"), f"conversation[{i}].counselor_content")))
    return [Parsed(turns)]


def _alpaca_turns(rec: dict, speakers: Speakers) -> Parsed:
    """LLaMA-Factory rows: `history` = [[client, counselor], ...], then `instruction` (+ `input`) -> `output`."""
    pairs = [p for p in rec.get("history") or [] if isinstance(p, (list, tuple)) and len(p) == 2]
    pairs.append([f"{rec.get('instruction') or ''}\n{rec.get('input') or ''}".strip(), rec.get("output") or ""])
    turns = []
    for client, counselor in pairs:
        turns += [_unprefixed(CLIENT, str(client), speakers), _unprefixed(COUNSELOR, str(counselor), speakers)]
    return Parsed(turns)


def _unprefixed(role: str, text: str, speakers: Speakers) -> Turn:
    """A turn whose text may repeat its speaker's name as a prefix ("来访者：…"): the name is not the turn's text."""
    text = text.strip()
    head, sep, rest = text.replace("：", ":", 1).partition(":")
    return Turn(role, rest.strip()) if sep and speakers.role(head) == role else Turn(role, text)


def cpsycoun(rec: dict, cfg: ImportConfig) -> list[Parsed]:
    """CPsyCounD `.txt` and CPsyCounE per-case JSON lists (read as documents), JSON rows with `dialogue`, or the
    Hub's LLaMA-Factory rows."""
    m = cfg.cpsycoun
    speakers = Speakers(m.client_speakers, m.counselor_speakers)
    if "history" in rec or "instruction" in rec:
        return [_alpaca_turns(rec, speakers)]
    dialogue = rec.get(DOCUMENT_KEY) or rec.get("dialogue") or rec.get("conversation")
    if not dialogue:
        raise Rejected(SCHEMA, f"no `dialogue`, `conversation`, `history` or whole-file document")
    if isinstance(dialogue, list) and all(isinstance(t, dict) for t in dialogue):
        return [_role_items(dialogue, "dialogue", speakers)]
    if isinstance(dialogue, list) and not all(isinstance(t, str) for t in dialogue):
        raise Rejected(SCHEMA, "dialogue mixes strings and objects")
    return [speaker_text(dialogue, speakers)]


def _role_items(items: list, where: str, speakers: Speakers, role_keys=SPEAKER_KEYS, text_keys=TEXT_KEYS,
                annotation_key: str | None = None, reasoning_key: str | None = None) -> Parsed:
    """Role-tagged items -> turns; items of other roles (system, tool) are dropped as `other_role`."""
    turns, parsed = [], Parsed([])
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            raise Rejected(SCHEMA, f"{where}[{i}] is not an object")
        speaker = next((item[k] for k in role_keys if item.get(k) is not None), "")
        text = next((item[k] for k in text_keys if item.get(k) is not None), None)
        if not isinstance(text, str):
            raise Rejected(SCHEMA, f"{where}[{i}] has no text ({'/'.join(text_keys)})")
        role = speakers.role(speaker)
        if role is None:
            parsed.dropped["other_role"] += len(text.strip())
            continue
        reasoning = (item.get(reasoning_key) or "").strip() if reasoning_key and role == COUNSELOR else ""
        turn = _counselor(reasoning, text.strip()) if role == COUNSELOR else Turn(CLIENT, text.strip())
        note = item.get(annotation_key) if annotation_key else None
        turn.annotations = [note] if isinstance(note, dict) and note else []
        turns.append(turn)
    parsed.turns = turns
    return parsed


def esconv(rec: dict, cfg: ImportConfig) -> list[Parsed]:
    """ESConv: `dialog` = [{speaker: seeker|supporter, annotation: {strategy}|{feedback}, content}]."""
    m = cfg.esconv
    parsed = _role_items(_list(rec, m.dialog_key), m.dialog_key, Speakers(m.client_speakers, m.counselor_speakers),
                         (m.speaker_key,), (m.content_key,), annotation_key=m.annotation_key)
    parsed.metadata = _metadata(rec, m.metadata_keys)
    return [parsed]


def _joined(rec: dict, keys: list[str]) -> Turn:
    parts = [str(rec[k]).strip() for k in keys if isinstance(rec.get(k), (str, int)) and str(rec[k]).strip()]
    return Turn(CLIENT, "\n".join(parts), sum(len(p) for p in parts))


def counsel_chat(rec: dict, cfg: ImportConfig) -> list[Parsed]:
    """One question/answer row (counsel-chat's CSV): the question's title and text, then the therapist's answer."""
    m = cfg.counsel_chat
    client = _joined(rec, m.client_keys)
    if not client.text:
        raise Rejected(SCHEMA, f"no question text ({'/'.join(m.client_keys)})")
    answer = _text(rec.get(m.counselor_key), m.counselor_key)
    return [Parsed([client, Turn(COUNSELOR, answer)], metadata=_metadata(rec, m.metadata_keys))]


def psyqa(rec: dict, cfg: ImportConfig) -> list[Parsed]:
    """PsyQA-style: a question (+ description) and several answers; one single-round dialogue per answer. The
    question's characters are counted once, with the first answer."""
    m = cfg.psyqa
    client = _joined(rec, m.client_keys)
    if not client.text:
        raise Rejected(SCHEMA, f"no question text ({'/'.join(m.client_keys)})")
    out = []
    for i, answer in enumerate(_list(rec, m.answers_key)):
        text = answer.get(m.answer_text_key) if isinstance(answer, dict) else answer
        if not isinstance(text, str):
            raise Rejected(SCHEMA, f"{m.answers_key}[{i}] has no {m.answer_text_key}")
        note = _metadata(answer, m.answer_metadata_keys) if isinstance(answer, dict) else {}
        asked = Turn(CLIENT, client.text, client.chars if not out else 0)
        out.append(Parsed([asked, Turn(COUNSELOR, text.strip(), annotations=[note] if note else [])],
                          metadata=_metadata(rec, m.metadata_keys), key=f"#a{i}"))
    return out


def messages(rec: dict, cfg: ImportConfig) -> list[Parsed]:
    """Chat messages: `messages` = [{role, content}], reasoning in <think> tags or in `reasoning_content`."""
    m = cfg.messages
    items = rec.get(m.messages_key, rec.get(DOCUMENT_KEY))
    if not isinstance(items, list) or not items:
        raise Rejected(SCHEMA, f"`{m.messages_key}` must be a non-empty list")
    return [_role_items(items, m.messages_key, Speakers(m.user_roles, m.assistant_roles), (m.role_key,),
                        (m.content_key,), reasoning_key=m.reasoning_key)]


def sharegpt(rec: dict, cfg: ImportConfig) -> list[Parsed]:
    """ShareGPT: `conversations` = [{from, value}] with human/gpt (a `system` turn or field is not dialogue)."""
    m = cfg.sharegpt
    return [_role_items(_list(rec, m.conversations_key), m.conversations_key,
                        Speakers(m.user_roles, m.assistant_roles), (m.role_key,), (m.content_key,))]


PARSERS = {"openr1-psy": openr1_psy, "cpsycoun": cpsycoun, "esconv": esconv, "counsel-chat": counsel_chat,
           "psyqa": psyqa, "messages": messages, "sharegpt": sharegpt}
