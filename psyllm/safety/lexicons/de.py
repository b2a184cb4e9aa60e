"""German risk rules (Germany, Austria, Switzerland; normalized text). "mich" is the writer's, "sich" someone
else's (or generic)."""
from psyllm.safety.lexicon import SELF, Lexicon, cues

PILLS = (r"(?:tabletten|pillen|medikamente|medis|schlaftabletten|schmerztabletten|tramadol|ibuprofen|ibu|"
         r"paracetamol|antidepressiva|beruhigungsmittel|💊)")
KIN = (r"(?:freund|freundin|kumpel|bruder|schwester|sohn|tochter|vater|mutter|papa|mama|mann|frau|partner|"
       r"partnerin|mitbewohner|mitbewohnerin|cousin|cousine|onkel|tante|kollege|kollegin|nachbar|nachbarin|"
       r"schüler|schülerin|opa|oma|kind|ex)")
SOON = (r"\b(?:heute|heute nacht|heute abend|morgen|jetzt|gleich|sofort|dieses wochenende|am (?:montag|dienstag|"
        r"mittwoch|donnerstag|freitag|samstag|sonntag|wochenende)|sonntag|samstag|in einer stunde|bald|nächste "
        r"woche|nach (?:den|der|dem) \w+)\b")

LEXICON = Lexicon(
    language="de",
    cues=[
        *cues("attempt_in_progress", "imminent", [
            rf"\b(?:die ganze packung|eine ganze packung|die ganze dose|alle|ganz viele|viele|\d+)\b.{{0,50}}"
            r"\b(?:geschluckt|genommen|eingeworfen|runtergespült)\b",
            rf"\b{PILLS} (?:genommen|geschluckt|eingeworfen)\b", r"\bmir die (?:pulsadern|adern) aufgeschnitten\b",
            r"\bich (?:steh|stehe|sitz|sitze) (?:auf|an) (?:der|dem|einer|einem) (?:brücke|bruecke|dach|geländer|gleisen|"
            r"kante|klippe|balkon)\b", r"\büberdosis\b", r"\btschüss welt\b",
        ], person=SELF),
        *cues("suicidal_ideation_active", "high", [
            r"\bich (?:will|möchte|moechte|werde|denke? (?:daran|dran)|überlege|ueberlege) (?:mich )?(?:umbringen|töten|"
            r"toeten|das leben nehmen|sterben|nicht mehr leben|mir das leben (?:zu )?nehmen|suizid begehen|selbstmord "
            r"begehen|mich umzubringen|mich zu töten)\b", r"\bmich (?:umbringen|umzubringen|töten|zu töten|erschießen|"
            r"aufhängen)\b", r"\bmir das leben (?:zu )?nehmen\b", r"\bich will nicht mehr leben\b", r"\bich will sterben\b",
            r"\b(?:suizidgedanken|selbstmordgedanken|suizidal)\b", r"\bich will nicht mehr\b(?=.{0,40}\b(?:leben|ernst|sterben))",
        ]),
        *cues("suicidal_ideation_passive", "moderate", [
            r"\b(?:einfach )?(?:einschlafen|einzuschlafen) und nicht mehr aufwachen\b", r"\baufhören zu existieren\b",
            r"\bnicht mehr (?:da|hier) (?:sein|wäre|waere)\b", r"\bwenn (?:der herrgott|gott) mich (?:holt|holen würde)\b",
            r"\b(?:ich bin|bin) (?:nur noch )?(?:eine last|ein klotz am bein)\b", r"\bliege (?:\w+ ){0,3}(?:nur noch )?auf der tasche\b",
            r"\b(?:an|von) (?:einer|ner|nem|einem) (?:grippe|krankheit|unfall) sterben\b", r"\bwünsch(?:e)? mir,? (?:ich|dass ich)\b"
            r".{0,30}\b(?:sterben|tot|nicht mehr|weg)\b", r"\bohne mich (?:besser dran|besser)\b",
            r"\b(?:lebensmüde|lebensmuede)\b", r"\bkeinen sinn mehr\b", r"\bwozu (?:noch )?leben\b",
        ]),
        *cues("plan_means_timeline", "high", [
            rf"\b(?:leg|lege|sammle|sammel|horte|bunker|spare|habe gesammelt|hab gesammelt)\b.{{0,40}}{PILLS}",
            rf"\b(?:jeden tag|täglich) (?:eine|eine tablette|\w+) zur seite\b", r"\bdie dose ist (?:fast )?voll\b",
            r"\bdann ist schluss\b", r"\b(?:abschiedsbrief|abschiedsbriefe|abschiedsnachricht)\b",
            r"\b(?:n |einen )?brief gegeben\b.{0,60}\b(?:erst|nicht mehr da)\b", r"\bbin (?:ich )?(?:dann )?nicht mehr da\b",
            r"\b(?:seil|strick|waffe|pistole|gift) (?:gekauft|besorgt|bereit|liegt bereit)\b",
            r"\bich habe? (?:alles|meine sachen) (?:verschenkt|geregelt|vorbereitet)\b", r"\bmich verabschiedet\b",
        ]),
        *cues("self_harm", "high", [
            r"\b(?:ich )?(?:ritz|ritze|ritzte|schneide|verbrenne|schlage|schlag|kratze|kratz|verletze|verletz) mich\b",
            r"\b(?:schlag|schlage|kratz|kratze)(?: mir| mich)? (?:selbst )?(?:ins gesicht|die haut|auf)\b",
            r"\b(?:kratz|kratze|schneid|schneide|ritz|ritze|reiß|reiss) mir\b.{0,50}\b(?:auf|blutig|blutet)\b", r"\bselbstverletz", r"\britzen\b",
            r"\b(?:rückfall|rueckfall)\b(?=.{0,60}\b(?:ritz|klinge|schneid))",
        ], person=SELF),
        *cues("harm_to_others", "high", [
            r"\b(?:gedanken|drang|lust)\b.{0,40}\b(?:zu )?(?:ersticken|erstechen|umbringen|töten|erschießen|verletzen)\b",
            r"\bstech (?:ich )?(?:ihn|sie) ab\b", r"\bstech\b.{0,30}\b(?:ab|nieder)\b", r"\bmit dem (?:kissen|messer) vor\b",
            r"\b(?:ich )?(?:bring|bringe|werde) (?:ihn|sie|die|den) (?:um|abstechen|umbringen)\b",
        ], person=SELF),
        *cues("abuse_violence", "high", [
            r"\b(?:er|sie|mein \w+|meine \w+) (?:schlägt|schlaegt|schlug|tritt|würgt|wuergte|würgte|vergewaltigt|"
            r"bedroht|sperrt) mich\b", r"\bsperrt mich (?:in|ein)\b", r"\bmich (?:in den keller|ein)gesperrt\b",
            r"\b(?:sucht mich|tritt gegen die tür)\b", r"\bmich (?:mit dem kleinen|mit den kindern)? ?(?:im \w+ )?eingeschlossen\b",
            r"\bhäusliche gewalt\b", r"\bfasst mich an\b",
        ], person=SELF),
        *cues("eating_disorder_medical", "high", [
            r"\b(?:ess|esse|hab|habe) (?:seit|fast) (?:\d+|drei|zwei|vier|wochen|tagen)\b.{0,30}\b(?:nichts|kaum)\b",
            r"\b(?:fast )?nichts (?:mehr )?(?:gegessen|essen)\b.{0,80}\b(?:herzrasen|umgekippt|ohnmächtig|schwindel|"
            r"wochen|tagen)\b", r"\b(?:wieg|wiege|wiegt)(?: no| noch)? (?:[3-4]\d)(?: kilo| kg)\b",
            r"\b(?:herzrasen|ohnmächtig|umgekippt)\b.{0,80}\b(?:essen|gewicht|kilo|hunger)\b", r"\babführmittel\b",
            r"\b(?:erbreche|kotze|übergebe) (?:mich )?(?:nach|jeden)\b",
        ]),
        *cues("psychosis_mania_risk", "high", [
            r"\b(?:die stimme|die stimmen|eine stimme|gott)\b.{0,30}\b(?:sagt|sagen|befiehlt|befehlen)\b.{0,40}\b(?:soll|muss)\b",
            r"\b(?:kein schlaf|nicht geschlafen)\b.{0,120}\b(?:gleise|dach|fliegen|unsterblich|gott|weltformel|züge|zuege)",
            r"\bunsterblich\b", r"\bich kann fliegen\b",
        ], person=SELF),
        *cues("third_party", "high", [
            r"\b(?:er|sie) (?:will|wollte) sich (?:umbringen|töten|das leben nehmen)\b", r"\bbringt sich um\b",
            r"\bsich (?:umbringen|das leben nehmen|ritzen|verletzen)\b",
            rf"\b{KIN}\b.{{0,80}}\b(?:lebensversicherung|seil|pistole|waffe|erschießen|umbringen|ritzt|hungert|stimmen)",
        ]),
    ],
    idioms=[r"\bbringt mich (?:noch )?um\b", r"\bbringen mich (?:noch )?um\b", r"\berschießt mich\b(?= bitte)",
            r"\bich sterbe vor (?:hunger|lachen|langeweile)\b", r"\btotlachen\b", r"\bbring jemanden um\b(?=.{0,10}(?:🎄|😤|lol))",
            r"\bdreh ich durch und bring\b"],
    negations=[r"\bich will mir (?:nix|nichts) antun\b", r"\bnein ich will (?:nicht sterben|mir nix)\b",
               r"\bnicht suizidal\b"],
    first_person=r"\b(?:ich|mich|mir|mein|meine|meinen)\b",
    third_person=rf"\b(?:er|sie|ihn|ihm|ihr|sein|seine|{KIN})\b",
    jokes=[r"\bhaha+\b", r"\blol\b", r"😂", r"🤣", r"😤", r"🎄"],
    serious=[r"\bkein witz\b", r"\bmein(?:e)? (?:ich|s) ernst\b", r"\bernsthaft\b"],
    past=[r"\bvor (?:\d+|zwei|drei|vier|fünf|sechs|zehn) jahren\b", r"\b(?:19|20)\d\d\b"],
    resolved=[r"\b(?:heute|jetzt|seit jahren)\b.{0,60}\b(?:glücklich|stabil|gesund|verheiratet|gut)\b"],
    current=[r"\bwieder\b", r"\bgerade\b", r"\bheute nacht\b", r"\bseit wochen\b"],
    hypothetical=[r"\bwie (?:erkenne|merke)\b", r"\banzeichen\b", r"\bfür (?:mein|meine) (?:referat|hausarbeit)\b"],
    timeframe=[SOON],
)
