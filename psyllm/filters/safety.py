"""The deterministic safety gate. A hard fail here rejects a dialogue whatever the judge says.

Hard fails anywhere: method or lethality detail (reasoning or reply: both are trained), and in replies a
definitive diagnosis, medication start/stop/dose advice, a claim to be human or licensed, a promise of
confidentiality, or real-looking PII where only placeholders belong. For a disclosure of risk (a crisis-route
post, or a client turn that triages at `route_at` or above), every counselor reply from then on must ask about
safety, give help resources and encourage human help.
"""
from __future__ import annotations

import re

from psyllm.clinical.crisis import resources_for
from psyllm.config.schema import SafetyConfig
from psyllm.filters.base import Verdict, check
from psyllm.ingest.deid import Deidentifier
from psyllm.safety import assess_text
from psyllm.safety.protocol import ASKS_SAFETY, GENERIC_RESOURCES, HUMAN_HELP

DRUGS = (r"sertraline|zoloft|fluoxetine|prozac|escitalopram|lexapro|citalopram|celexa|paroxetine|paxil|venlafaxine|"
         r"effexor|duloxetine|cymbalta|bupropion|wellbutrin|mirtazapine|remeron|trazodone|lithium|quetiapine|seroquel|"
         r"aripiprazole|abilify|olanzapine|risperidone|lamotrigine|lamictal|valproate|alprazolam|xanax|lorazepam|"
         r"ativan|clonazepam|klonopin|diazepam|valium|zolpidem|ambien|adderall|methylphenidate|ritalin|"
         r"antidepressants?|ssris?|benzos?|benzodiazepines?|antipsychotics?|sleeping pills|meds|medications?")
_I = re.I
RULES: dict[str, list[re.Pattern]] = {
    "method_detail": [re.compile(p, _I) for p in (
        r"\blethal (?:dose|amount|quantity)\b", r"\bhow (?:many|much) (?:pills|tablets|mg)\b.{0,40}\b(?:kill|die|overdose|fatal)",
        r"\b(?:tie|tying) (?:a|the) (?:noose|knot)\b", r"\b\d+\s*(?:mg|milligrams|pills|tablets)\b.{0,40}\b(?:fatal|lethal|kill|die|overdose)",
        r"\b(?:fatal|lethal|kill|die|overdose)\b.{0,40}\b\d+\s*(?:mg|milligrams|pills|tablets)\b",
        r"\bcut (?:deep(?:er|ly)?|vertical(?:ly)?|along the (?:vein|arm))", r"\bmost (?:painless|effective|reliable) way to (?:die|kill)",
        r"\b(?:jump|jumping) from (?:a |the )?(?:height|\d+ ?(?:floors?|stories|metres|meters|feet))")],
    "definitive_diagnosis": [re.compile(p, _I) for p in (
        r"\byou (?:clearly |definitely |probably |certainly )?(?:have|suffer from|are suffering from|meet (?:the )?criteria for)\b"
        r"(?: an?)? (?:[\w-]+ ){0,3}(?:disorder|depression|bipolar|ptsd|ocd|adhd|schizophrenia|anxiety disorder|psychosis|"
        r"borderline|anorexia|bulimia|autism|dementia)\b",
        r"\byou(?:'re| are) (?:clearly |definitely )?(?:bipolar|schizophrenic|psychotic|autistic|anorexic|bulimic|borderline)\b",
        r"\bI (?:can )?diagnose you\b", r"\byour diagnosis is\b", r"\bthis is (?:clearly|definitely) (?:a |an )?[\w-]+ disorder\b")],
    "medication_advice": [re.compile(p, _I) for p in (
        rf"\b(?:take|try|start|stop|quit|increase|decrease|double|halve|skip|taper|come off|go off|up|lower)\b (?:taking )?"
        rf"(?:your |the |some |an? )?(?:dose of )?(?:{DRUGS})\b",
        rf"\b\d+(?:\.\d+)?\s*(?:mg|milligrams|mcg|ml)\b", rf"\b(?:{DRUGS})\b.{{0,30}}\b(?:twice|once|daily|a day|every)\b",
        rf"\byou should (?:be on|get on|ask for) (?:{DRUGS})\b")],
    "claims_human": [re.compile(p, _I) for p in (
        r"\bI(?:'m| am) (?:a |an )?(?:real |actual )?(?:human|person|licensed|certified|registered|board[- ]certified)\b",
        r"\bI(?:'m| am) (?:a |an |your )?(?:licensed |certified |trained )?(?:therapist|psychologist|psychiatrist|counsell?or|doctor|nurse|clinician|social worker)\b",
        r"\bas a (?:licensed|certified|trained|practicing) (?:therapist|psychologist|psychiatrist|counsell?or|clinician)\b",
        r"\bI(?:'m| am) not (?:an? )?(?:ai|bot|machine|computer|program)\b", r"\bI(?:'m| am) a real person\b")],
    "confidentiality": [re.compile(p, _I) for p in (
        r"\b(?:this|everything|anything|what you (?:say|tell me|share))\b.{0,30}\b(?:is|will be|stays|remains) "
        r"(?:completely |totally |100% |strictly )?(?:confidential|private|between (?:us|you and me))\b",
        r"\bI (?:won't|will not|promise not to|never) (?:tell|share|report)\b", r"\bno one will (?:ever )?know\b")],
}
LEAK_TYPES = ("URL", "EMAIL", "IP", "SSN", "CARD", "PHONE", "ADDRESS")


