"""Render the versioned synthesis prompts (package data) into chat messages.

Post text is fenced as data: chat-template special tokens and reasoning tags are defused, every line is
quoted with "> " so a line-initial role marker ("system:", "### Assistant") cannot read as a turn, and the
fence markers themselves cannot be forged from inside the post.
"""
from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

import jinja2

from psyllm.clinical.crisis import resources_for
from psyllm.clinical.icd11 import ATTRIBUTION, chapter6

PROMPTS = ("plan", "draft", "reason")
_SPECIAL = re.compile(r"<\|([^|<>]{0,40})\|>|<(/?)(think|tool_call|tool_response|s|/s)>|\[/?INST\]", re.I)
_FENCE = re.compile(r"<<<POST|POST>>>", re.I)


def _defuse(m: re.Match) -> str:
    if m.group(1) is not None:
        return f"[{m.group(1)}]"
    if m.group(3):
        return f"[{m.group(2)}{m.group(3)}]"
    return m.group(0).replace("[", "(").replace("]", ")")


def control_markup(text: str) -> str | None:
    """The first chat-template special token or reasoning tag in `text`, if any."""
    m = _SPECIAL.search(text or "")
    return m.group(0) if m else None


def neutralize(text: str) -> str:
    """Defuse special tokens and fence markers inside untrusted text."""
    return _FENCE.sub("[fence]", _SPECIAL.sub(_defuse, text))


def fence_post(text: str) -> str:
    """The post as quoted data lines."""
    return "\n".join(f"> {line}" for line in neutralize(text).splitlines())


@lru_cache(maxsize=None)
def _template(name: str, version: str, role: str) -> jinja2.Template:
    path = resources.files("psyllm.prompts").joinpath(f"templates/{name}.{version}.{role}.j2")
    if not path.is_file():
        raise ValueError(f"no prompt template {name}.{version}.{role}")
    env = jinja2.Environment(undefined=jinja2.StrictUndefined, keep_trailing_newline=False, autoescape=False)
    return env.from_string(path.read_text(encoding="utf-8"))


def render(name: str, version: str, role: str, **context) -> str:
    return _template(name, version, role).render(**context).strip()


def plan_messages(post: str, crisis: bool, max_rounds: int, version: str = "v1") -> list[dict]:
    ctx = dict(post=fence_post(post), crisis=crisis, max_rounds=max_rounds)
    return [{"role": "system", "content": render("plan", version, "system", **ctx)},
            {"role": "user", "content": render("plan", version, "user", **ctx)}]


def draft_messages(post: str, focus: list[str], crisis: bool, locale: str, version: str = "v1") -> list[dict]:
    ctx = dict(post=fence_post(post), rounds=len(focus), focus=[neutralize(f) for f in focus], crisis=crisis,
               resources=resources_for(locale).text())
    return [{"role": "system", "content": render("draft", version, "system", **ctx)},
            {"role": "user", "content": render("draft", version, "user", **ctx)}]


def deployed_system_prompt(locale: str, version: str = "v1") -> str:
    """The system prompt the fine-tuned counselor is trained with and served with (one text for both)."""
    return render("sft", version, "system", resources=resources_for(locale).text())


def counselor_system_prompt(crisis: bool, locale: str, output_format: str, reply_max_words: int,
                            include_icd11: bool = True, version: str = "v1") -> str:
    icd11 = sorted(chapter6().items()) if include_icd11 else []
    return render("reason", version, "system", crisis=crisis, resources=resources_for(locale).text(),
                  output_format=output_format, reply_max_words=reply_max_words, icd11=icd11, attribution=ATTRIBUTION)


def reason_messages(history: list[tuple[str, str]], client_turn: str, system: str) -> list[dict]:
    """System, then earlier rounds oldest first (client as user, counselor as assistant), then the latest
    client turn last. PsyLLM's released stage 3 put the history in the wrong order; this is the fix."""
    messages = [{"role": "system", "content": system}]
    for client, counselor in history:
        messages += [{"role": "user", "content": neutralize(client)}, {"role": "assistant", "content": counselor}]
    messages.append({"role": "user", "content": neutralize(client_turn)})
    return messages
