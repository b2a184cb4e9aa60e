"""The OpenR1-Psy layout (PsyLLM's release): one row per dialogue, `conversation` = rounds of patient,
counselor_think (the reasoning) and counselor_content (the reply). Written by export, read by the importer."""
from __future__ import annotations

import json


def to_openr1_row(dialogue: dict) -> dict:
    try:
        source = json.loads(dialogue.get("models") or "{}").get("file")
    except ValueError:
        source = None
    return {"post_id": dialogue["post_id"], "file": source or dialogue["sample_id"],
            "conversation": [{"patient": r["client"], "counselor_think": r["counselor_reasoning"] or "",
                              "counselor_content": r["counselor_reply"]} for r in dialogue["rounds"]]}
