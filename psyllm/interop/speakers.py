"""Speaker-prefixed dialogue text (CPsyCoun / CPsyCounE: "来访者：…" / "心理咨询师：…") to client/counselor turns."""
from __future__ import annotations

SPEAKERS = {"来访者": "client", "求助者": "client", "client": "client", "patient": "client", "心理咨询师": "counselor",
            "咨询师": "counselor", "counselor": "counselor", "counsellor": "counselor"}


def speaker_turns(dialogue) -> list[dict]:
    """Turns from "speaker: text" lines or a list of {role|speaker, content|text|utterance}; one speaker's
    consecutive lines become one turn. Unknown speakers are skipped."""
    items = dialogue if isinstance(dialogue, list) else str(dialogue).splitlines()
    turns: list[dict] = []
    for item in items:
        if isinstance(item, dict):
            speaker = str(item.get("role") or item.get("speaker") or "")
            text = str(item.get("content") or item.get("text") or item.get("utterance") or "")
        else:
            speaker, _, text = str(item).replace("：", ":").partition(":")
        role = SPEAKERS.get(speaker.strip().lower())
        if role and text.strip():
            if turns and turns[-1]["role"] == role:
                turns[-1]["content"] += "\n" + text.strip()
            else:
                turns.append({"role": role, "content": text.strip()})
    return turns
