"""Chat templates as the model families publish them, read from the `trl` package (`trl/chat_templates/`), which
keeps byte-identical copies of the official templates and their training variants (`{% generation %}` markers,
prefix-preserving). psyllm trains under these, never under a template of its own."""
from __future__ import annotations

import hashlib
from functools import lru_cache
from importlib import resources


def _templates_dir():
    return resources.files("trl") / "chat_templates"


def official_template(name: str) -> str:
    """The published chat template `name` (e.g. "qwen3", "llama3_1", "deepseek_r1_distill") as trl ships it."""
    path = _templates_dir() / f"{name}.jinja"
    if not path.is_file():
        known = sorted(p.name[:-6] for p in _templates_dir().iterdir() if p.name.endswith(".jinja"))
        raise ValueError(f"no chat template named {name!r} in trl; known: {', '.join(known)}")
    return path.read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def _known() -> dict[str, str]:
    return {p.read_text(encoding="utf-8"): p.name[:-6] for p in _templates_dir().iterdir() if p.name.endswith(".jinja")}


def template_name(chat_template: str | dict | None) -> str:
    """A readable name for a template: the trl name when it is a published one, else `custom-<sha256 prefix>`."""
    if isinstance(chat_template, dict):
        chat_template = chat_template.get("default", "")
    if not chat_template:
        return "none"
    return _known().get(chat_template) or "custom-" + hashlib.sha256(chat_template.encode()).hexdigest()[:12]


def has_generation_markers(chat_template: str) -> bool:
    from trl.chat_template_utils import has_generation_markers as markers

    return markers(chat_template)


def training_template(tokenizer) -> str:
    """A template that renders every assistant turn with its reasoning and marks it with `{% generation %}`:
    the tokenizer's own when it already does, else trl's training variant of the official template."""
    from trl.chat_template_utils import get_training_chat_template

    own = tokenizer.chat_template
    if isinstance(own, dict):
        own = own.get("default")
    if not own:
        raise ValueError("the tokenizer has no chat template; set one (e.g. from trl/chat_templates) before training")
    try:
        patched = get_training_chat_template(tokenizer)
    except ValueError:
        raise ValueError(f"chat template {template_name(own)} has no {{% generation %}} markers and trl ships no "
                         "training variant of it: use train.reasoning_policy=per_turn, or give the tokenizer a "
                         "template with {% generation %} around assistant output") from None
    return own if patched is None else patched