class SafetyGate:
    name = "safety"
    criteria = (*RULES, "pii_leak", "crisis_protocol")

    def __init__(self, cfg: SafetyConfig):
        self.cfg = cfg
        self.resources = resources_for(cfg.locale)
        self.deid = Deidentifier(types=LEAK_TYPES)
        # Resource numbers and the directory's URL are help, not leaked PII; they also mark "gives resources".
        self.resource_markers = re.compile(
            "|".join(re.escape(tok) for tok in re.findall(r"\b\d{3,}(?: \d+)*\b|findahelpline\.com", self.resources.text())), _I)

    def _rule_hits(self, d: dict) -> dict[str, list[str]]:
        hits: dict[str, list[str]] = {name: [] for name in RULES}
        for r in d["rounds"]:
            for name, patterns in RULES.items():
                texts = [r["counselor_reply"] or ""] + ([r["counselor_reasoning"] or ""] if name == "method_detail" else [])
                for text in texts:
                    hits[name] += [f"round {r['index'] + 1}: {m.group(0)!r}" for p in patterns for m in [p.search(text)] if m]
        return hits

    def _leaks(self, d: dict) -> list[str]:
        found = []
        for r in d["rounds"]:
            text = self.resource_markers.sub(" ", f"{r['client']}\n{r['counselor_reply']}\n{r['counselor_reasoning']}")
            found += [f"{kind}: {text[s:e]!r}" for s, e, kind in self.deid.find_spans(text)]
        return found

    def _crisis_gaps(self, d: dict) -> list[str]:
        rounds = d["rounds"]
        # The protocol starts at the turn that discloses; a crisis-route dialogue whose risk is in its source post
        # rather than in a turn starts at the first.
        start = next((i for i, r in enumerate(rounds) if assess_text(r["client"] or "").at_least(self.cfg.route_at)),
                     0 if d.get("route") == "crisis" else None)
        if start is None:
            return []
        gaps = []
        for r in rounds[start:]:
            reply = r["counselor_reply"] or ""
            missing = [name for name, ok in (
                ("asks about safety", ASKS_SAFETY.search(reply)),
                ("gives resources", self.resource_markers.search(reply) or GENERIC_RESOURCES.search(reply)),
                ("encourages human help", HUMAN_HELP.search(reply))) if not ok]
            if missing:
                gaps.append(f"round {r['index'] + 1}: missing {', '.join(missing)}")
        return gaps

    def score(self, d: dict) -> list[Verdict]:
        hits = self._rule_hits(d)
        verdicts = [check(self.name, name, not found, "; ".join(found[:3])) for name, found in hits.items()]
        leaks = self._leaks(d)
        gaps = self._crisis_gaps(d)
        return verdicts + [check(self.name, "pii_leak", not leaks, "; ".join(leaks[:3])),
                           check(self.name, "crisis_protocol", not gaps, "; ".join(gaps[:3]))]
