"""Screening what a counselor writes (reply and reasoning): the filter's deterministic safety gate on training data
and the gateway's output screen at serve time run this one function.

Kinds (the taxonomy of data/labelled/replies.*.jsonl): method or means detail, medication advice, definitive
diagnosis, claims to be human or licensed, breaking confidentiality, minimizing risk, promising secrecy about
abuse. Rules match how models phrase these, in the normalized text (psyllm/safety/normalize.py); a rule's match
inside a sentence that negates it ("please don't stop it on your own", "I can't promise to keep it secret") does
not count. Minimizing and secrecy depend on what the client said: the client's messages are assessed with the one
risk assessment. The project's own patterns."""
from __future__ import annotations

import re
from dataclasses import dataclass

from psyllm.safety.assess import assess_conversation
from psyllm.safety.normalize import normalize
from psyllm.safety.protocol import ASKS_SAFETY, GENERIC_RESOURCES, HUMAN_HELP

KINDS = ("method_or_means_detail", "medication_advice", "definitive_diagnosis", "claims_human_or_licensed",
         "breaking_confidentiality", "minimizing_risk", "promising_secrecy_about_abuse")
# The kinds that also count in the reasoning trace (it is trained): a diagnosis there is clinical reasoning.
IN_REASONING = ("method_or_means_detail", "medication_advice", "claims_human_or_licensed", "breaking_confidentiality",
                "promising_secrecy_about_abuse", "minimizing_risk")

DRUGS = (r"sertraline|zoloft|fluoxetine|prozac|escitalopram|lexapro|citalopram|celexa|paroxetine|paxil|venlafaxine|"
         r"effexor|duloxetine|cymbalta|bupropion|wellbutrin|mirtazapine|remeron|trazodone|lithium|quetiapine|seroquel|"
         r"aripiprazole|abilify|olanzapine|risperidone|lamotrigine|lamictal|valproate|alprazolam|xanax|lorazepam|"
         r"ativan|clonazepam|klonopin|rivotril|diazepam|valium|zolpidem|ambien|adderall|methylphenidate|ritalin|"
         r"propranolol|melatonin|donormyl|doxylamine|benadryl|diphenhydramine|antidepressants?|ssris?|benzos?|"
         r"sleeping pills?|sleep aids?|meds|medication|tablets?|pills?|dose|dosis|dosage|comprimés?|médicaments?|"
         r"tabletten?|medikament\w*|pastillas?|remédios?|comprimidos?|唑吡坦|安眠药|舍曲林|药")
DISORDERS = (r"depression|depressive disorder|major depressive|bipolar(?: i+| disorder)?|ptsd|post-traumatic stress|ocd|"
             r"obsessive[- ]compulsive(?: disorder)?|adhd|schizophrenia|psychosis|borderline(?: personality)?(?: disorder)?|"
             r"bpd|anorexia|bulimia|binge eating disorder|panic disorder|(?:generali[sz]ed )?anxiety disorder|gad|"
             r"prolonged grief disorder|personality disorder|narcissis\w+|autism|dementia|trastorno[\w ]{0,30}|"
             r"transtorno[\w ]{0,30}|trouble[\w ]{0,25}|\w*störung|depresi[óo]n|dépression|depress[ãa]o|抑郁症|"
             r"双相|焦虑症|强迫症")
_I = re.I


def _c(*patterns: str) -> list[re.Pattern]:
    return [re.compile(p, _I) for p in patterns]


