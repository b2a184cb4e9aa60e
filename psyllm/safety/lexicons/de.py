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
            rf"\b(?:die ganze packung|eine ganze packung|die ganze dose|die ganzen|alle|ganz viele|viele|\d+)\b.{{0,50}}"
            r"\b(?:geschluckt|genommen|eingeworfen|runtergespült)\b",
            rf"\b{PILLS} (?:genommen|geschluckt|eingeworfen)\b", r"\bmir die (?:pulsadern|adern) aufgeschnitten\b",
            r"\bich (?:steh|stehe|sitz|sitze) (?:auf|an) (?:der|dem|einer|einem) (?:brücke|bruecke|dach|geländer|gleisen|"
            r"kante|klippe|balkon)\b", r"\büberdosis\b", r"\btschüss welt\b",
            r"\b(?:i|ich)? ?(?:steh|stehe|stah|sitz|sitze) (?:jetzt |grad |gerade )?(?:am|auf der|auf dem|aufm|ufem|uf em|"
            r"uf de) (?:gleis|gleisen|brücke|brückn|bruck|dach|geländer|kante|parkhaus)\b", r"\bzug (?:kummt|kommt) glei",
        ], person=SELF),
        *cues("suicidal_ideation_active", "high", [
            r"\bich (?:will|möchte|moechte|werde|denke? (?:daran|dran)|überlege|ueberlege) (?:mich )?(?:umbringen|töten|"
            r"toeten|das leben nehmen|sterben|nicht mehr leben|mir das leben (?:zu )?nehmen|suizid begehen|selbstmord "
            r"begehen|mich umzubringen|mich zu töten)\b", r"\bmich (?:umbringen|umzubringen|töten|zu töten|erschießen|"
            r"aufhängen)\b", r"\bmir das leben (?:zu )?nehmen\b", r"\bich will nicht mehr leben\b", r"\bich will sterben\b",
            r"\b(?:hab|habe|ich hab|hatte|mit|meine|wieder) (?:\w+ )?(?:suizidgedanken|selbstmordgedanken)\b",
            r"\b(?:bin|ich bin) (?:\w+ )?suizidal\b", r"\b(?:ich|i|ick) (?:will|möchte|mag|wü|wui) (?:echt |wirklich |"
            r"einfach |eigentlich |halt )?(?:nicht|nich|ned|nöd|nimma|nimmer) mehr\b(?! (?:so|arbeiten|dahin|zu|in|mit|"
            r"zurück|warten))", r"\b(?:nicht|nich|ned) mehr leben\b", r"\b(?:es|alles|ois) (?:zu )?beenden\b",
            r"\bkein(?:en)? bock mehr auf (?:dieses |das )?leben\b",
        ]),
        *cues("suicidal_ideation_passive", "moderate", [
            r"\b(?:einfach )?(?:einschlafen|einzuschlafen) und nicht mehr aufwachen\b", r"\baufhören zu existieren\b",
            r"\bnicht mehr (?:da|hier) (?:sein|wäre|waere)\b", r"\bwenn (?:der herrgott|gott) mich (?:holt|holen würde)\b",
            r"\b(?:ich bin|bin) (?:nur noch )?(?:eine last|ein klotz am bein)\b", r"\bliege (?:\w+ ){0,3}(?:nur noch )?auf der tasche\b",
            r"\b(?:an|von) (?:einer|ner|nem|einem) (?:grippe|krankheit|unfall) sterben\b", r"\bwünsch(?:e)? mir,? (?:ich|dass ich)\b"
            r".{0,30}\b(?:sterben|tot|nicht mehr|weg)\b", r"\bohne mich (?:besser dran|besser)\b",
            r"\b(?:lebensmüde|lebensmuede)\b", r"\bkeinen sinn mehr\b", r"\bwozu (?:noch )?leben\b",
            r"\bnicht mehr (?:aufwach\w*|aufzuwachen)\b", r"\bwenn ich (?:morgen |einfach )?weg wär",
            r"\bwürd(?:s|e es|'s) (?:eh |doch )?(?:keiner|niemand) merken\b",
            r"\b(?:für alle|für alli|für alle anderen) (?:einfacher|eifacher|besser|leichter) wenn ich (?:nicht mehr|nümm|"
            r"nimmer|nimma|weg) (?:da )?wär", r"\bwozu (?:i|ich) (?:no|noch) (?:do|da|hier) bin\b",
            r"\bherrgott\b.{0,30}\b(?:holn|holen|hoin)\b",
        ]),
        *cues("plan_means_timeline", "high", [
            rf"\b(?:leg|lege|sammle|sammel|horte|bunker|spare|habe gesammelt|hab gesammelt)\b.{{0,40}}{PILLS}",
            rf"\b(?:jeden tag|täglich) (?:eine|eine tablette|\w+) zur seite\b", r"\bdie dose ist (?:fast )?voll\b",
            r"\bdann ist schluss\b", r"\b(?:abschiedsbrief|abschiedsbriefe|abschiedsnachricht)\b",
            r"\b(?:n |einen )?brief gegeben\b.{0,60}\b(?:erst|nicht mehr da)\b", r"\bbin (?:ich )?(?:dann )?nicht mehr da\b",
            r"\b(?:seil|strick|waffe|pistole|gift) (?:gekauft|besorgt|bereit|liegt bereit)\b",
            r"\bich habe? (?:alles|meine sachen) (?:verschenkt|geregelt|vorbereitet)\b", r"\bmich verabschiedet\b",
            r"\b(?:i hob|ich hab|hab|hob) (?:ois|alles|alls) (?:gregelt|geregelt|erledigt|vorbereitet)\b",
            r"\b(?:nächste|nächsti|nächste) woch(?:e)? (?:is|ist|isch) schluss\b", r"\b(?:isch|ist) es so (?:wiit|weit)\b",
            r"\btablette(?:n)? (?:zämegspart|zusammengespart|gespart|gesammelt|gehortet)\b",
            r"\b(?:heute|morgen) (?:nach der schule|abend|nacht) ist es vorbei\b", r"\bpasswörter gegeben\b",
            r"\btestament\b(?=.{0,80}\b(?:gemacht|notar|weg)\b)", r"\bwie hoch (?:des|das|die|sie) (?:is|ist)\b",
            r"\b(?:stelle|platz)\b.{0,30}\b(?:ausgsuacht|ausgesucht)\b", r"\bwie (?:se|sie|leute|man) (?:et|es) machen\b",
        ]),
        *cues("self_harm", "high", [
            r"\b(?:ich )?(?:ritz|ritze|ritzte|schneide|verbrenne|schlage|schlag|kratze|kratz|verletze|verletz) mich\b",
            r"\b(?:schlag|schlage|kratz|kratze)(?: mir| mich)? (?:selbst )?(?:ins gesicht|die haut|auf)\b",
            r"\b(?:kratz|kratze|schneid|schneide|ritz|ritze|reiß|reiss) mir\b.{0,50}\b(?:auf|blutig|blutet)\b", r"\bselbstverletz", r"\britzen\b",
            r"\b(?:rückfall|rueckfall)\b(?=.{0,60}\b(?:ritz|klinge|schneid))",
            r"\b(?:verbrenn|verbrenne|schneid|schneide) mich\b", r"\bmich (?:zu )?schneiden\b", r"\b(?:mi|mich) zum schneidn\b",
            r"\bgeritzt\b", r"\b(?:schlah|schlag|schlage) mir (?:sälber|selber|selbst)\b", r"\bklinge liegt\b",
        ], person=SELF),
        *cues("harm_to_others", "high", [
            r"\b(?:gedanken|drang|lust)\b.{0,40}\b(?:zu )?(?:ersticken|erstechen|umbringen|töten|erschießen|verletzen)\b",
            r"\bstech (?:ich )?(?:ihn|sie) ab\b", r"\bstech\b.{0,30}\b(?:ab|nieder)\b", r"\bmit dem (?:kissen|messer) vor\b",
            r"\b(?:ich )?(?:bring|bringe|werde) (?:ihn|sie|die|den) (?:um|abstechen|umbringen)\b",
            r"\bfest gepackt\b.{0,60}\b(?:blaue flecken|zudrücken)\b", r"\bangst vor mir\b", r"\bfackel\b.{0,30}\bab\b",
            r"\bbring ich (?:was|etwas|ne waffe|ein messer) mit in die schule\b", r"\bwerden (?:schon|noch) sehen\b",
            r"\b(?:z'?verprügle|zu verprügeln|verprügeln)\b.{0,60}\b(?:würklich|wirklich|parkiert|wo er)\b",
        ], person=SELF),
        *cues("abuse_violence", "high", [
            r"\b(?:er|sie|mein \w+|meine \w+) (?:schlägt|schlaegt|schlug|tritt|würgt|wuergte|würgte|vergewaltigt|"
            r"bedroht|sperrt) mich\b", r"\bsperrt mich (?:in|ein)\b", r"\bmich (?:in den keller|ein)gesperrt\b",
            r"\b(?:sucht mich|tritt gegen die tür)\b", r"\bmich (?:mit dem kleinen|mit den kindern)? ?(?:im \w+ )?eingeschlossen\b",
            r"\bhäusliche gewalt\b", r"\bfasst mich an\b",
            r"\b(?:schlägt|schlug|prügelt|verprügelt) (?:mich|mi)\b", r"\bmir\b.{0,20}\bins gesicht geschlagen\b",
            r"\b(?:rippe|arm|nase) gebrochen\b", r"\bnimmt mir (?:den pass|mein handy|das geld)\b",
            r"\bbringt er mich um\b", r"\b(?:verfolgt|stalkt) mich\b", r"\bsteht nachts vor meinem\b",
            r"\bsperrt (?:mi|mich) in\b", r"\bgibt (?:ma|mir) (?:oft )?(?:nix|nichts) zum ess",
        ], person=SELF),
        *cues("eating_disorder_medical", "high", [
            r"\b(?:ess|esse|hab|habe) (?:seit|fast) (?:\d+|drei|zwei|vier|wochen|tagen)\b.{0,30}\b(?:nichts|kaum)\b",
            r"\b(?:fast )?nichts (?:mehr )?(?:gegessen|essen)\b.{0,80}\b(?:herzrasen|umgekippt|ohnmächtig|schwindel|"
            r"wochen|tagen)\b", r"\b(?:wieg|wiege|wiegt)(?: no| noch)? (?:[3-4]\d)(?: kilo| kg)\b",
            r"\b(?:herzrasen|ohnmächtig|umgekippt)\b.{0,80}\b(?:essen|gewicht|kilo|hunger)\b", r"\babführmittel\b",
            r"\b(?:erbreche|kotze|übergebe) (?:mich )?(?:nach|jeden)\b",
            r"\b(?:ess|esse|iss|i iss)\b.{0,30}\b(?:fast nix|fast nichts|nix|kaum was)\b.{0,80}\b(?:umgekippt|herz rast|"
            r"schwarz vor augen|schwindlig|ohnmächtig)\b", r"\bschwarz vor augen\b.{0,60}\b(?:fasten|essen|umgekippt)\b",
            r"\b(?:fasten|fastentag)\b.{0,80}\b(?:schwarz vor augen|umgekippt|herz)\b", r"\b(?:koa|keine) (?:regl|regel|"
            r"periode) mehr\b", r"\b(?:hoar|haare) (?:foin|fallen)\b.{0,60}\b(?:schwindlig|apfl|apfel|essen)\b",
            r"\bnicht mehr als (?:einen|an) apf(?:e)?l\b",
        ]),
        *cues("psychosis_mania_risk", "high", [
            r"\b(?:die stimme|die stimmen|eine stimme|gott)\b.{0,30}\b(?:sagt|sagen|befiehlt|befehlen)\b.{0,40}\b(?:soll|muss)\b",
            r"\b(?:kein schlaf|nicht geschlafen)\b.{0,120}\b(?:gleise|dach|fliegen|unsterblich|gott|weltformel|züge|zuege)",
            r"\bunsterblich\b", r"\bunverwundbar\b", r"\bich kann fliegen\b",
            r"\bvergiften mein(?:e)? (?:wasser|essen)\b", r"\bmesser besorgt\b", r"\b(?:mues|muss) mi(?:ch)? opfere",
        ], person=SELF),
        *cues("third_party", "high", [
            r"\b(?:er|sie) (?:will|wollte) sich (?:umbringen|töten|das leben nehmen)\b", r"\bbringt sich um\b",
            r"\bsich (?:umbringen|das leben nehmen|ritzen|verletzen)\b",
            r"\bdanke für alles\b.{0,80}\b(?:geht nicht mehr ans|meldet sich nicht|handy aus|nicht erreichbar)\b",
            r"\b(?:sachen|alles) verschenkt\b", r"\bmit dem leben abgeschlossen\b", r"\bgewehr im schrank\b",
            r"\britzt (?:si|sich)\b", r"\b(?:ois|alles) beendet\b", r"\bdass sie nicht mehr will\b", r"\bdass er nicht mehr will\b",
            r"\bmedikamente\b.{0,30}\beingesteckt\b",
            rf"\b{KIN}\b.{{0,80}}\b(?:lebensversicherung|seil|pistole|waffe|erschießen|umbringen|ritzt|hungert|stimmen)",
        ]),
    ],
    idioms=[r"\bbringt mich (?:noch )?um\b", r"\bbringen mich (?:noch )?um\b", r"\berschießt mich\b(?= bitte)",
            r"\bich sterbe vor (?:hunger|lachen|langeweile)\b", r"\btotlachen\b", r"\bbring jemanden um\b(?=.{0,10}(?:🎄|😤|lol))",
            r"\bdreh ich durch und bring\b"],
    negations=[r"\bich will mir (?:nix|nichts) antun\b", r"\bnein ich will (?:nicht sterben|mir nix)\b",
               r"\b(?:keine|kei) gedanken,? (?:mich|mi) (?:zu )?(?:verletzen|töten|umbringen|umzubringen)\b",
               r"\bgefragt ob ich suizidgedanken hab\w*\b.{0,10}\bhab ich nicht\b",
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
