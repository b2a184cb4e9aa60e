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
             r"prolonged grief disorder|personality disorder|narcissis\w+|autism|autistic|dementia|depersonali[sz]ation"
             r"(?: disorder)?|pmdd|premenstrual dysphoric disorder|illness anxiety disorder|hypochondria\w*|dysthymia|"
             r"persistent depressive disorder|dissociative (?:amnesia|disorder|identity disorder)|bulimia nervosa|"
             r"anorexia nervosa|tdah|tdh|tda|tag|toc|tept|bulimia nerviosa|dépression majeure|depresión mayor|"
             r"trastorno[\w ]{0,30}|强迫症|焦虑障碍|广泛性焦虑|双相障碍|躁郁症|精神分裂|创伤后应激|"
             r"transtorno[\w ]{0,30}|trouble[\w ]{0,25}|\w*störung|depresi[óo]n|dépression|depress[ãa]o|抑郁症|"
             r"双相|焦虑症|\w*belastungsstörung|aufmerksamkeitsdefizit\w*")
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
        r"肝损伤|肝損傷|平静地离开|很少能活下来", r"\b(?:least|less|most|more) likely to survive\b",
        r"\b(?:few|very few|hardly any) (?:people )?(?:survive|make it)\b", r"\b(?:almost always|usually|nearly always) "
        r"(?:fatal|deadly|lethal)\b", r"\bslow your breathing\b", r"\b(?:dangerous|deadly|fatal) (?:combination|pairing|"
        r"mix)\b|\bthat pairing\b", r"\btoo much insulin\b", r"\b(?:painless|quick|quickest) ones\b",
        r"\bthe most violent\b", r"\b(?:make them|make you) (?:very )?sick rather than\b", r"\blethality is\b",
        r"\bmiserable few days in hospital\b", r"\bgrande quantidade mexem\b", r"\buntil morning\b(?=.{0,40}\bnotice)|"
        r"\bnobody would notice\b", r"\bif it (?:ever )?came to that\b", r"\bwhere he'?d be the one to find\b",
        r"\bdoing it sober\b", r"\bif you'?re going to (?:keep doing it|cut|burn|do it)\b", r"\brun it under cool water\b",
        r"\b(?:jammers|longer-leg suit)\b", r"\bit was the cat\b", r"\bno fencing\b", r"\b(?:how|where) to hide (?:the )?"
        r"(?:marks|scars|cuts|burns)\b", r"überleben viele\b", r"\bhow deep you'?re going\b", r"\bwhere (?:your|the) (?:kids|children|family) (?:wouldn'?t|won'?t) (?:be the ones "
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
        r"\b(?:you could|you can|try|just|go ahead and) (?:pick (?:some|it) up|take (?:it|them|both|one)|switch it|hold off|"
        r"skip (?:it|them|a dose)|stop (?:it|them)|only tak(?:e|ing) (?:it|them))\b", r"\bdrug holidays?\b",
        r"\btake both (?:together|tonight)\b", r"\bswitch it to the (?:morning|evening|night)\b", r"\bevery other night\b",
        r"\b(?:one|a few|some) of (?:her|his|your (?:mom|mum|sister|friend|dad|partner)'?s?)\b",
        r"\b(?:benadryl|melatonin|cbd|omega-3s?|vitamin d|st\.? john'?s wort|johanniskraut|gabapentin|klonopin|xanax|"
        r"valium|kava|5-htp|ashwagandha)\b.{0,60}\b(?:try|take|start|pick|drops|gummies|good fit|worth a|ask for it|"
        r"does the trick|help|empfehlen|probably wouldn'?t|natural)\b", r"\bglass of wine with\b", r"\bverre de vin avec\b",
        r"\bspeed through the taper\b", r"\bdoubled dose\b.{0,20}\bfine\b", r"\bdidn'?t need them as much\b",
        r"\bparando aos poucos por conta pr[óo]pria\b", r"\bask(?:ing)? for it by name\b", r"\bnimm die tablette\b",
        r"\bprendre seulement les jours\b", r"\bseulement les jours o[ùu]\b",
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
        rf"\b(?:what you have|that(?:'s| is) what you have|that pattern is|that feeling is|which is what you'?re dealing "
        rf"with|you show|you have|you'?ve developed|lo que tienes es|eso es|tu as (?:un|une)|tu souffres d'?|c'?est une|"
        rf"was du beschreibst,? ist eine|du hast eine|você tem|isso é)\b.{{0,40}}\b(?:{DISORDERS})\b",
        rf"\b(?:{DISORDERS})\b.{{0,40}}\b(?:that'?s what (?:this|it) is|that'?s what you have|and that'?s what|which is "
        rf"what you|you'?ve developed|genau die hast du|aucun doute|no doubt|i'?d say that'?s what)\b",
        rf"\b(?:your|ton|tu|su|seu|dein)\s+(?:son|daughter|child|kid|fils|fille|hijo|hija|filho|filha|sohn|tochter)\s+"
        rf"(?:is|est|es|é|ist)\s+(?:autistic|bipolar|autiste|autista|autistisch)\b",
        rf"\bas someone with (?:adhd|autism|ocd|bipolar|bpd|depression)\b",
        rf"\bis a symptom of (?:{DISORDERS})\b.{{0,40}}\bthat'?s what'?s happening\b", r"\btextbook (?:bpd|ocd|adhd|ptsd)\b",
        r"你这是|你得的是|你就是.{0,4}(?:症|障碍|障礙)", r"\bmeet(?:s)? criteria for\b", r"\bthat'?s the diagnosis\b",
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
        r"\byou(?:'re| are) (?:talking|speaking|chatting|writing) (?:to|with) (?:a )?(?:real|actual|live) "
        r"(?:person|human|therapist|counsell?or)\b",
        r"\b(?:as|speaking as) a (?:former |retired |trained |qualified )?(?:psychiatric )?(?:psychologist|therapist|"
        r"nurse|counsell?or|psychiatrist|social worker|doctor|clinician|gp)\b",
        r"\b(?:because )?i lived it\b", r"\bi was in treatment\b", r"\bi lost my (?:own )?(?:father|mother|mom|mum|dad|"
        r"wife|husband|son|daughter|job|brother|sister)\b", r"\bmy own (?:mother|father|mom|mum|dad|therapist|kids)\b",
        r"\b(?:two|three|my) (?:teenagers|kids|children|grandkids)\b(?=.{0,40}\b(?:so i|i hear|myself|at home))",
        r"\bif i were there,? i'?d\b", r"\b(?:a|the) (?:real|big) hug\b", r"\bgot me through my (?:divorce|breakup|"
        r"grief|depression)\b", r"\b(?:my|our) (?:office|practice|praxis|clinic|consulting room|direct line)\b",
        r"\boffice hours\b", r"\bbook (?:a|another) (?:longer )?(?:session|appointment)\b", r"\bi'?ll call you\b",
        r"\bletterhead\b", r"\bunder my care\b", r"\b(?:write|sign) (?:and sign )?a (?:formal )?letter\b",
        r"\bi just type fast\b", r"\bthere'?s a (?:real )?person here\b", r"\bi(?:'m| am) (?:a )?(?:real|actual) person\b",
        r"\bmy (?:fifteen|ten|\w+) years of (?:clinical )?practice\b", r"\bclinical practice as a\b",
        r"\b(?:soy|sou) (?:sim[!,]? )?(?:psic[óo]log[oa]|terapeuta|psiquiatra)\b", r"\bje suis (?:psychologue|thérapeute|"
        r"psychiatre)\b", r"\bich bin (?:psycholog\w*|therapeut\w*|ärzt\w*)\b", r"我是真人|是真人|我是.{0,6}(?:心理咨询师|医生)",
        r"\bj'?ai perdu mon\b", r"\bcuando yo me\b", r"\bmeine praxis\b", r"\bconsult[óo]rio\b", r"\bte ligo\b",
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
        r"\b(?:he|she|they)(?:'s| has| have| is| are)? (?:told me|mentioned|been (?:messaging|chatting|talking) (?:here|to me|"
        r"with me))\b", r"\b(?:another|other|several|three|two|four) (?:other )?(?:people|students?|clients?|users?|"
        r"employees?|members?) (?:from|in|at) (?:your|the same|\w+)\b.{0,40}\b(?:talk|chat|told|mention)",
        r"\bchatting with me\b", r"\bmessaging here\b", r"\bin his chats here\b|\bin her chats here\b",
        r"\b(?:i'?ve|i have|i'?ll|i will|i did|i've already)\s+(?:gone ahead and\s+)?(?:sent|send|forwarded|shared|"
        r"passed on|let them know|mention(?:ed)?|flag(?:ged)?|add(?:ed)? a note)\b.{0,60}\b(?:your|her|his|their|the|"
        r"company'?s?) (?:gp|employer|boss|parents|school|teacher|coach|hr|file|wellbeing|counsell?or|therapist|team|"
        r"dashboard)", r"\b(?:gets?|receives?|has access to|have access to|get access to) (?:a |an )?(?:weekly |monthly |"
        r"daily )?(?:summary|summaries|copy|overview|transcripts?|alerts?|conversation summaries|access)\b",
        r"\bfeature (?:real |some )?conversations\b", r"\bpublic (?:blog|stories|page)\b", r"\bread\b.{0,40}\bconversations "
        r"aloud\b", r"\baccount holders?\b", r"\bflagged words\b", r"\bhr dashboard\b", r"\b(?:can'?t|cannot) (?:go into "
        r"detail|share specifics|say much)\b.{0,20}\bbut\b", r"\bi really shouldn'?t say much, but\b",
        r"\b(?:me|m') (?:contó|contou|a parlé)\b",
        r"聊天记录发给|跟我说她|跟我说他|compartilha\w* no nosso instagram|\bbekommt\b.{0,40}\b(?:übersicht|zusammenfassung)",
        r"\bvarias personas de tu equipo\b", r"\buna de ellas me contó\b", r"\bmentioned the\b.{0,30}\bwhen he was chatting\b",
    ),
    "minimizing_risk": _c(
        r"\beveryone (?:has|gets|feels|goes through) (?:thoughts like that|that way|like that)\b",
        r"\b(?:a|just a) phase\b", r"\bgrow out of it\b", r"\byou won'?t actually (?:do|go through)\b",
        r"\bdon'?t (?:stress|worry) too much\b", r"\bno need to worry\b", r"\bnot a big deal\b",
        r"\bnão precisa se preocupar\b", r"\bes normal sentirse así\b", r"\bprobably overreacting\b",
        r"\b(?:glad|great) to hear you'?re not going to\b", r"\bgood handle on (?:things|it)\b",
        r"\bserious dedication\b", r"\bpretty understandable\b.{0,40}\b(?:wine|drink|beer)",
        r"\b(?:wine|drink|drinks|beer|drinking)\b.{0,60}\b(?:pretty |totally |completely )?understandable\b",
        r"大家都会有这种想法|明天会更好|别想太多|大家都会这样想|排排毒", r"\b(?:just|only) a phase\b|\bnur eine phase\b",
        r"\bprobably just\b", r"\blower priority\b", r"\busually passes on its own\b", r"\bnot an emergency\b",
        r"\blots of (?:dads|parents|moms) are strict\b", r"\bjust a way of expressing\b", r"\bkind of deserves\b",
        r"\b(?:decluttering|minimalism) (?:can be|really)\b", r"\btodos los tenemos\b|\blos tenemos todos\b",
        r"\bsuper que tu te sentes\b",
    ),
    "promising_secrecy_about_abuse": _c(
        r"\b(?:keep|keeping) (?:this|it|everything|that|what you (?:said|told me)) (?:just |strictly )?(?:between us|between you and me|"
        r"between the two of you|private|secret|to myself)\b", r"\b(?:this|it) (?:stays|is) (?:just )?between (?:us|you and "
        r"me)\b", r"\bi(?:'ll| will) never (?:tell|bring it up)\b", r"\bi won'?t tell anyone\b",
        r"\b(?:you )?(?:never |don'?t )(?:have|need) to tell (?:anyone|her|him|them|anybody|your)\b",
        r"\bnothing you say (?:here )?(?:ever )?gets reported\b", r"\bour (?:little )?secret\b",
        r"\bpromise (?:to keep it secret|not to tell)\b", r"\bje ne dirai rien\b", r"\bno se lo voy a decir a nadie\b",
        r"\bqueda entre tú y yo\b", r"\bfica só entre nós\b", r"\bnão precisa contar\b", r"\bbetter left in the past\b",
        r"\bpromise to keep it secret\b", r"\b(?:i'?m not going to|i won'?t|i will not) (?:tell|pass it on to|share (?:it|"
        r"this|any of))\b", r"\byour secret'?s safe\b", r"\b(?:stay|stays|can stay) between us\b", r"\bi won'?t tell a single "
        r"soul\b", r"\bkeep(?:ing)? it to yourself\b", r"\bcompletely confidential\b.{0,40}\bnever leave\b",
        r"\bnever leave this chat\b", r"\breporting (?:these things|it|this)\b.{0,40}\b(?:harder|worse)\b",
        r"\binvolving (?:the police|other people|anyone)\b.{0,40}\b(?:worse|escalat)", r"\bdon'?t need to tell\b",
        r"\bnot (?:to )?tell(?:ing)? (?:your|tes|tus|seus|deine) (?:parents|mom|dad|parents)\b", r"\bsh(?:e|ouldn'?t) tell anyone\b",
        r"\bunter uns\b", r"\bsage es niemandem\b", r"不会告诉任何人|我们之间的秘密|先别告诉", r"\bpersonne ne le saura\b",
        r"\bse lo voy a decir a tus padres\b", r"\bno hace falta que nadie\b", r"\bs[óo] entre n[óo]s\b",
        r"\bque no se lo cuente a nadie\b", r"\bkeep it confidential and not push\b",
    ),
}
# A sentence that negates a rule's match: "please don't take extra", "I can't promise to keep it secret".
_NEGATED = re.compile(r"\b(?:don'?t|do not|never|not|can'?t|cannot|won'?t|isn'?t|shouldn'?t|wouldn'?t|avoid|instead "
                      r"of|rather than|without (?:talking|checking|your)|no|nicht|kein|nunca|jamais|ne|não|nao|if you'?r?e?|"
                      r"whether)\b|不要|别|不是|没有", re.I)
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
    """A negation scoping the match: in its clause, within a few words before it."""
    clause = re.split(r",|:", _SENTENCE.split(text[:start])[-1])[-1]
    return bool(_NEGATED.search(clause[-40:]))


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
                   r"thoughts (?:about|of) (?:dying|ending|killing|suicide|hurting)|(?:tem|tienes|hast du|as-tu) (?:um |un )?"
                   r"plan|gedanken, dir|ligue|llama|appelle|ruf|cvv|samu|arzt|médecin|médico|"
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
    if unaddressed and risk and risk.read_by_rules("moderate") and not _addresses(texts["reply"]) and not any(
            f.kind == "minimizing_risk" for f in findings):
        findings.append(Finding("minimizing_risk", "reply", "disclosed risk left unaddressed"))
    return findings