RULES: dict[str, list[re.Pattern]] = {
    "method_or_means_detail": _c(
        r"\b(?:lethal|fatal|deadly) (?:dose|amount|quantity|level|method)s?\b", r"\blethality depends\b",
        r"\b(?:more|most|less|least|among the (?:more|most)|one of the (?:more|most)) (?:dangerous|lethal|deadly|"
        r"effective|reliable|painful|painless|serious|damaging)\b(?=.{0,80}\b(?:if|taken|ways?|method|cut|burn|"
        r"pills|jump|fall|overdose|than)\b)",
        r"\b(?:survivable|survive falls?|people who survive|leave people alive|left alive|survivors? of)\b",
        r"\blower[- ]risk of the two\b", r"\b(?:direction|depth|angle) (?:and (?:depth|direction) )?of (?:a|the) cut\b",
        r"\bif you(?:'re| are)? (?:set on (?:this|it|doing)|going to (?:do it|go ahead|go through)|do go ahead|"
        r"decide to (?:do it|go through))\b", r"\bat least (?:think about|make sure|choose|pick|do it|use)\b",
        r"\b(?:keep you|to keep (?:yourself|you)) safer\b.{0,80}\b(?:cut|burn|drink|sharp|blade|dressing)",
        r"\b(?:clean|new|sterile|fresh),? (?:new |clean |sterile )?(?:blades?|razors?)\b",
        r"\b(?:saubere|neue) klinge\b", r"\bquick (?:usually|often) (?:aren'?t|isn'?t)\b",
        r"\b(?:quickest|fastest|surest|easiest|most painless|least painful) (?:way|method)\b",
        r"\bhow (?:many|much) (?:pills|tablets|mg)\b.{0,40}\b(?:kill|die|fatal|overdose|enough)",
        r"\bseatbelt\b.{0,40}\b(?:unbuckle|airbags?)\b", r"\b(?:liver|kidney) (?:damage|failure)\b.{0,60}\b(?:days|"
        r"painful|slow)\b|\b(?:days|slow|painful)\b.{0,60}\b(?:liver|kidney) (?:damage|failure)\b",
        r"肝损伤|肝損傷|平静地离开", r"\bwhere (?:your|the) (?:kids|children|family) (?:wouldn'?t|won'?t) (?:be the ones "
        r"to )?find\b", r"\b(?:cut|cutting) (?:deep|deeper|vertical|along)\b", r"\btie (?:a|the) (?:noose|knot)\b",
    ),
    "medication_advice": _c(
        rf"\b(?:take|taking|try|add|adding|skip|skipping|double|doubling|halve|bump(?:ing)?(?: yourself)? up|up|"
        rf"increase|increasing|raise|lower|lowering|stop|stopping|come off|coming off|go off|restart|restarting|go "
        rf"back to|going back to|switch to|leave out|weglassen|pause|prendre|tomar|tome|toma|加|试试)\b[^.!?;\n]{{0,40}}"
        rf"(?:{DRUGS}|\b\d+ ?mg\b|a couple extra|one or two extra|an extra one|extra (?:one|tablet|pill)|one of "
        rf"(?:your|her|his) \w+'?s?)",
        r"\b(?:couple|few) extra\b", r"\bevery other day\b",
        r"\b(?:old|previous|lower|higher) dose\b", r"\bskip that (?:night'?s|day'?s|morning'?s) dose\b",
        r"\beine woche pause\b", r"\bhalbe tablette\b", r"\b半片\b", r"半片", r"\bun comprimé de\b",
    ),
    "definitive_diagnosis": _c(
        rf"\b(?:this|that|it|what you(?:'re| are)? (?:describing|experiencing|describe|have)|you|these|your symptoms|"
        rf"lo que describes|ce que tu décris|isso|das)(?: (?:clearly|definitely|obviously|certainly|probably))?(?: is| "
        rf"are|'s|'re| have| has| meet(?:s)? the criteria for| "
        rf"sound(?:s)? (?:exactly )?like| es| est| é| ist)?(?: (?:dealing with|suffering from))?(?: (?:classic|"
        rf"textbook|clearly|definitely|obviously|typical|certainly|un|une|um|uma|eine?))?(?: (?:a|an) (?:clear|"
        rf"classic|textbook) case of)? (?:a |an )?(?:{DISORDERS})\b",
        rf"\b(?:{DISORDERS})\b,? (?:plain and simple|100%|no doubt|sin duda|não tenho dúvida|full stop|period)\b",
        r"\bsin duda\b", r"\bnão tenho dúvida\b", r"\bi (?:can )?diagnose you\b", r"\byour diagnosis is\b",
        r"\byou(?:'re| are) (?:clearly |definitely |obviously )?(?:bipolar|schizophrenic|psychotic|autistic|anorexic|"
        r"bulimic|borderline|depressed, 100%)\b",
    ),
    "claims_human_or_licensed": _c(
        r"\bas a (?:licensed|certified|trained|practicing|practising|registered|clinical) (?:\w+ ){0,2}(?:therapist|"
        r"psychologist|psychiatrist|counsell?or|clinician|social worker|nurse|doctor)\b",
        r"\bi(?:'m| am) (?:a |an |your )?(?:real |actual )?(?:human|person|licensed|certified|registered|qualified)\b",
        r"\bi(?:'m| am) (?:a |an |your )?(?:licensed |certified |trained |clinical )?(?:therapist|psychologist|"
        r"psychiatrist|counsell?or|doctor|nurse|clinician|social worker)\b",
        r"\bi(?:'m| am) not (?:an? )?(?:ai|bot|machine|computer|program)\b", r"\bje suis psychologue\b",
        r"\b(?:in )?my (?:\w+ )?years (?:of practice|working (?:on|in|with|as))\b", r"\bmy (?:clients|patients)\b",
        r"\b(?:when|after) i (?:lost|went through|had) my (?:own )?\w+", r"\bi(?:'m| am) (?:\w+ )?(?:years? )?sober\b",
        r"\bbeing a (?:dad|mum|mom|parent|mother|father) myself\b", r"\bthe kids are (?:finally )?asleep\b",
        r"\bmade (?:a|myself a) cup of\b", r"\bin-person sessions\b", r"\bat our office\b", r"\bi have,? actually\b",
        r"\bin my (?:twenties|thirties|teens|own life)\b", r"\bi(?:'ve| have) been there (?:myself|too)\b",
        r"\bpresent as (?:one|a human|a therapist)\b", r"\bbelieve i'?m a (?:trained )?human\b",
    ),
    "breaking_confidentiality": _c(
        r"\b(?!you\b|i\b|we\b|your\b|you'?ve\b)\w+ (?:has|have|had) (?:mentioned|told me|talked to me about|shared "
        r"with me)\b", r"\b(?!you\b|i\b|we\b)\w+ mentioned to me\b",
        r"\b(?:she|he|they) (?:has|have) (?:mentioned|told me|been talking)\b", r"\bhas mentioned\b",
        r"\b(?:get|gets|receive|see) a copy of (?:our|your) (?:chats|conversations|messages)\b",
        r"\b(?:shared with|passed on to|forwarded to|sent to) (?:our |your |the )?(?:research partners|partners|"
        r"parents|school|employer|boss|teacher)\b", r"\bfeatured\b.{0,40}\b(?:public|username|stories)\b",
        r"\bi can give you the gist\b", r"\bi can tell you (?:he|she|they)\b", r"\bwithout (?:making it obvious|"
        r"saying) it came from (?:here|me)\b", r"\bme escribe a menudo\b", r"\bsie hat mir davon erzählt\b",
        r"\b(?:two|other|several) (?:other )?people from (?:the same|your) (?:company|school|team)\b",
    ),
    "minimizing_risk": _c(
        r"\beveryone (?:has|gets|feels|goes through) (?:thoughts like that|that way|like that)\b",
        r"\b(?:a|just a) phase\b", r"\bgrow out of it\b", r"\byou won'?t actually (?:do|go through)\b",
        r"\bdon'?t (?:stress|worry) too much\b", r"\bno need to worry\b", r"\bnot a big deal\b",
        r"\bnão precisa se preocupar\b", r"\bes normal sentirse así\b", r"\bprobably overreacting\b",
        r"\b(?:glad|great) to hear you'?re not going to\b", r"\bgood handle on (?:things|it)\b",
        r"\bserious dedication\b", r"\bpretty understandable\b.{0,40}\b(?:wine|drink|beer)",
        r"\b(?:wine|drink|drinks|beer|drinking)\b.{0,60}\b(?:pretty |totally |completely )?understandable\b",
        r"大家都会有这种想法|明天会更好",
    ),
    "promising_secrecy_about_abuse": _c(
        r"\b(?:keep|keeping) (?:this|it|everything|that|what you (?:said|told me)) (?:just |strictly )?(?:between us|between you and me|"
        r"between the two of you|private|secret|to myself)\b", r"\b(?:this|it) (?:stays|is) (?:just )?between (?:us|you and "
        r"me)\b", r"\bi(?:'ll| will) never (?:tell|bring it up)\b", r"\bi won'?t tell anyone\b",
        r"\b(?:you )?(?:never |don'?t )(?:have|need) to tell (?:anyone|her|him|them|anybody|your)\b",
        r"\bnothing you say (?:here )?(?:ever )?gets reported\b", r"\bour (?:little )?secret\b",
        r"\bpromise (?:to keep it secret|not to tell)\b", r"\bje ne dirai rien\b", r"\bno se lo voy a decir a nadie\b",
        r"\bqueda entre tú y yo\b", r"\bfica só entre nós\b", r"\bnão precisa contar\b", r"\bbetter left in the past\b",
        r"\bpromise to keep it secret\b",
    ),
}
# A sentence that negates a rule's match: "please don't take extra", "I can't promise to keep it secret".
_NEGATED = re.compile(r"\b(?:don'?t|do not|never|not|can'?t|cannot|won'?t|isn'?t|shouldn'?t|wouldn'?t|avoid|instead "
                      r"of|rather than|without (?:talking|checking|your)|no|nicht|nunca|jamais|ne|não|nao|不要|别)\b",
                      re.I)
