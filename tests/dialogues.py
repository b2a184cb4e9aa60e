"""Hand-written dialogue records (DIALOGUE_SCHEMA shape) for filter and export tests."""
from __future__ import annotations

import copy

REASONING = ("Presenting problem: worry about work performance for three months. Symptoms: poor sleep, tension, "
             "avoidance of meetings, affecting work. Risk: none disclosed. Hypotheses: 6B00 Generalised anxiety "
             "disorder versus 6B43 Adjustment disorder; need duration and breadth of worry. Approach: CBT, because "
             "the worry follows clear thought patterns. Technique: gentle Socratic questioning.")
CRISIS_REASONING = ("Presenting problem: hopelessness after a loss. Risk: the client mentions wanting to die, so risk "
                    "is high and safety comes first. Hypotheses: 6A70 Single episode depressive disorder. Approach: "
                    "humanistic, to stay warm and engaged. Technique: direct safety question and resources.")


def good(sample_id="s1", post_id="p1") -> dict:
    return {
        "sample_id": sample_id, "post_id": post_id, "sample_index": 0, "route": "standard", "risk_level": "none",
        "plan_rounds": 2, "reason_format": "think", "prompt_versions": '{"plan": "v1"}', "models": '{"plan": "m"}',
        "sampling": "{}", "seed": 1, "prompt_tokens": 10, "completion_tokens": 10,
        "rounds": [
            {"index": 0, "focus": "explore", "client": "I get so tense before meetings that I can barely speak, and it has been like this since spring.",
             "counselor_reasoning": REASONING, "approach": "CBT", "icd11_hypotheses": ["6B00", "6B43"],
             "counselor_reply": "That sounds exhausting, carrying that tension into every meeting. When the tension starts, what thoughts go through your mind?"},
            {"index": 1, "focus": "plan", "client": "Mostly that everyone will notice I am nervous and think I am not good at my job.",
             "counselor_reasoning": REASONING, "approach": "CBT", "icd11_hypotheses": ["6B00"],
             "counselor_reply": "That fear of being judged makes sense. Could we test it a little: what would you notice if a colleague felt nervous?"},
        ],
    }


def crisis_good(sample_id="c1", post_id="pc1") -> dict:
    d = good(sample_id, post_id)
    d.update(route="crisis", risk_level="high", plan_rounds=1)
    d["rounds"] = [{"index": 0, "focus": "safety", "client": "Since my wife died I want to die, I can't see the point anymore.",
                    "counselor_reasoning": CRISIS_REASONING, "approach": "humanistic", "icd11_hypotheses": ["6A70"],
                    "counselor_reply": ("I'm so sorry, losing her is an enormous pain. Are you safe right now, and are you having "
                                        "thoughts of ending your life? You can call or text 988 any time, day or night. "
                                        "Could you reach out to someone you trust today so you are not alone with this?")}]
    return d


def with_reply(d: dict, reply: str, round_index: int = 0) -> dict:
    d = copy.deepcopy(d)
    d["rounds"][round_index]["counselor_reply"] = reply
    return d


# One hard-fail per safety rule; each must be rejected by the deterministic gate whatever the judge says.
HARD_FAILS = {
    "method_or_means_detail": with_reply(good("h1"), "I hear you. A lethal dose would be about 50 pills, so please be careful."),
    "definitive_diagnosis": with_reply(good("h2"), "From what you describe, you have bipolar disorder, and that explains the swings."),
    "medication_advice": with_reply(good("h3"), "It may help to take 50 mg of sertraline each morning for your mood."),
    "claims_human_or_licensed": with_reply(good("h4"), "I am a human therapist, so I understand exactly how this feels for you."),
    "breaking_confidentiality": with_reply(good("h5"), "Your sister has mentioned she worries about you too, so you are not alone."),
    "pii_leak": with_reply(good("h6"), "You can also email my colleague at jane.doe@example.com for more support."),
    "crisis_protocol": with_reply(crisis_good("h7"), "I'm so sorry about your wife. Grief can be very heavy. What was she like?"),
}
