"""French risk rules (France, Belgium, Switzerland, Québec; normalized text)."""
from psyllm.safety.lexicon import SELF, Lexicon, cues

PILLS = (r"(?:cachets|comprimés|comprimes|médicaments|medicaments|médocs|medocs|pilules|somnifères|somniferes|"
         r"anxiolytiques|antidépresseurs|antidepresseurs|doliprane|paracétamol|paracetamol|xanax|lexomil|💊)")
KIN = (r"(?:ami|amie|pote|meilleur ami|meilleure amie|frère|frere|sœur|soeur|fils|fille|père|pere|mère|mere|papa|"
       r"maman|beau-père|belle-mère|copain|copine|mari|femme|conjoint|conjointe|coloc|colocataire|cousin|cousine|"
       r"oncle|tante|collègue|collegue|voisin|voisine|élève|eleve|grand-père|grand-mère|gamin|gamine|enfant|ado|ex)")
SOON = (r"\b(?:ce soir|aujourd'?hui|demain|maintenant|tout de suite|cette nuit|ce week-end|ce weekend|cette semaine|"
        r"lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|dans une heure|bientôt|bientot|en (?:août|aout|juillet|"
        r"décembre|juin)|après (?:les|mon|mes|le) \w+)\b")

LEXICON = Lexicon(
    language="fr",
    cues=[
        *cues("attempt_in_progress", "imminent", [
            rf"\b(?:j'?ai|je viens d'?) (?:pris|avalé|avale|pris tous|avalé tous) (?:tou(?:te)?s (?:mes |les |ses )?|"
            rf"une boîte de |une boite de |la boîte de |la boite de |toute la boîte de |plein de |un tas de |\d+ )?"
            rf"(?:mes |les |ses )?{PILLS}", rf"\b(?:j'?ai|je viens d'?) (?:tout )?(?:pris|avalé)\b.{{0,40}}\b(?:tous|toutes|tout)\b",
            r"\bj'?ai (?:commencé|commence)\b(?=.{0,80}\b(?:bu|dites|maman|adieu|cachets|sang)\b)",
            r"\bje (?:me suis|me) (?:ouvert|ouvre|coupé|coupe) les (?:veines|poignets)\b",
            r"\bje suis (?:sur|au bord d[eu]|sur le rebord d[eu]) (?:le |la |du |de la )?(?:pont|toit|rebord|balcon|falaise|"
            r"voie|rails|lac)\b", r"\bsurdose\b", r"\boverdose\b",
            r"\b(?:je suis|chu|j'?suis|jsuis) (?:assise? |debout |deboute )?sur (?:le |la )?(?:pont|toit|rebord|bord|"
            r"parapet|balcon|rambarde|voie|rails)\b", r"\bles jambes dans le vide\b",
            r"\b(?:avalé|avale|pris) (?:tout ce qu'?il y avait|toute la boîte|toute la boite|toute la plaquette|"
            r"tous les (?:cachets|comprimés|médicaments))\b", r"\b(?:j'?ai )?pris (?:toute la|une) bo[îi]te\b",
            r"\b(?:bu|avalé|avale) (?:le|du|de la) (?:produit|poison|javel|désherbant|desherbant|raticide)\b",
        ], person=SELF),
        *cues("suicidal_ideation_active", "high", [
            r"\bje (?:veux|voudrais|vais|pense à|pense a|compte) (?:me tuer|me suicider|mourir|en finir|me foutre en "
            r"l'?air|mettre fin à mes jours|mettre fin a mes jours|disparaître pour de bon)\b",
            r"\b(?:envie de|envie d'?) (?:me tuer|me suicider|mourir|en finir|me foutre en l'?air)\b",
            r"\b(?:me tuer|me suicider|me foutre en l'?air|en finir avec (?:la vie|tout)|mettre fin à mes jours|"
            r"mettre fin a mes jours)\b", r"\bje veux (?:plus|pas) vivre\b", r"\bje ne veux plus vivre\b",
            r"\b(?:idées|idees|pensées|pensees) (?:suicidaires|noires)\b(?=.{0,30}\b(?:j'?ai|je|depuis|tous les))",
            r"\b(?:j'?ai|j'?avais|mes|avoir) (?:des |encore des |toujours des )?(?:idées|idees|pensées|pensees) "
            r"(?:suicidaires|noires)\b", r"\bje suis suicidaire\b",
            r"\b(?:envie|besoin) d'?en finir\b", r"\ben finir pour de bon\b",
            r"\b(?:je |j'?|j)(?:veux|veu|veut) (?:pu|plus|pas|plu) vivre\b",
            r"\b(?:me|m'?) (?:pendre|tirer une balle|jeter (?:sous|du|d'?un|par|dans))\b(?!.{0,15}(?:🙃|😂|lol|mdr))",
            r"\bfaire une (?:ts|tentative)\b",
        ]),
        *cues("suicidal_ideation_passive", "moderate", [
            r"\b(?:si j'?étais|si j'?etais|si j'?étais plus|si j'?etais plus) (?:plus )?là\b",
            r"\b(?:si|mettons que|et si) (?:je |j'?)disparais(?:sais)?\b",
            r"\b(?:s'?endormir|m'?endormir|dormir) et ne (?:jamais|plus|pas) (?:me )?réveiller\b",
            r"\b(?:ils|elle|il|tout le monde|ma famille|mes enfants)\b.{0,20}\b(?:seraient|serait) (?:mieux|plus "
            r"tranquilles?|ben mieux|bien mieux)\b", r"\b(?:je suis|j'?suis|chu) (?:juste |seulement |qu'?)?(?:un|une) (?:fardeau|boulet|poids)\b",
            r"\bsi j'?avais un accident\b", r"\b(?:plus envie de rien|plus envie de vivre|aucune raison de vivre)\b",
            r"\b(?:fatigué|fatiguée|fatigue|marre) (?:de vivre|d'?exister|de la vie)\b", r"\bdisparaître pour toujours\b",
            r"\b(?:ça|ca) s'?arrêterait\b", r"\bà quoi bon (?:vivre|continuer)\b",
            r"\bsi je (?:me )?(?:réveillais|reveillais) (?:pas|plus)\b", r"\b(?:j'?aimerais|je voudrais|envie de) (?:juste )?"
            r"dispara[îi]tre\b", r"\b(?:dieu|le bon dieu|le seigneur)\b.{0,30}\b(?:me prendre|me chercher|vienne me|"
            r"venir me)\b", r"\bj'?ai fait mon temps\b", r"\bsi (?:un|une) (?:char|voiture|camion|bus|train|auto) me "
            r"(?:rentrait|frappait|percutait|écrasait|tombait)\b", r"\b(?:ça|ca) réglerait\b",
            r"\bje (?:ne )?vois plus (?:la sortie|l'?intérêt|l'?interet|le bout|d'?issue)\b",
            r"\bplus envie d'?être là\b", r"\b(?:pu|plus) envie d'?être\b",
        ]),
        *cues("plan_means_timeline", "high", [
            rf"\b(?:je garde|j'?ai gardé|j'?ai garde|j'?accumule|j'?ai accumulé|je stocke|j'?ai stocké|je mets de côté|"
            rf"j'?ai mis de côté|je cache|j'?ai caché) (?:les |mes |des |tous (?:les |mes )?)?{PILLS}",
            r"\bj'?ai (?:acheté|achete|trouvé|trouve|récupéré) (?:une |la |un )?(?:corde|arme|fusil|pistolet|poison)\b",
            r"\bj'?ai repéré (?:un|l'?|le|la) (?:endroit|pont|immeuble|falaise|coin)\b", r"\bc'?est là que (?:ça|ca) se passera\b",
            r"\b(?:lettres?|mots?) d'?adieu\b", r"\bj'?ai (?:écrit|ecrit) (?:une|des) lettres?\b(?=.{0,40}\b(?:pour|à|a))",
            r"\bj'?ai (?:donné|donne) (?:mes|toutes mes|tout ce que)\b", r"\bj'?ai tout (?:réglé|regle|prévu|prevu|organisé)\b",
            r"\bje ne serai plus là\b", r"\bje serai plus là\b", r"\bj'?en ai assez maintenant\b",
            r"\bj'?attends que (?:mes parents|tout le monde|ma famille) (?:partent|soient partis)\b",
            r"\bj'?ai choisi (?:le jour|la date|l'?endroit)\b", r"\b(?:déjà )?acheté ce qu'?il faut\b",
            r"\bcaché (?:sous mon lit|dans ma chambre|dans mon placard)\b", r"\blaissé un mot (?:pour|à)\b",
            r"\b(?:résilié|vendu|payé|réglé)\b.{0,80}\b(?:résilié|vendu|payé|réglé|choisi le jour)\b",
            r"\b(?:j'?en )?aurai (?:plus|pu|pas) besoin (?:après|apres|bientôt)\b",
            r"\b(?:ramassé|amassé|gardé|accumulé|collecté) (?:toutes? )?(?:les|mes|des) (?:pilules|cachets|comprimés|"
            r"médicaments|somnifères)\b", r"\bpilules\b.{0,40}\btable de chevet\b",
        ]),
        *cues("self_harm", "high", [
            r"\bje (?:me )?(?:coupe|coupais|suis coupée|suis coupé|scarifie|brûle|brule|brûlais|frappe|griffe|mutile|"
            r"fais du mal|tape)\b", r"\b(?:me couper|me brûler|me bruler|me scarifier|me mutiler|me faire du mal|me frapper)\b",
            r"\b(?:je|j'?|me)\b.{0,20}\b(?:scarification|automutilation|scarifier)s?\b", r"\brechute\b(?=.{0,60}\b(?:compas|lame|coup|clean|mois))",
            r"\b(?:compas|lame|rasoir)\b(?=.{0,60}\b(?:repris|couper|envie|bras))",
            r"\b(?:je|j'?)\s?me suis (?:encore |re)?(?:coupée?|brûlée?|brulée?|scarifiée?|fait du mal)\b",
            r"\bje me fais mal (?:aux|au|à la|a la) (?:bras|jambes?|cuisses?|poignets?|ventre)\b",
            r"\brecommencé\b.{0,60}\b(?:clean|marques|lame|couper|scarif)\b",
        ], person=SELF),
        *cues("harm_to_others", "high", [
            r"\b(?:je vais|j'?ai envie de|je veux|je pense à|je pense a) (?:le |la |les |lui )(?:tuer|frapper|éclater|"
            r"eclater|poignarder|buter|étrangler|etrangler|faire du mal)\b", r"\blui (?:éclate|eclate|défonce|defonce) la tête\b",
            r"\bje monte avec (?:le|un) (?:marteau|couteau|batte)\b",
            r"\b(?:il|elle|y|ils) va (?:comprendre|regretter|payer)\b(?=.{0,80}\b(?:fusil|arme|machette|couteau|lundi|ce "
            r"soir|demain)\b)|\b(?:fusil|arme|machette|couteau)\b.{0,80}\b(?:il|elle|y|ils) va (?:comprendre|regretter|payer)\b",
            r"\bavec (?:la|une|ma) machette\b", r"\b(?:envie de |peur de )?(?:le|la) secouer (?:fort|très fort)\b",
        ], person=SELF),
        *cues("abuse_violence", "high", [
            r"\b(?:il|elle|ils|mon \w+|ma \w+) me (?:frappe|frappait|bat|battait|cogne|étrangle|etrangle|viole|touche|"
            r"enferme|menace|insulte et me frappe|laisse sans manger|prend mon argent|prend ma retraite)\b",
            r"\bme (?:frappe|bat|cogne|tabasse)\b", r"\bcouteau sous la gorge\b", r"\bviolences? conjugales?\b",
            r"\b(?:me laisse|m'?a laissée?) sans manger\b", r"\bprend (?:ma retraite|mon argent|ma pension)\b",
            r"\bpersonne (?:me|ne me) croira\b",
            r"\bme (?:défigurer|defigurer|tuer|frapper|buter|retrouver) si je\b", r"\bm'?attend devant (?:le|mon|ma|chez)\b",
            r"\bvient dans ma chambre (?:la nuit|le soir|quand)\b", r"\bm'?a (?:encore )?(?:serré|serre) le cou\b",
            r"\bm'?(?:étrangle|etrangle|étranglé|etranglé)\b", r"\bmenace de me (?:tuer|frapper)\b", r"\bva me tuer si\b",
        ], person=SELF),
        *cues("eating_disorder_medical", "high", [
            r"\b(?:je )?(?:mange|mangé|mange) (?:quasi |presque )?(?:rien|plus rien)\b.{0,80}\b(?:cœur|coeur|malaise|"
            r"évanoui|evanoui|vertiges|tombée?|semaines?|jours)\b", r"\b(?:\d+|deux|une) pommes? par jour\b",
            r"\b(?:malaise|évanoui|evanouie?|tombée dans les pommes)\b.{0,80}\b(?:mange|manger|poids|kilos|régime)",
            r"\b(?:je vomis|je me fais vomir|laxatifs)\b",
            r"\brien mangé\b.{0,100}\b(?:vois noir|failli tomber|tête qui tourne|tete qui tourne|malaise|évanoui|vertige)",
            r"\b(?:ça|ca) fait \d+ jours que j'?ai rien mangé\b", r"\bj'?ai (?:pu|plus) mes règles\b",
            r"\b(?:ongles bleus|toujours froid|tout le temps froid|tout le temps frette)\b.{0,60}\b(?:grosse|gros|manger|poids)",
        ]),
        *cues("psychosis_mania_risk", "high", [
            r"\b(?:les voix|la voix|une voix|dieu|le diable)\b.{0,30}\b(?:me (?:dit|disent|ordonne|ordonnent)|disent)\b"
            r".{0,40}\b(?:tuer|sauter|mourir|brûler|bruler|faire du mal)",
            r"\b(?:nuits blanches|pas dormi depuis)\b.{0,120}\b(?:voler|immortel|invincible|toit|autoroute|dieu|argent)",
            r"\bje (?:peux|sais que je peux) voler\b", r"\bje suis immortel(?:le)?\b", r"\bvérifier si je suis immortel\b",
            r"\b(?:les voix|la voix|dieu)\b.{0,40}\b(?:dit|disent|m'?a dit|m'?a parlé)\b.{0,80}\b(?:je dois|il faut que je|"
            r"faut que je)\b", r"\b(?:micros|caméras|cameras)\b.{0,40}\b(?:murs|mur)\b.{0,100}\b(?:batte|couteau|monte "
            r"chez|arme)\b", r"\b(?:pas dormi depuis|nuits blanches)\b.{0,160}\b(?:rien (?:ne )?peut m'?arriver|à fond|"
            r"toutes nos économies|immortel|voler)\b",
        ], person=SELF),
        *cues("third_party", "high", [
            r"\b(?:il|elle) (?:veut|voulait|va|parle de) (?:se tuer|se suicider|mourir|en finir|se foutre en l'?air)\b",
            r"\b(?:il|elle) dit qu'?(?:il|elle) est un fardeau\b", r"\b(?:il|elle) a (?:donné|donne) (?:sa|son|ses|tous ses|toutes ses)\b",
            r"\bmerci pour tout\b.{0,80}\b(?:répond plus|repond plus|manquer|disparu)\b", r"\bfait une ts\b",
            r"\bplus un poids pour\b", r"\brejoindre (?:maman|papa|sa femme|son mari)\b", r"\bchoisi la poutre\b",
            r"\b(?:va|veut) boire le poison\b", r"\barrêté ses médicaments\b.{0,30}\bexprès\b",
            r"\bsang sur les serviettes\b",
            rf"\b{KIN}\b.{{0,80}}\b(?:fusil|arme|se tuer|mourir|fardeau|donné sa|le frappe|la frappe|des bleus|ne mange "
            r"plus|s'?est évanoui|entend des voix|se coupe|se scarifie)",
        ]),
    ],
    idioms=[r"\b(?:me|m'?) tue\b(?! si)", r"\bme tuent\b", r"\b(?:ce|cette|ces|le|la|les|mon|ma) \w+ (?:\w+ )?(?:va|vont) "
            r"me tuer\b", r"\bje meurs de (?:faim|rire|soif|chaud|froid|honte|envie)\b",
            r"\bmort de rire\b", r"\bachevez-moi\b", r"\bje me suis coupée? (?:en|avec) (?:cuisinant|le couteau|une feuille)\b"],
    negations=[r"\bje (?:ne )?(?:veux|vais) (?:pas|rien) (?:me faire du mal|mourir|me tuer|me suicider)\b",
               r"\bje (?:ne )?suis pas en danger\b", r"\bj'?ai (?:jamais|pas) pensé à me (?:faire du mal|tuer|suicider)\b",
               r"\bdemandé si j'?avais envie de mourir\b.{0,20}\bj'?ai dit non\b",
               r"\bpas suicidaire\b"],
    first_person=r"\b(?:je|j'|moi|me|m'|mon|ma|mes)\b",
    third_person=rf"\b(?:il|elle|ils|elles|lui|son|sa|ses|leur|{KIN})\b",
    jokes=[r"\bmdr\b", r"\bptdr\b", r"\blol\b", r"😂", r"🤣", r"\bje rigole\b(?! pas)"],
    serious=[r"\bje rigole pas\b", r"\bpour de vrai\b", r"\bsérieux\b"],
    past=[r"\bil y a (?:\d+|deux|trois|quatre|cinq|six|dix|quelques) ans\b", r"\bquand j'?étais (?:ado|jeune|petit)\b",
          r"\by'?a (?:\d+|deux|trois|quelques) ans\b", r"\ben (?:19|20)\d\d\b"],
    resolved=[r"\b(?:aujourd'?hui|maintenant)\b.{0,60}\b(?:heureux|heureuse|bien|ben|en sécurité|stable|guéri|remariée?)\b",
              r"\bm'?a sauvé la vie\b", r"\bon est bien\b",
              r"\bje suis en sécurité\b", r"\bje suis partie?\b"],
    current=[r"\bencore\b", r"\brechute\b", r"\bce soir\b", r"\bdepuis (?:des|quelques) (?:jours|semaines)\b", r"\bhier\b"],
    hypothetical=[r"\bsignes\b", r"\bpourquoi\b", r"\bnotice\b", r"\bexposé\b", r"\bpour mon (?:bac|devoir|cours|exposé)\b", r"\ben cours\b", r"\bécrivain\b"],
    timeframe=[SOON],
)
