"""ICD-11 chapter 6 codes and titles (WHO, CC BY-ND 3.0 IGO; shipped unmodified with attribution)."""
from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

ATTRIBUTION = ("ICD-11 codes and titles: World Health Organization, ICD-11 for Mortality and Morbidity Statistics, "
               "licensed CC BY-ND 3.0 IGO (https://icd.who.int).")
CODE_PATTERN = re.compile(r"\b6[A-E][0-9][0-9A-Z](?:\.[0-9A-Z]{1,2})?\b")


@lru_cache(maxsize=1)
def chapter6() -> dict[str, str]:
    """{code: title} for the shipped chapter 6 categories."""
    text = resources.files("psyllm.clinical").joinpath("data/icd11_ch6.tsv").read_text(encoding="utf-8")
    rows = [line.split("\t") for line in text.splitlines() if line and not line.startswith("#")]
    return {code: title for code, title in rows[1:]}


def find_codes(text: str) -> list[str]:
    """ICD-11 chapter 6 codes mentioned in `text`, in order, without repeats (stems checked against the list)."""
    known = chapter6()
    seen: list[str] = []
    for code in CODE_PATTERN.findall(text or ""):
        if code.split(".")[0] in known and code not in seen:
            seen.append(code)
    return seen


def diagnosis_titles() -> list[str]:
    return list(chapter6().values())