_NEGATABLE = {"medication_advice", "method_or_means_detail", "definitive_diagnosis", "claims_human_or_licensed"}
_SENTENCE = re.compile(r"[.!?;\n]|—| - |, but |, though")
# Secrecy phrases that are unsafe whatever the context; the weaker "you don't have to tell anyone" only when the
# client's words show abuse or risk (else it is ordinary privacy: "you don't have to tell your employer").
_WEAK_SECRECY = re.compile(r"have|need to tell")
_SECRECY_CONTEXT = {"abuse_violence", "third_party", "self_harm", "suicidal_ideation_active", "attempt_in_progress",
                    "plan_means_timeline", "harm_to_others"}


@dataclass(frozen=True)
class Finding:
    kind: str
    where: str  # reply | reasoning
    evidence: str  # the matched words, for the filter's record (never logged by serving)


def _negated(text: str, start: int) -> bool:
    """A negation scoping the match: in its sentence, within a few words before it."""
    sentence = _SENTENCE.split(text[:start])[-1]
    return bool(_NEGATED.search(sentence[-28:]))


def _matches(kind: str, text: str) -> list[str]:
    out = []
    for pattern in RULES[kind]:
        for m in pattern.finditer(text):
            if kind in _NEGATABLE and _negated(text, m.start()):
                continue
            out.append(m.group(0))
            break
    return out


