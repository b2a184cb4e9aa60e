"""English risk rules (over normalized text: lowercase, straight apostrophes, single spaces)."""
from psyllm.safety.lexicon import OTHER, SELF, Lexicon, cues

A = "'?"  # an apostrophe people often leave out
ME = r"(?:my ?self|myself|my self)"
THEM = r"(?:him ?self|her ?self|them ?sel(?:f|ves))"
PILLS = (r"(?:pills|tablets|meds|medication|medicine|sleeping pills|sleeping tablets|painkillers|pain killers|"
         r"paracetamol|tylenol|advil|ibuprofen|aspirin|acetaminophen|insulin|antidepressants|benzos|xanax|"
         r"oxy|opioids|vicodin|percocet|lithium|seroquel|sertraline|prozac|💊)")
MEANS = rf"(?:rope|noose|{PILLS}|gun|pistol|rifle|shotgun|firearm|bullets|ammo|blades?|razors?|charcoal|poison|" \
        r"rat poison|antifreeze|bleach|helium|knife)"
KIN = (r"(?:friend|bestie|best friend|bf|gf|boyfriend|girlfriend|brother|bro|sister|sis|son|daughter|dad|father|"
       r"mom|mum|mother|mama|papa|stepdad|stepmom|roommate|room mate|flatmate|partner|husband|wife|fiance|fiancee|"
       r"kid|child|student|cousin|uncle|aunt|coworker|co-worker|colleague|neighbou?r|grandma|grandpa|grandmother|"
       r"grandfather|nan|niece|nephew|teammate|classmate|boss|ex|\d+ ?(?:yr|year|y/?o)s?(?: old)?|teen|toddler)")
SOON = (r"\b(?:tonight|today|tomorrow|right now|this (?:weekend|week|morning|evening|afternoon|friday|saturday|"
        r"sunday|monday|tuesday|wednesday|thursday)|in (?:an|one|a few|\d+) (?:hour|minutes?|hours)|on (?:monday|"
        r"tuesday|wednesday|thursday|friday|saturday|sunday)|by (?:morning|tonight|friday|the weekend)|"
        r"after (?:the |my )?(?:exams?|finals|birthday|wedding|holidays?|christmas)|next (?:week|month)|"
        r"the \d{1,2}(?:st|nd|rd|th)|soon)\b")

