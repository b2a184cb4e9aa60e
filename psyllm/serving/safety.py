"""The serving crisis layer: the whole conversation is assessed (every client turn, in any role; a disclosure
stays active until a counselor turn addressed it), and when it shows risk the answer asks about safety and carries
the resources for the kind of risk, whatever the model wrote (added to its reply, or instead of it, by config) and
whatever failed on the way (an overloaded or broken backend, a malformed request). A message in a language no rule
reads gets a safety check-in. The decision is logged per request, without text."""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass

from psyllm.clinical.crisis import resources_for, verified
from psyllm.config.schema import SafetySettings, ServeConfig
from psyllm.safety import Assessment, assess_conversation, classifier
from psyllm.safety.assess import LEVELS
from psyllm.safety.model_layer import combine
from psyllm.safety.protocol import asks_safety
from psyllm.safety.replies import Finding

log = logging.getLogger("psyllm.serving.crisis")
SAFETY_QUESTION = "Are you safe right now?"
# Said in our words when the model's reply is replaced (crisis_mode=replace), empty, or never came.
HOLDING_REPLY = ("I'm really glad you told me. What you're describing sounds serious, and your safety matters most. "
                 f"{SAFETY_QUESTION} Please reach out to someone who can be with you or help now.")
CHECK_IN = f"I want to make sure you're okay. {SAFETY_QUESTION}"
# What replaces a reply the output screen stopped, by the first kind found (our words; resources follow).
SAFE_REPLIES = {
    "method_or_means_detail": HOLDING_REPLY,
    "minimizing_risk": HOLDING_REPLY,
    "medication_advice": ("I'm not able to advise on medication or doses. Please talk to your prescriber or a "
                          "pharmacist before changing anything, even if it feels small. What's been going on that "
                          "made you think about it?"),
    "definitive_diagnosis": ("I can't diagnose anyone, and I don't want to put a label on what you're going through. "
                             "What you describe is worth talking through with a doctor or mental health professional, "
                             "who can assess it properly. How long has it been like this?"),
    "claims_human_or_licensed": ("I should be clear: I'm an AI, not a person and not a licensed therapist. I'm still "
                                 "here to listen, and I can help you find a human professional if you'd like."),
    "breaking_confidentiality": ("I can't share anything about other people who talk to me, and what you tell me isn't "
                                 "passed on to anyone either. What's on your mind?"),
    "promising_secrecy_about_abuse": ("I can't promise to keep something secret when someone may be getting hurt, "
                                      "because you deserve to be safe. Is there an adult or someone you trust you "
                                      "could tell? I can help you think about how."),
}


@dataclass
class CrisisCheck:
    assessment: Assessment
    flagged: bool  # at safety.route_at or above: the crisis protocol applies
    check_in: bool  # no rule could read the language: ask about safety

    @property
    def level(self) -> str:
        return self.assessment.level

    def record(self) -> dict:
        return {**self.assessment.record(), "flagged": self.flagged}


class CrisisLayer:
    def __init__(self, cfg: ServeConfig, safety: SafetySettings):
        self.mode, self.route_at, self.locale = cfg.crisis_mode, safety.route_at, safety.locale
        if self.mode not in ("append", "replace"):
            raise ValueError(f"serve.crisis_mode must be append or replace, not {self.mode!r}")
        # Checked here, when the app is built: a typo would otherwise fail every counselor request (route_at) or
        # silently answer people at risk with no crisis line at all (a locale without verified resources).
        if self.route_at not in LEVELS:
            raise ValueError(f"safety.route_at must be one of {list(LEVELS)}, not {self.route_at!r}")
        locales = sorted({r.locale for r in verified()})
        if self.locale not in locales:
            raise ValueError(f"safety.locale must be one with verified crisis resources {locales}, not {self.locale!r}")
        classifier.model()  # fit the learned layer now (about a second), not on the first person's request

    def check(self, messages: list[dict]) -> CrisisCheck:
        a = assess_conversation(messages)
        flagged = a.at_least(self.route_at)
        return CrisisCheck(a, flagged, check_in=a.check_in and not flagged)

    def with_model(self, check: CrisisCheck, model: Assessment) -> CrisisCheck:
        """The rules' check with a model layer's verdict added (it can only add risk)."""
        merged = combine(check.assessment, model)
        flagged = merged.at_least(self.route_at)
        return CrisisCheck(merged, flagged, check_in=check.check_in and not flagged)

    def resources(self, check: CrisisCheck) -> str:
        return resources_for(self.locale, check.assessment.categories).text()

    def apply(self, reply: str, check: CrisisCheck) -> str:
        if check.check_in:
            return reply if asks_safety(reply) else f"{reply.rstrip()}\n\n{CHECK_IN}".strip()
        if not check.flagged:
            return reply
        resources = self.resources(check)
        if self.mode == "replace" or not reply.strip():
            return f"{HOLDING_REPLY}\n\n{resources}"
        # Appended: the resources, and the safety question when the model did not ask it.
        ask = "" if asks_safety(reply) else f" {SAFETY_QUESTION}"
        tail = "" if resources in reply else f"\n\n{resources}"
        return f"{reply.rstrip()}{ask}{tail}" if ask or tail else reply

    def replacement(self, findings: list[Finding], check: CrisisCheck) -> str:
        """A safe reply for a counselor reply the output screen stopped: ours, with the safety question and the
        resources for the conversation's kind of risk (or the suicide and crisis lines when none was found)."""
        safe = SAFE_REPLIES[findings[0].kind]
        resources = self.resources(check) if check.flagged else resources_for(self.locale).text()
        ask = "" if asks_safety(safe) else f" {SAFETY_QUESTION}" if check.flagged else ""
        return f"{safe}{ask}\n\n{resources}"

    def preamble(self, check: CrisisCheck) -> str:
        """What a streamed counselor answer starts with, before the model's first token, so that neither a token
        limit nor a disconnect can cut it off: for a flagged conversation the safety question and the resources
        (the whole answer with crisis_mode=replace), for an unread language the check-in."""
        if check.flagged:
            return self.fallback(check) + ("" if self.mode == "replace" else "\n\n")
        return f"{CHECK_IN}\n\n" if check.check_in else ""

    def fallback(self, check: CrisisCheck) -> str:
        """What a person at risk receives when no model reply can be given."""
        return self.apply("", check)

    def log(self, request_id: str, check: CrisisCheck, path: str, user_ref: str | None = None) -> None:
        """One line per counselor request: the decision and what path answered it, never the text (`user_ref` is
        the opaque id of the request's `user`)."""
        extra = {"user_ref": user_ref} if user_ref else {}
        log.info(json.dumps({"request_id": request_id, "path": path, **extra, **check.record()}))
