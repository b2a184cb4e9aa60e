"""Language gate with py3langid (a maintained langid.py fork that ships its model)."""
from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=1)
def _identifier():
    from py3langid.langid import _load_identifier

    return _load_identifier(norm_probs=True)


def detect_language(text: str) -> tuple[str, float]:
    """(ISO 639-1 code, probability)."""
    lang, prob = _identifier().classify(text)
    return lang, float(prob)