LEXICON = Lexicon(
    language="en",
    cues=[
        *cues("attempt_in_progress", "imminent", [
            rf"\b(?:took|taken|swallowed|downed|ate|popped|chugged|necked) (?:(?:a|the) (?:bunch|handful|lot|load|bottle|"
            rf"whole bottle|pack|packet|box|strip|jar|month{A}s supply|week{A}s supply) of |all (?:of )?|the whole (?:bottle|"
            rf"pack|packet|box|jar) of |every(?:thing)? (?:in|from) |too many |(?:[5-9]|\d{{2,}}) |twenty |thirty |"
            rf"fifty |a hundred )(?:\w+ ){{0,3}}{PILLS}",
            rf"\b(?:took|taken|take|taking|swallowed|swallowing|downed|popped|had) (?:\w+ ){{0,4}}{PILLS}\b.{{0,40}}\b(?:on "
            r"purpose|to die|to end it|so i (?:won't|don't) wake up|an hour ago|minutes ago|just now|all of them|every "
            r"one|feel (?:weird|sick|dizzy|sleepy)|can't stay awake)",
            rf"\b(?:took|swallowed|downed|taken|popped) (?:them all|all of them|the (?:whole|entire) (?:bottle|pack|"
            rf"box|jar|cabinet)|everything in (?:the|my|her|his|mom{A}s|my mom{A}s) (?:medicine )?cabinet)",
            r"\b(?:the |a )?(?:whole|entire|full) (?:pack|packet|bottle|box|strip|jar|blister)\b.{0,40}\b(?:on purpose|"
            r"deliberately|intentionally|an hour ago|minutes ago|to (?:die|sleep forever|end it))",
            rf"\b(?:i|i{A}ve|just|already) (?:overdosed|od{A}d|od{A}ed|taken an overdose|took an overdose)",
            rf"\bi{A}m (?:overdosing|od{A}ing)\b",
            rf"\b(?:cut|slit|slashed|sliced|opened) (?:my|open my) (?:wrists?|throat|veins?)\b",
            rf"\b(?:i{A}m |i am |im |currently |now )?(?:standing|sitting|stood|perched|up) (?:on|at|by) (?:the |a |this )?"
            r"(?:edge|ledge|bridge|roof|rooftop|railing|tracks|cliff|balcony|parapet)\b",
            rf"\b(?:rope|noose|belt|cord) (?:is )?(?:around|round) my neck\b",
            r"\b(?:on|at|by) the (?:roof|rooftop|edge|ledge|bridge|tracks|cliff|platform edge|edge of the platform|"
            r"edge of (?:the )?(?:roof|bridge|cliff))\b(?=.{0,40}\b(?:rn|right now|now|tonight|train|water|windy|jump|"
            r"pretty|calm|minutes))", r"\bi'?m (?:on|at) the (?:roof|bridge|tracks|cliff|edge|ledge)\b",
            r"\balready (?:took|swallowed|taken|drank|cut|did) (?:something|it|them|some|a lot)\b",
            r"\bcut (?:way |much |too )?deeper than i (?:meant|wanted)\b",
            r"\bit won'?t stop\b(?=.{0,60}\b(?:floor|floaty|dizzy|faint))",
            r"\b(?:a lot|so much) (?:of blood )?on the floor\b",
            r"\bin my car with (?:the )?(?:engine running|charcoal|the garage (?:door )?closed)\b",
            r"\b(?:drank|drinking|drunk|swallowed) (?:some |the )?(?:bleach|antifreeze|poison|rat poison)\b",
            r"\bi (?:did it|went through with it|started|have started)\b.{0,40}\b(?:pills|cut|bleeding|rope|jump)",
            r"\bbleeding (?:a lot|so much|everywhere|won't stop)\b.{0,60}\b(?:goodbye|bye|sorry|didn't mean|on purpose)",
        ], person=SELF),
        *cues("suicidal_ideation_active", "high", [
            rf"\b(?:kill|killing|kills|killed|hang|hanging|shoot|shooting|off|offing|end|ending|drown|drowning|"
            rf"poison|poisoning|gas|gassing) {ME}\b",
            rf"\b(?:i{A}m|i am|been|feeling|feel|felt|getting|get|so|really|very|pretty|kinda|super|extremely|"
            r"constantly|always) (?:so |really |very |pretty |kinda |super |extremely )?suicidal\b",
            r"\b(?:i have|i've had|i've been having|i'm having|having|my|been having|had|get|getting|keep having) "
            r"(?:these |some |really bad |bad |constant )?suicidal (?:thoughts|ideation|feelings|urges)\b",
            r"\bsuicidal (?:thoughts|feelings|urges)? ?(?:again|lately|rn|right now|this week|tonight)\b",
            r"\b(?:thoughts|thinking|thought) (?:of|about) (?:suicide|killing|ending it|ending my|taking my)\b",
            r"\b(?:commit|committing|attempt|attempting|try|trying|do|doing|consider|considering|contemplating) suicide\b",
            r"\bsuicide (?:is|seems) (?:the only|my only|the answer|the best|my best|an option|looking)\b",
            rf"\b(?:want|wants|wanted|wanting|wish|wishes|need|going|planning|plan|ready|trying|tempted|decided|urge|urges|desire|"
            r"deserve|thinking|thought|think|considering) (?:about |of )?to (?:die|be dead|end (?:it|it all|my "
            r"life|things|everything|myself)|not (?:exist|be here|be alive|live))\b",
            rf"\b(?:want|wants|wanna|wish|wishes|gonna|going) (?:to )?(?:die|be dead)\b(?! alone| of | from | if | when | without"
            r"| laughing| happy| old| in (?:my|a) (?:sleep|bed))",
            r"\bsuicide (?:is |looks? |looking |lookin |sounds? |seems? )(?:real |really |pretty |so )?(?:good|nice|tempting|"
            r"appealing|like (?:the|a|an) (?:answer|option|way))\b",
            r"\bend(?:ing)? (?:it all|my (?:own )?life|my existence|everything)\b",
            r"\b(?:take|taking|took) my (?:own )?life\b", r"\bfinish my life\b", r"\bself[- ]?delet(?:e|ing)\b",
            r"\b(?:catch|catching) the bus\b(?=.{0,40}\b(?:tonight|soon|ready|decided|ctb|for good))", r"\bctb\b",
            rf"\b(?:i{A}m|i am|i{A}ll|i will) (?:going to |gonna )?(?:end it|check out|end things)(?: all| for good| tonight| soon)?\b"
            r"(?! with)",
            rf"\b(?:don{A}t|do not|no longer|dont) want to (?:live|be alive|exist|be here|go on)(?: anymore)?\b",
            rf"\bi{A}m (?:done|finished) (?:with )?(?:life|living|it all|existing|being alive)\b",
            r"\b(?:rather|better off) (?:be )?dead\b", r"\bwish i (?:was|were) dead\b",
            r"\bjust (?:let me|want to) die\b", r"\bi should (?:just )?die\b",
            rf"\b(?:want|going|ready|wants|about) to go(?: now)?\b(?=.{{0,30}}\b(?:for good|forever|ready|end))",
        ]),
        *cues("suicidal_ideation_active", "high", [r"\bkms\b", r"\bkill me\b(?= now| already| pls| please)"],
              person=SELF, hyperbole=True),
        *cues("suicidal_ideation_passive", "moderate", [
            r"\b(?:go to sleep|fall asleep|sleep|close my eyes) and (?:never|not) wake up\b",
            rf"\b(?:don{A}t|do not|never) want to wake up\b", r"\bnot wak(?:e|ing) up would be\b",
            r"\bhope i (?:don't|never|dont) wake up\b", r"\bwhy am i still (?:here|alive|awake|breathing)\b",
            rf"\bwish (?:i|i{A}d) (?:could )?(?:just )?(?:disappear|vanish|not wake up|never wake up|fall asleep forever|"
            rf"stop existing|cease to exist|didn{A}t exist|did not exist|wasn{A}t (?:here|alive|born)|weren{A}t "
            rf"(?:here|alive|born)|was never born|had never been born|never been born|could die|would die)\b",
            r"\bwish i(?:'d| had)? never (?:been born|existed)\b",
            r"\b(?:everyone|everybody|they|people|them|my (?:family|kids|wife|husband|parents|mom|dad|friends|partner)|"
            r"the world|she|he|we)(?:'d| would| will|'ll)? (?:all )?be (?:better off|happier|fine|ok|okay) "
            r"(?:without me|if i (?:was|were)(?:n't| not) (?:here|around|alive)|with me gone|if i (?:died|was gone|"
            r"disappeared))\b",
            r"\bbetter off without me\b",
            r"\b(?:better|easier|happier) off if i (?:was|were|wasn'?t|weren'?t)(?:n'?t| not)? (?:here|around|alive|gone)\b",
            r"\b(?:easier|better|simpler) (?:to just |to |if i (?:just )?)(?:not exist|didn'?t exist|wasn'?t here|"
            r"disappeared|stopped existing|switch off)\b",
            r"\bhop(?:e|ing) i (?:just )?(?:don'?t|never|dont) wake up\b",
            r"\bwish (?:a|the|some) (?:bus|car|truck|train|meteor|plane) would (?:just )?(?:hit|take|kill) (?:me|you)\b",
            r"\b(?:don'?t|can'?t|dont|cant) (?:really )?see myself (?:sticking around|being (?:here|around|alive)|living "
            r"(?:much )?(?:longer|past))\b",
            r"\b(?:won'?t|will not|wont) have to worry about me (?:much longer|for long|anymore|soon)\b",
            r"\bfeels? like i (?:already )?died\b",
            r"\b(?:just )?(?:faded|fade|slip|slipped) (?:out|away)\b(?=.{0,40}\b(?:nobody|no one|wouldn'?t|notice|clock))|"
            r"\b(?:nobody|no one) would (?:even )?(?:clock|notice|care) (?:it )?if i\b",
            r"\b(?:better off|happier|fine) with(?:out)? (?:just )?(?:me|their dad|their mum|their mom|him|her)\b(?=.{0,30}"
            r"\b(?:kids|children|they|family|would)\b)|\b(?:kids|children|family|they) would (?:honestly |really )?be better off\b",
            r"\bask the lord to take me\b|\b(?:take|taking) me in my sleep\b", r"\bput it down for good\b",
            r"\bnot scared of dying\b", r"\bthink about (?:it|dying|death) like going home\b", r"\bready to go home\b",
            r"\bcan'?t picture myself (?:being )?(?:around|here|alive)\b", r"\bmy way out\b",
            r"\bwouldn'?t be the worst thing if (?:a|the|some) (?:lorry|truck|car|bus|train)\b",
            r"\balready feel done\b|\bnothing left to (?:unlock|live for|look forward to)\b",
            rf"\b(?:i{A}m|i am|im|feel like|i feel) (?:just |such |only |nothing but )?(?:a|an|the) (?:burden|weight|"
            r"waste of (?:space|air|oxygen)|drain)\b(?: (?:on|to|for) (?:my|everyone|them|people))?",
            r"\bburden (?:to|on|for) (?:everyone|everybody|them|my|people|her|him)\b",
            rf"\b(?:won{A}t|will not|not going to) be a (?:burden|problem) (?:much longer|for long|anymore)\b",
            r"\bno (?:reason|point) (?:to|in) (?:live|living|go on|going on|carry on|carrying on|being alive|existing)\b",
            r"\b(?:what'?s|what is|whats) the point (?:of|in) (?:living|life|going on|being alive|existing|carrying on)\b",
            r"\b(?:don'?t|dont|do not|can'?t|cant) see the point (?:in|of) (?:living|life|carrying on|going on|anything)\b",
            rf"\b(?:tired|sick|exhausted) of (?:living|being alive|existing|life|being here)\b",
            r"\b(?:if|when) (?:a|the|some) (?:truck|car|bus|train|plane) (?:just )?(?:hit|hits|took|takes) me\b",
            r"\b(?:wouldn'?t|would not|wouldnt) (?:mind|care) if i (?:died|didn'?t wake up|got (?:hit|killed|run over)|never "
            r"woke up|was gone|wasn'?t here)\b",
            r"\bif i (?:died|got hit|had an accident|got (?:cancer|sick)|never woke up)\b.{0,40}\b(?:fine|ok|okay|"
            r"relief|nice|worst|bad|care|mind|good)\b",
            r"\bpray(?:ing)? (?:every night |each night )?(?:that )?(?:god|the lord|he|jesus) (?:would |will )?(?:take|takes) me\b",
            r"\b(?:want|wanted|wish|wishing) to (?:disappear|vanish|not exist|stop existing)\b",
            r"\bstop (?:existing|being alive|being)\b(?=.{0,30}(?:button|wish|want|would|press))",
            r"\bbutton to (?:just )?(?:stop|end|not) (?:being|existing|exist|me)\b",
            r"\bnothing (?:left )?to live for\b", r"\b(?:want|need) (?:it|everything|the pain|this) (?:all )?to (?:stop|end)"
            r"(?: for good| forever| permanently)?\b(?=.{0,40}\b(?:forever|for good|permanently|die|dead|exist|anymore|"
            r"not wake|gone)\b)", r"\bhope i (?:die|don'?t make it|get hit|never wake)\b",
            r"\b(?:can'?t|cannot|don'?t) see (?:a|any) (?:future|way out|reason to (?:live|go on))\b",
            r"\b(?:rather|prefer to) not (?:exist|be alive|be here)\b", r"\b(?:life|living) (?:isn'?t|is not|ain'?t) worth (?:it|living)\b",
            r"\bnot worth living\b", r"\bno (?:will|desire|reason) to live\b",
            rf"\b(?:won{A}t|will not|not going to|not gonna) be (?:around|here|alive) (?:much longer|for long|"
            r"anymore|forever)\b",
        ]),
        *cues("suicidal_ideation_passive", "low", [
            r"\b(?:i )?(?:can'?t|cannot|cant) (?:go on|keep going|do this anymore|keep living|carry on)(?! with (?:this|"
            r"my|the) (?:job|work|class|course|relationship|rent))\b",
        ]),
        *cues("plan_means_timeline", "high", [
            rf"\b(?:bought|got|have|found|saved|saving|stockpiled|stockpiling|collected|collecting|hoarded|hoarding|"
            rf"hid|hidden|hiding|set aside|put aside|setting aside|ordered|stashed|stashing) (?:up )?(?:a |some |the |"
            rf"my |all (?:of )?(?:my |the )?|enough |a lot of |(?:my |his |her )?(?:dad|mom|mum|father|mother|"
            rf"grandma|grandpa|parents|brother|sister|nan){A}s? )?(?:rope|noose|gun|pistol|rifle|shotgun|firearm|"
            rf"bullets|ammo|charcoal|rat poison|antifreeze|helium)\b",
            rf"\b(?:saved|saving|stockpiled|stockpiling|collected|collecting|hoarded|hoarding|hid|hiding|set aside|"
            rf"putting aside|put aside|stashed|stashing|kept|keeping|been saving) (?:up )?(?:all |some |my |the |"
            rf"enough |a lot of |(?:my |his |her )?(?:\w+){A}s )?{PILLS}",
            rf"{PILLS} (?:saved|stockpiled|stashed|hidden|collected|ready)\b",
            rf"\b{MEANS}\b.{{0,40}}\b(?:saved up|stockpiled|ready|hidden|in (?:a|my|the) (?:sock|drawer|closet|car|"
            r"trunk|bag|box|garage))\b",
            r"\b(?:looked up|checked|researched|googled|found out|know) (?:how (?:high|tall|deep|far|many|much)|"
            r"(?:the )?(?:lethal|fatal) (?:dose|amount)|which (?:pills|bridge|building))\b",
            r"\b(?:scouted|found|picked|chose|chosen) (?:a|the|my) (?:spot|place|bridge|building|cliff|location|date|day)\b",
            r"\b(?:wrote|written|writing|left|leaving|leave|finished) (?:\w+ )?(?:letters?|notes?|goodbye (?:letters?|"
            r"notes?|messages?)) (?:for|to) (?:everyone|everybody|my|them|all|each)\b",
            r"\bsuicide (?:note|letter|plan)\b", r"\bgoodbye (?:letters?|notes?|messages?|posts?|video)\b",
            r"\b(?:said|saying|say) (?:my )?goodbyes?\b(?! to (?:summer|the|my (?:old|ex)))",
            r"\b(?:giving|gave|give) away (?:my|all (?:of )?my|his|her|all (?:of )?his|all (?:of )?her|everything)\b",
            r"\b(?:sorted|sorting|getting|got|put|putting) (?:out )?(?:everything|all|my (?:affairs|things|stuff)|"
            r"affairs|things) (?:in order|sorted|sorted out)\b",
            r"\b(?:leave|leaving|left) (?:my )?passwords\b", r"\bbefore i go\b",
            r"\b(?:make|made|making|write|writing|wrote) (?:a|my) will\b(?=.{0,80}\b(?:before|sorted|go|passwords|young|2\d|1\d)\b)",
            rf"\b(?:won{A}t|will not|wont|not going to|not gonna) (?:be (?:around|here|alive)|need (?:it|this|them|anything|my \w+)) "
            r"(?:after|by|past|anymore|next|on|when|much longer|for long)\b",
            rf"\b(?:i|i{A}ll|i will|i{A}m going to|going to|gonna) (?:do it|end it|go through with it|kill myself) "
            rf"(?:tonight|today|tomorrow|this|on|after|when|before|soon|next)\b",
            rf"\b(?:have|made|got|know|with) (?:a|the|my) plan\b(?=.{{0,40}}\b(?:die|end|kill|it|how|when))",
            rf"\b(?:already |i )?know (?:how|when|where)(?: (?:i{A}ll|i will|i{A}m going to|to))? (?:do it|end it)\b",
            r"\balready know how\b", r"\b(?:picked|set|chose) (?:a|the) date\b",
            rf"\b(?:i{A}ve|i have) decided\b(?=.{{0,30}}\b(?:die|end|when|how|go|it)\b)",
            r"\blife insurance\b", r"\bready to go\b",
            r"\bthis is (?:my )?goodbye\b", r"\bmy last (?:night|day|post|message|week)\b",
            r"\bwho gets what\b", r"\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|tomorrow|tonight|"
            r"this weekend) is (?:the|my) (?:day|night)\b", r"\bi have (?:everything|all) i need\b(?=.{0,40}\b(?:day|"
            r"tonight|tomorrow|ready|done|saturday|sunday|friday|goodbye))",
            r"\b(?:got|bought|picked up) (?:what|everything) i need(?:ed)?\b(?=.{0,80}\b(?:done|day|tonight|after|before|"
            r"ready|goodbye)\b)", r"\bafter (?:my |the )?(?:\w+ ){0,3}i'?m done\b",
            r"\b(?:writing|wrote|written) (?:everyone|every one|all of them|my (?:family|mom|mum|kids|parents)) "
            r"(?:letters|notes|goodbyes)\b", r"\bgave (?:away )?my (?:cat|dog|pets?|kitten|puppy|fish|bird) (?:away |to)\b",
            r"\b(?:cancel(?:l)?ed|cancel(?:l)?ing) my (?:phone|lease|subscriptions?|gym|plan|contract)\b(?=.{0,80}\b(?:gave|"
            r"next month|won'?t need|after|anymore)\b)",
            r"\bi (?:think i )?know (?:when|how|where) now\b", r"\bi'?ve been (?:stopping|going) there every\b",
            r"\bletters for (?:mum|mom|dad|my|everyone)\b", r"\bmake sure someone finds them\b",
            r"\bhave it all sorted\b(?=.{0,80}\b(?:gave|cat|dog|guitar)\b)|\b(?:gave|giving) my (?:guitar|car|switch|"
            r"xbox|ps5|laptop|phone|bike|clothes|stuff) to\b", r"\blooking into ways to (?:end it|die|do it|kill myself)\b",
            r"\b(?:researching|researched|looking up|looked up|googling|googled) (?:methods|ways to (?:die|end it|kill "
            r"myself)|how to (?:die|end it|kill myself|overdose|hang))\b", r"\btonight'?s the night\b",
            r"\b(?:made|making) (?:my )?peace with (?:it|dying|everything|leaving)\b",
        ]),
        *cues("self_harm", "high", [
            rf"\b(?:cut|cutting|cuts|burn|burning|burned|burnt|scratch|scratching|scratched|carve|carving|carved|"
            rf"stab|stabbing|harm|harming|harmed|hurt|hurting|punish|punishing|bruise|bruising|bite|biting|starve|"
            rf"starving|choke|choking) {ME}\b",
            rf"\b(?:hit|hitting|punch|punching|slap|slapping|beat|beating|bang|banging) {ME}\b",
            r"\b(?:hit|hitting|bang|banging|smash|smashing) (?:my|their|our|your) heads? (?:against|on|into) (?:the |a )?"
            r"(?:wall|floor|door|desk)\b",
            r"\b(?:punch|punching|punched|hit|hitting) (?:the |a )?walls? (?:until|till|so hard|til)\b",
            r"\b(?:i|i'?ve|i'?m|been|started|keep|kept|still|relapsed (?:on|into)|urges? to|want to|need to|going to) "
            r"(?:\w+ ){0,2}self harm(?:ing|ed)?\b", r"\bself harm(?:ed|ing)? (?:again|last night|today|tonight|yesterday|"
            r"every|rn|right now)\b", r"\bsh(?:'?d|'?ing)? (?:again|last night|today|tonight|yesterday)\b",
            r"\bsh urges?\b", r"\burges? to sh\b",
            r"\b(?:marks|cuts|scars|burns|wounds) on my (?:arms?|thighs?|legs?|wrists?|stomach|hips?)\b(?=.{0,60}\b(?:new|"
            r"adding|fresh|hide|explain|again|keep)\b)", r"\bhide (?:my |the )?(?:scars|cuts|marks|burns)\b(?=.{0,60}"
            r"\b(?:again|last week|did it|new|fresh)\b)",
            r"\b(?:urge|urges|need|want|wanted|tempted|craving|itching|going) (?:to )?(?:sh|cut|burn)\b(?! (?:my )?(?:hair|"
            r"class|ties|back|costs|carbs|sugar|down|out|it off|the|a|him|her|them|you))",
            r"\bcut (?:on |into )?my (?:thighs?|arms?|wrists?|legs?|stomach|skin|hips?|ankles?)\b",
            r"\bcut (?:again|deeper|deep)\b", r"\b(?:until|till|til) (?:i|it|they|my skin) bleeds?\b",
            r"\b(?:been|started|keep|kept|stop|stopped|quit) cutting\b(?! (?:back|down|class|carbs|ties|corners|my hair|"
            r"hair|out|sugar|costs|people off))",
            r"\b(?:relapsed?|relapsing)\b(?=.{0,60}\b(?:cut|sh|self harm|blades?|burn|clean|days|months))",
            r"\b(?:my|the) (?:blades?|razor blades?)\b(?=.{0,60}\b(?:cut|threw|keep|look|need|urge|want|again))",
            r"\b(?:clean|free) (?:from|of) (?:cutting|self harm|sh)\b",
            r"\bscars? (?:on|from) (?:cutting|my (?:wrists?|arms?|thighs?))\b",
        ]),
        *cues("harm_to_others", "high", [  # a grudge said in jest ("going to kill my manager lol"): a joke cancels it
            r"\b(?:want|going|gonna) to (?:kill|murder|strangle) (?:my|the|that) (?:manager|boss|brother|sister|teacher|"
            r"roommate|coworker|ex|mom|mum|dad|neighbou?r|team ?mate|friend|wife|husband|bf|gf)\b"], person=SELF,
              hyperbole=True),
        *cues("harm_to_others", "high", [
            r"\b(?:want|wanted|going|planning|plan|thinking about|think about|thoughts? (?:of|about)|urges? to|"
            r"fantasi[sz]e about|fantasi[sz]ing about|picture|imagine|imagining|dream about|tempted) (?:to )?"
            r"(?:kill|killing|murder|murdering|hurt|hurting|stab|stabbing|shoot|shooting|strangle|strangling|"
            r"smother|smothering|poison|poisoning|run (?:him|her|them) over|running (?:him|her|them) over|beat|"
            r"beating|attack|attacking|shove|shoving|push|pushing|harm|harming|drown|drowning|shake|shaking) "
            r"(?:him|her|them|people|someone|somebody|strangers?|everyone|the baby|my (?:baby|son|daughter|kids?|"
            r"toddler|newborn|mother|father|mom|mum|dad|grandma|grandpa|wife|husband|partner)|a (?:stranger|kid|child))",
            r"\b(?:bring|bringing|take|taking|brought|carry|carrying) (?:a |my |his |her |the |my (?:\w+)'?s? )?(?:gun|"
            r"knife|weapon|pistol|rifle)s? (?:to |in(?:to)? |on )?(?:school|work|class|the office|campus|on (?:monday|"
            r"tuesday|wednesday|thursday|friday)|in)\b",
            r"\b(?:going to|gonna|will|i'?ll) (?:make (?:them|him|her) pay|get (?:him|her|them) back|kill (?:him|her|them))\b",
            r"\b(?:grabbing|grabbed|shook|shaking|hit|hitting|slapped|slapping) (?:her|him|the baby|my (?:mom|mother|"
            r"dad|father|baby|son|daughter|kid)) (?:so )?(?:hard|too hard|arms?)\b",
            r"\bleft bruises\b", r"\b(?:afraid|scared) of what i(?:'ll| will| might) do\b",
            r"\b(?:she|he|they)(?:'s|'re| is| are)? going to regret it\b", r"\bi'?m (?:scared|afraid) i'?ll do something worse\b",
            r"\bis going to regret\b.{0,80}\b(?:i know (?:what time|where)|notes|his car|every night)\b",
            r"\bi know what time (?:he|she|they) (?:walks|leaves|gets)\b", r"\bbringing something to school\b",
            r"\bput (?:him|her|them) in the ground\b", r"\b(?:held|holding|put) the pillow over\b",
            r"\bflashes of (?:shaking|hurting|drowning|smothering)\b", r"\bnot going empty[- ]handed\b",
            r"\b(?:bring|bringing|taking|take) (?:a|my|the) (?:knife|gun|weapon|rifle|pistol)\b(?=.{0,30}\b(?:tomorrow|"
            r"tonight|monday|to (?:his|her|their)|over there)\b)",
            r"\b(?:shoved|pushed|hit|slapped|shook|shaking) (?:her|him|my (?:mum|mom|mother|dad|father|toddler|baby|son|"
            r"daughter|kid|wife|husband)|the baby)\b(?=.{0,60}\b(?:fell|worse|scared|hurt|bruise|wouldn'?t stop|crying)\b)",
            r"\b(?:with|holding|got) (?:my |his |my \w+'?s )?(?:rifle|gun|knife|pistol)\b.{0,40}\b(?:watching|waiting|"
            r"want (?:him|her|them) gone)\b",
            r"\b(?:waiting|wait) for (?:him|her|them) (?:to come out|in the parking|outside)\b",
            r"\b(?:shove|push|pushing|shoving) (?:strangers?|people|someone|him|her) (?:onto|in front of|off)\b",
        ], person=SELF),
        *cues("abuse_violence", "high", [
            r"\b(?:hits|hit|beats|beat|kicks|kicked|punches|punched|slaps|slapped|chokes|choked|strangles|strangled|"
            r"burns|burned|rapes|raped|molests|molested|abuses|abused|assaults|assaulted|threatens|threatened|"
            r"pushes|pushed|shoves|shoved|throws things at|threw things at|bites|bit|whips|whipped|drags|dragged) "
            r"me\b(?! (?:up|with (?:a|the) (?:idea|thought|question)))",
            r"\b(?:touches|touched|touching|feels|grabs|grabbed) me (?:when|where|down there|in (?:places|my)|at night|"
            r"while|under)\b",
            r"\b(?:said|says|threatened|threatens|swore|told me)\b.{0,30}\b(?:he|she|they)(?:'ll| will| would|'d|'s going "
            r"to| is going to) (?:kill|hurt|break|beat|find|take) (?:me|my|us|our)\b",
            r"\b(?:kill|hurt|beat) me if i (?:tell|leave|go|say|call|report)\b",
            r"\bif (?:i|we) (?:tell|told) (?:anyone|someone|anybody|mom|my mom|the police)\b",
            r"\blocked me (?:in|out|up)\b", r"\blocks me (?:in|out|up)\b",
            r"\b(?:won'?t|doesn'?t|does not|will not) let me (?:eat|leave|see (?:my|anyone)|go out|have (?:my|a|any))\b",
            r"\b(?:takes?|took|taking) (?:my|all (?:of )?my|most of my) (?:money|pension|wages|paycheck|passport|benefits)\b",
            r"\b(?:checks|checking|reads|tracks|monitors) (?:my )?(?:phone|messages|everything|location|car)\b",
            r"\b(?:controls?|controlling) (?:all )?(?:the |my )?(?:money|finances|everything)\b",
            r"\b(?:stalking|following|tracking|harassing) me\b", r"\bhiding from (?:him|her|them|my)\b",
            r"\b(?:kicking|banging|breaking) (?:down )?(?:the|my) door\b",
            r"\b(?:afraid|scared|terrified) (?:to go home|of (?:him|her|my (?:husband|wife|boyfriend|girlfriend|partner|"
            r"dad|father|mom|mother|stepdad|stepmom|stepfather|stepmother|son|daughter)))\b",
            r"\b(?:domestic|dv) (?:violence|abuse)\b", r"\b(?:sexually|physically) (?:abused|assaulted|abusing) me\b",
            r"\b(?:forces|forced|makes|made) me (?:to )?(?:have sex|do (?:sexual )?things|touch|watch)\b",
            r"\b(?:knife|gun) (?:to|at|against) my (?:throat|head|neck)\b",
            r"\b(?:knows?|found out|know) where i live\b", r"\b(?:keeps?|kept) (?:showing|turning) up (?:at|outside) my\b",
            r"\bif i (?:ever )?leave\b.{0,40}\b(?:he'?ll|she'?ll|he will|she will|never see|kill|hurt|ditch|regret)\b",
            r"\b(?:comes?|came|coming) (?:in|into) my (?:room|bed)\b(?=.{0,40}\b(?:when|at night|asleep|while)\b)",
            r"\bpic(?:ture)? of my (?:apartment|house|door|car|kids?)\b",
            r"\bif i don'?t send (?:more )?(?:pics|photos|nudes)\b", r"\bsend the old ones to\b",
            r"\bsame car'?s? (?:been )?(?:parked|outside)\b", r"\bknew what i wore\b", r"\btook over my (?:bank card|money|"
            r"pension|account)\b", r"\bkeeps? the phone locked\b",
        ], person=SELF),
        *cues("abuse_violence", "high", [
            r"\b(?:hits|beats|kicks|punches|slaps|chokes|choked|strangles|molests|molested|abuses|abused|rapes|raped) "
            r"(?:him|her|them)\b",
        ]),
        *cues("eating_disorder_medical", "high", [
            rf"\b(?:haven{A}t|have not|hasn{A}t|not|didn{A}t|barely|hardly|havent) (?:eaten|eating|ate|eat)(?: anything| "
            r"a thing| food)? (?:in|for) (?:\d+|a few|two|three|four|five|six|seven|several|many|like a|a|over a) "
            r"(?:days|weeks|week)\b",
            r"\b(?:under|below|less than|only|just|max|about|around) \d{2,3} (?:cal(?:orie)?s?|kcal)\b",
            r"\b\d{2,3} (?:cal(?:orie)?s?|kcal) (?:a|per) day\b",
            r"\b(?:under|below|less than|only|max) \d{3} (?:a|per) day\b",
            r"\b(?:only|just) (?:eat(?:ing)?|had|having|ate) (?:one|an|a|1|half an?) (?:apple|meal|banana|cracker|"
            r"rice cake|orange|yogurt|egg)\b(?=.{0,20}\b(?:a day|per day|daily|for))",
            rf"\b(?:purg(?:e|ing)|throw(?:ing)? up|vomit(?:ing)?|making myself (?:sick|throw up)|make myself (?:sick|"
            r"throw up)) (?:after|every|\d|all|multiple|several|again)",
            r"\blaxatives? (?:every|each|daily|all)\b", r"\b(?:only|just) (?:black coffee|water|diet coke)\b",
            r"\bpurg(?:e|ed|ing)\b.{0,60}\b(?:\d+ times|times a day|throat|chest|heart|breath|cramp|bleed|dizzy|faint)",
            r"\bheart rate (?:of |is |goes down to |drops to |at |was )(?:[2-4]\d)\b",
            r"\b(?:haven'?t|have not|havent|not) eaten since (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|"
            r"yesterday|last week|the weekend)\b", r"\b(?:eating|eat|ate) (?:almost |basically |practically |next to )"
            r"nothing\b(?=.{0,80}\b(?:heart|chest|faint|dizzy|pass(?:ed)? out|cardio|weeks|days)\b)",
            r"\b(?:under|below|less than) \d{3} (?:most days|every day|daily)\b",
            r"\bperiod stopped\b.{0,80}\b(?:hair|huge|fat|weight|eat)\b", r"\bhair (?:is )?coming out in clumps\b",
            r"\bhaven'?t eaten (?:properly )?in weeks\b", r"\bfingers (?:always )?blue\b", r"\bskipping insulin\b",
            rf"\b(?:faint(?:ed|ing)?|pass(?:ed|ing) out|black(?:ed)? out|blacking out|collapsed|keel(?:ed)? over)\b"
            rf"(?=.{{0,80}}\b(?:eat|ate|food|cal|weight|lbs|kg|fasting|goal|fat|lose|meal|diet|skinny|thin)\b)",
            r"\b(?:eat|ate|eating|food|cal(?:orie)?s?|fasting|goal weight|weight|diet|(?:under|below|less than) \d{3})\b"
            r".{0,100}\b(?:faint(?:ed|ing)?|"
            r"pass(?:ed|ing) out|black(?:ed)? out|blacking out|collapsed|almost passing out|heart (?:racing|doing|"
            r"skipping|pounding|palpitations)|chest pain|hair (?:is )?(?:falling|coming) out|potassium|"
            r"electrolytes?)\b",
            r"\b(?:potassium|electrolytes?) (?:was|is|were|are) (?:low|dangerously low|off)\b",
            r"\b(?:bmi|weight) (?:of|is|at) (?:1[0-6](?:\.\d)?|[3-8]\d ?(?:lbs|pounds|kg))\b",
        ]),
        *cues("psychosis_mania_risk", "high", [
            r"\b(?:the |a |these |those )?voices? (?:in my head )?(?:are |is |keep |keeps |have been |has been )?"
            r"(?:telling|saying|told|tell|say|want|wants|commanding|ordering|order|command|saying that) (?:me )?"
            r"(?:to |i (?:should|have to|must|need to|gotta) )?(?:hurt|kill|jump|stop breathing|burn|die|harm|attack|"
            r"stab|drown|go|cut|do it|walk|step)",
            r"\b(?:the )?(?:man|voice|god|devil|demon|tv|news|radio|anchor|mirror|angel|spirit)\b.{0,30}\b(?:told|tells|"
            r"keeps? (?:telling|saying)|says|said|orders?|commands?)\b.{0,20}\b(?:i (?:have|need|must|should) to|to|that "
            r"i should|i should|i must) (?:jump|die|hurt|kill|stop breathing|burn|purify|sacrifice|drown|walk into)",
            r"\b(?:haven'?t|havent|not|no) slept (?:in|for) (?:\d+|two|three|four|five|six|seven|days)\b.{0,120}\b(?:god|"
            r"invincible|immortal|fly|chosen|prove|nothing can|casino|bet|gamble|all my money|maxed|credit cards?|"
            r"speed|mph|highway|roof|train|tracks)\b",
            r"\b(?:poisoning|following|watching|recording|spying on|after|plotting against|in on it|out to get) (?:me|my "
            r"(?:water|food|house|family|room|drinks?))\b"
            r".{0,120}\b(?:knife|gun|bat|weapon|make (?:them|him|her) stop|ready|make a move|get them|protect myself)\b",
            r"\b(?:i can (?:basically |literally |actually )?fly|i'?m immortal|i am immortal|i'?m invincible|nothing can "
            r"(?:hurt|touch|kill) me|can'?t die)\b",
            r"\b(?:the )?voices?\b.{0,60}\b(?:wants? me to|tell(?:s|ing)? me to|says? i (?:should|have to|must|need to|"
            r"gotta)|keep saying i)\b", r"\bvoices?\b.{0,80}\b(?:bought a knife|protect myself|with fire|set fire|"
            r"cleanse|the sea|the river)\b",
            r"\bvoice\b.{0,60}\b(?:pay for it|specific about how|i'?ve been bad)\b", r"\b(?:newsreaders|the news|tv|radio)"
            r"\b.{0,30}\b(?:sending me messages|talking to me)\b", r"\b(?:isn'?t really|been swapped|replaced by)\b.{0,40}"
            r"\b(?:mother|mom|mum|dad|father|wife|husband)\b|\bmy (?:mother|mom|mum|wife|husband) (?:isn'?t really|has been "
            r"(?:swapped|replaced))\b", r"\b(?:tracker|chip|device) in my (?:tooth|head|arm|body)\b",
            r"\bputting something in the water\b",
            r"\bstopped (?:taking )?my (?:meds|pills|medication|lithium|antipsychotics)\b.{0,80}\b(?:watching|voices|"
            r"poison|they|god|chosen|mirror|told)\b",
        ], person=SELF),
        *cues("third_party", "high", [
            rf"\b(?:wants?|wanted|wanting|trying|tried|going|planning|threatening|threatened|talks? about|talking "
            rf"about|said|says|saying) (?:to )?(?:kill|killing|hurt|hurting|hang|end|ending|cut|cutting) {THEM}\b",
            rf"\b(?:kill|killing|hurt|hurting|hang|hanging|harm|harming|cut|cutting|cuts|starve|starving|choke|choking|"
            rf"strangle|strangling|burn|burning|drown|drowning) {THEM}\b",
            r"\b(?:his|her|their) affairs in order\b", r"\blook after (?:his|her|their) (?:dog|cat|kids|pets?|plants) if "
            r"(?:anything|something) happens\b", r"\b(?:cleaning|holding|loading) (?:his|her) (?:gun|rifle|pistol)\b",
            r"\b(?:he|she|they) (?:just )?gave (?:\w+ ){0,3}(?:his|her|their) (?:watch|ring|guitar|things|stuff|"
            r"jewel(?:le)?ry|car|tools)\b", r"\b(?:made|makes) me promise not to tell\b",
            r"\bsaw (?:his|her|their) search history\b", r"\b(?:keeps|kept) saying (?:she|he)'?s \"?had enough\b",
            r"\bstopped taking (?:her|his) (?:heart )?(?:tablets|pills|meds|medication)\b", r"\bwon'?t be a problem (?:for )?"
            r"much longer\b", r"\bpension beneficiary\b", r"\bcuts all up (?:his|her) arm\b", r"\bthank you for everything\b"
            r".{0,60}\b(?:phone'?s off|not picking up|isn'?t picking up|won'?t answer)\b",
            r"\b(?:stepdad|stepfather|dad|father|uncle|boyfriend|husband|mom|mother|brother) (?:has been|is|keeps?) "
            r"(?:hurting|hitting|beating|touching|abusing) (?:her|him|them)\b",
            rf"\b{KIN}\b.{{0,80}}\b(?:wants? to (?:die|be dead)|suicid|self harm|overdos|gave away|giving away|"
            r"said goodbye|saying goodbye|won'?t (?:be around|need)|better off (?:with|without)|life insurance|"
            r"ready to go|hasn'?t eaten|has(?:n'?t| not) been eating|fainted|passed out|hears? voices|voices|bought a gun|"
            r"got a gun|gun safe|hurt (?:him|her)self|cut(?:s|ting)? (?:him|her)self|blood on|sleeves in|"
            r"bruises|hits (?:him|her)|beats (?:him|her)|thank(?:s|ed)? (?:me )?for everything|tried before|"
            r"attempted)",
        ]),
    ],
    idioms=[
        r"\b(?:this|that|it|the|my|these|those|your|his|her|homework|work|school|exams?|job|class|traffic|mondays?|"
        r"deadline|boss|heat|commute|week)\b(?: \w+){0,4} (?:is|are|was|were|'s|'re|gonna|going to|will)? ?(?:literally |"
        r"actually |honestly |seriously |lowkey |kinda )?(?:be )?(?:killing|kill) me\b",
        r"\b(?:killing|kills) me(?: softly| lol| lmao| haha|,)", r"\b(?:dying|dead|die) (?:to|for) (?:see|try|know|get|go|"
        r"hear|meet|watch|eat|read|visit|play|have)\b", r"\bto die for\b",
        r"\b(?:i'?m|i am|we'?re|literally) (?:literally )?(?:dying|dead|deceased|ded) (?:of|from|with|lol|lmao|haha|💀|😂)",
        r"\bdied (?:laughing|of (?:laughter|embarrassment|cringe|boredom))\b", r"\bi'?m dead 💀", r"\bdead 💀",
        r"\bcould (?:murder|kill) (?:a|for a|for|some)\b", r"\b(?:kill|killing) (?:time|it|the lights|the vibe|the mood)\b",
        r"\b(?:going to|gonna|will|'ll|is going to) kill me (?:when|if|for|once|because) (?:she|he|they|my \w+|"
        r"mum|mom|dad)? ?(?:sees?|finds? out|hears?|notices?|gets? home|reads?|checks?)\b",
        r"\b(?:mom|mum|dad|mother|father|parents|boss|teacher|coach|wife|husband|gf|bf) (?:is|are|'s|'re|will|'ll) "
        r"(?:going to |gonna )?kill me\b(?! if i (?:leave|tell|go))",
        r"\bcut (?:my ?self|myself|my (?:finger|hand|thumb|leg|face|lip|chin)) (?:shaving|cooking|chopping|on|with "
        r"(?:a|the|my) (?:knife|paper|can|glass|razor|tin)|by accident|accidentally|while|opening|slicing)\b",
        r"\bhurt (?:my ?self|myself) (?:at the gym|lifting|running|playing|in (?:the|a) (?:game|match|fall|gym)|"
        r"working out|skiing|falling)\b",
        r"\btired of living paycheck to paycheck\b", r"\bpaycheck to paycheck\b",
        r"\bshoot (?:me|you|him|her|them) (?:a|an) (?:text|message|email|dm|msg|line)\b",
        r"\bover my dead body\b", r"\b(?:bored|scared|worried|freezing|sick) to death\b", r"\bdead (?:tired|serious|"
        r"battery|phone|inside lol)\b", r"\b(?:phone|battery|laptop|car|plant|tablet|computer) (?:\w+ )?(?:died|is dead|"
        r"just died|dying)\b", r"\bdeadline", r"\btake (?:my|my own) life (?:back|into my)\b",
        r"\bend (?:it|things) with (?:him|her|them|my)\b", r"\bkill (?:my ?self|me) laughing\b",
        r"\bshot (?:my ?self|myself) in the foot\b", r"\bkill me now\b(?=.{0,30}\b(?:jk|lol|lmao|monday|meeting|standup|"
        r"class|work))", r"\b(?:end|kill|murder) (?:her|him|them)\.? (?:legally|with words|lol|jk)\b",
        r"\bwrite my will lol\b", r"\bbury me (?:in|at|lol)\b", r"\bwanted the floor to swallow me\b",
        r"\bcan'?t go on with (?:this|my|the) \w+\b", r"\b(?:phone|battery|laptop)(?:'s| is)? (?:about to|going to|"
        r"gonna) die\b",
    ],
    negations=[
        rf"\b(?:i{A}m|i am|im) not (?:suicidal|going to (?:kill|hurt|harm) {ME}|gonna (?:kill|hurt|harm) {ME}|in danger|"
        r"going to do anything|gonna do anything|planning (?:anything|to))\b",
        rf"\b(?:not|never) (?:going to|gonna) (?:hurt|harm|kill|do anything to) {ME}\b",
        rf"\b(?:i )?(?:would|will|could) never (?:kill|hurt|harm) {ME}\b", rf"\bi (?:don{A}t|do not) want to die\b",
        rf"\b(?:i{A}ve|i have) never (?:self harmed|cut|hurt {ME}|harmed {ME}|been suicidal)\b",
        rf"\b(?:no|not having any|don{A}t have any|not) (?:suicidal )?thoughts (?:of|about) (?:suicide|hurting|harming)\b",
        rf"\b(?:don{A}t|do not|never) hear voices\b", r"\bnot (?:suicidal|in danger)\b",
        rf"\b(?:not|i{A}m not|i am not) like (?:done done|suicidal|that)\b",
        r"\b(?:no|zero|not any) (?:intention|plans?|desire) (?:of|to) (?:hurt|harm|kill)(?:ing)? (?:my ?self|myself)\b",
        r"\basked (?:me )?(?:if|whether) i(?:'d| had| have| was| am)? .{0,40}(?:harming|hurting|killing) (?:my ?self|myself)"
        r"\b.{0,20}\bi said no\b",
    ],
    first_person=r"\b(?:i|i'm|i've|i'd|i'll|im|ive|me|my|myself)\b",
    third_person=rf"\b(?:he|she|they|he's|she's|they're|hes|shes|his|her|their|him|them|{KIN})\b",
    jokes=[r"\bjk\b", r"\bj/k\b", r"\bjust kidding\b", r"\bkidding\b", r"\blmf?ao\b", r"\brofl\b", r"😂", r"🤣", r"💀",
           r"\blol\b", r"\bhaha+\b"],
    serious=[r"\bnot (?:joking|kidding)\b", r"\bno joke\b", r"\bfor real\b", r"\bseriously\b", r"\bi mean it\b",
             r"\bdeadass\b", r"\bfr\b"],
    past=[r"\b(?:\d+|a few|a couple of|two|three|four|five|six|seven|eight|nine|ten|many|several|some) (?:years?|"
          r"months?) ago\b", r"\bused to\b", r"\bin the past\b", r"\bback (?:then|in (?:high school|college|\d{4}|school))\b",
          r"\bwhen i was (?:younger|a (?:teen|teenager|kid)|in (?:high school|college))\b", r"\bas a teen(?:ager)?\b",
          r"\bat (?:1[0-9]|age \d+)\b", r"\bhad (?:anorexia|bulimia|an eating disorder|a breakdown|an episode)\b",
          r"\bin (?:19|20)\d\d\b", r"\b(?:19|20)\d\d\b", r"\bas a (?:teen|kid|child|teenager)\b",
          r"\b(?:in|during|back in) (?:high school|college|uni|my twenties|my teens)\b"],
    resolved=[r"\b(?:now|today|these days)\b.{0,60}\b(?:doing (?:well|better|great|good|ok|okay|amazing|fine)|happy|"
              r"healthy|safe|stable|recovered|fine|thriving|in recovery|better|married|remarried|amazing|proud)\b",
              r"\b(?:saved me|got sober|got better|turned (?:it|things) around|stopped wanting to die|want to be here now|"
              r"i'?m a peer|handed in|graduated)\b",
              r"\b(?:therapy|meds|treatment|medication) (?:and \w+ )?(?:really )?(?:helped|saved|works?)\b",
              r"\brecovered\b", r"\b(?:i'?m|i am) (?:safe|remarried|healthy|doing (?:well|better))\b",
              r"\bout of my life\b", r"\bhow far i'?ve come\b"],
    current=[r"\bagain\b", r"\brelaps", r"\blately\b", r"\brecently\b", r"\bthis week\b", r"\btonight\b", r"\bright now\b",
             r"\blast night\b", r"\bstill (?:want|think|feel|have|cut|do)\b", r"\bevery (?:day|night)\b", r"\banymore\b",
             r"\bsame way\b", r"\bat the moment\b", r"\bcurrently\b", r"\bthese days\b(?!.{0,20}\b(?:happy|fine|good))"],
    hypothetical=[r"\bif (?:he|she|they|someone|somebody|a (?:friend|student|person|patient|child|teen))\b",
                  r"\bwhether\b", r"\bwarning signs?\b", r"\bsigns (?:that|of)\b", r"\bmight be\b",
                  r"\bhow (?:do|can|should) (?:i|you|we) (?:ask|tell|know|help|support)\b", r"\bfor (?:my|a) (?:paper|"
                  r"essay|class|thesis|assignment|report)\b", r"\b(?:book|novel|film|movie|show|series|episode|"
                  r"podcast|character|documentary|raid|guild|boss fight|level)\b", r"\b(?:look out for|spot (?:the )?signs|a patient|my patients?|"
                  r"intake|placement|nursing student|"
                  r"black box|difference between)\b"],
    timeframe=[SOON],
)