_CARE = re.compile(r"\b(?:gp|doctor|therapist|counsell?or|psychiatrist|professional|trusted adult|someone you trust|"
                   r"helpline|crisis line|hotline|emergency|safety|safe|segurança|seguridad|sécurité|sicher|adulto de "
                   r"confiança|adulto de confianza|adulte de confiance|vertrauensperson|医生|安全)\b")


def _addresses(reply: str) -> bool:
    return bool(ASKS_SAFETY.search(reply) or HUMAN_HELP.search(reply) or GENERIC_RESOURCES.search(reply)
                or _CARE.search(reply))


def screen(reply: str, reasoning: str = "", client: list[str] | tuple[str, ...] = (),
           unaddressed: bool = True) -> list[Finding]:
    """Every unsafe thing in a counselor turn; `client` is what the client said before it (oldest first).
    `unaddressed`: a reply that leaves a disclosed risk without a safety check counts as minimizing (training data;
    at serve time the crisis layer adds the safety question and resources instead)."""
    texts = {"reply": normalize(reply), "reasoning": normalize(reasoning)}
    risk = assess_conversation([{"role": "user", "content": c} for c in client]) if client else None
    findings = []
    for kind in KINDS:
        for where, text in texts.items():
            if not text or (where == "reasoning" and kind not in IN_REASONING):
                continue
            hits = _matches(kind, text)
            if kind == "promising_secrecy_about_abuse" and hits and all(_WEAK_SECRECY.search(h) for h in hits) and not (
                    risk and set(risk.categories) & _SECRECY_CONTEXT or re.search(r"hurt|hit|abus|secret", text)):
                hits = []
            findings += [Finding(kind, where, h[:80]) for h in hits[:1]]
    if unaddressed and risk and risk.at_least("moderate") and not _addresses(texts["reply"]) and not any(
            f.kind == "minimizing_risk" for f in findings):
        findings.append(Finding("minimizing_risk", "reply", "disclosed risk left unaddressed"))
    return findings
