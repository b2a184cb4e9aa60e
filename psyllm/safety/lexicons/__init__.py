"""The risk lexicons, one module per language, and a few cues for languages without a full lexicon (enough to
flag the plainest disclosures; anything else written in them gets a safety check-in)."""
import re

from psyllm.safety.lexicons import de, en, es, fr, pt, zh

LEXICONS = [en.LEXICON, es.LEXICON, fr.LEXICON, de.LEXICON, pt.LEXICON, zh.LEXICON]

_OTHER = {
    "suicidal_ideation_active": [
        r"死にたい|自殺(?:したい|する|しよう|しようと)|消えたい|殺して", r"죽고 ?싶|자살", r"voglio morire|uccidermi|suicidarmi|farla finita|togliermi la vita",
        r"zelfmoord|dood (?:willen|wil)|mezelf (?:van kant|dood)", r"хочу умереть|покончить с собой|суицид|убить себя",
        r"chc[eę] umrze[cć]|zabi[cć] si[eę]|samob[oó]j", r"intihar|[oö]lmek istiyorum|kendimi [oö]ld[uü]r",
        r"bunuh diri|(?:ingin|pengen|mau) mati", r"mu[oố]n ch[eế]t|t[uự] t[uử]|t[uự] s[aá]t",
        r"انتحار|أريد أن أموت|اقتل نفسي|أنهي حياتي", r"suicide kar|marna chaht|jeene ka mann nahi|मरना चाहता|आत्महत्या",
    ],
    "suicidal_ideation_passive": [r"peso per (?:la mia famiglia|tutti)|meglio senza di me", r"안 ?깨어났으면|없어지면",
                                  r"目が覚めなければ|いなくなれば"],
    "plan_means_timeline": [r"遺書|もういないから", r"유서"],
    "attempt_in_progress": [r"أخذت كل الحبوب|薬を全部|약을 다 먹"],
    "self_harm": [r"mezelf (?:weer )?(?:gesneden|snijden)|リスカ|자해|порезал|tagliat[oa]"],
}
OTHER_LANGUAGE_CUES: list[tuple[str, str, re.Pattern]] = [
    (category, "imminent" if category == "attempt_in_progress" else "high" if category != "suicidal_ideation_passive"
     else "moderate", re.compile(p)) for category, patterns in _OTHER.items() for p in patterns]
