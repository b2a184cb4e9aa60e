"""Portuguese risk rules (Brazil and Portugal; normalized text)."""
from psyllm.safety.lexicon import SELF, Lexicon, cues

PILLS = (r"(?:remédios|remedios|comprimidos|pílulas|pilulas|medicamentos|calmantes|soníferos|soniferos|"
         r"antidepressivos|rivotril|clonazepam|paracetamol|💊)")
KIN = (r"(?:amig[oa]|melhor amig[oa]|irmão|irmao|irmã|irma|filh[oa]|pai|mãe|mae|padrasto|madrasta|namorad[oa]|"
       r"marido|esposa|mulher|companheir[oa]|colega(?: de quarto)?|prim[oa]|ti[oa]|av[óô]|vizinh[oa]|alun[oa]|"
       r"chefe|ex)")
SOON = (r"\b(?:hoje|hoje à noite|hoje a noite|amanhã|amanha|agora|já já|ja ja|esse fim de semana|este fim de semana|"
        r"essa semana|(?:na |nesta |nessa )?(?:segunda|terça|quarta|quinta|sexta|sábado|sabado|domingo)|daqui a "
        r"(?:uma|\d+) horas?|logo|depois de (?:sexta|amanhã))\b")

LEXICON = Lexicon(
    language="pt",
    cues=[
        *cues("attempt_in_progress", "imminent", [
            rf"\b(?:tomei|engoli|acabei de tomar|tomei tod[oa]s|engoli tod[oa]s) (?:(?:um|uma|o|a) (?:vidro|caixa|"
            rf"cartela|frasco|monte|punhado)(?: inteir[oa])? de |tod[oa]s (?:os |as |meus |minhas )?|muitos |\d+ )?"
            rf"(?:os |as |meus |minhas )?{PILLS}", r"\b(?:já )?cortei os pulsos\b", r"\bcortei (?:os|o) pulsos?\b",
            r"\b(?:tô|to|estou) (?:em cima d[aoe]|na beira d[aoe]|no parapeito d[aoe]|sentad[oa] n[ao]) (?:ponte|"
            r"prédio|predio|telhado|viaduto|janela)\b", r"\boverdose\b",
        ], person=SELF),
        *cues("suicidal_ideation_active", "high", [
            r"\b(?:quero|queria|vou|penso em|pensando em|pensado em|tô pensando em|to pensando em|vontade de|pensei em|"
            r"ando a pensar em|a pensar em) (?:\w+ )?(?:me matar|morrer|suicid(?:ar|io|ío)|tirar (?:a )?minha (?:própria |"
            r"propria )?vida|acabar com (?:a )?minha vida|acabar com tudo|sumir pra sempre|p[ôo]r fim [àa] (?:minha )?vida)\b",
            r"(?<!vai )(?<!vão )(?<!vao )\b(?:me matar|tirar minha (?:própria |propria )?vida|me suicidar|matar-me)\b",
            r"\bp[ôo]r fim [àa] (?:minha )?vida\b", r"\bfazer (?:besteira|merda|uma loucura)\b(?=.{0,60}\b(?:decidi|hj|hoje|"
            r"antes|sério|serio)\b)",
            r"\b(?:pensamentos|ideias) (?:suicidas|de (?:me matar|morrer))\b(?=.{0,20}\b(?:tenho|tô|to|ando))",
            r"\bsu[ií]c[ií]dio\b(?=.{0,30}\b(?:dnv|de novo|again|pensando|penso|quero))|\bpensando em su[ií]c[ií]dio\b",
            r"\bnão quero mais viver\b", r"\bnao quero mais viver\b", r"\bvontade de morrer\b",
        ]),
        *cues("suicidal_ideation_passive", "moderate", [
            r"\b(?:queria|quero) (?:só |so )?sumir\b", r"\bparar de existir\b", r"\bdormir e não acordar\b",
            r"\b(?:se|quando) um (?:caminhão|caminhao|carro|ônibus|onibus) me (?:pegar|atropelar)\b",
            r"\b(?:pegar|ter) uma doença e morrer\b", r"\bsou um (?:peso|fardo)\b", r"\bestariam melhor sem mim\b",
            r"\bnão (?:vejo|tem) (?:sentido|motivo) (?:em|para|pra) (?:viver|continuar)\b", r"\bcansad[oa] de viver\b",
            r"\bpelo menos acab(?:ou|ava)\b", r"\bse deus me (?:levasse|levar|leve)\b",
            r"\bse eu sumisse\b", r"\bningu[ée]m (?:ia|iria|vai) sentir (?:a minha )?falta\b",
            r"\b(?:desejo|queria|quero) que me (?:aconte[çc]a|acontecesse) (?:um acidente|alguma coisa|algo)\b",
            r"\bcansad[oa] de (?:lutar|tudo isso|existir)\b",
        ]),
        *cues("plan_means_timeline", "high", [
            rf"\b(?:guardei|juntei|escondi|guardando|juntando|escondendo|juntar|guardar|esconder|contei)\b.{{0,30}}{PILLS}",
            r"\bj[áa] sei (?:qual [ée] o (?:s[íi]tio|lugar|dia)|onde|quando)\b", r"\bdeixei tudo (?:organizado|arrumado|"
            r"pronto|resolvido|em ordem)\b", r"\bcarta (?:pra|para) (?:a )?(?:minha|meu|o meu)\b",
            r"\b(?:s[áa]bado|domingo|amanh[ãa]|hoje|sexta|segunda) acaba\b", r"\b(?:[ée] uma|de) despedida\b",
            r"\bvai ser (?:amanh[ãa]|hoje|s[áa]bado|domingo|sexta)\b", r"\bsenha do banco\b",
            r"\b(?:comprei|consegui|arranjei) (?:uma |um |a |o )?(?:corda|arma|revólver|revolver|veneno|chumbinho)\b",
            r"\b(?:despedi-me|me despedi|despedi)\b", r"\bpaguei as dívidas (?:todas)?\b", r"\bjá doei (?:minhas|meus)\b",
            r"\bdoei (?:minhas|meus|todas|tudo)\b", r"\bdeixei (?:o|a|os|as) (?:\w+) com\b(?=.{0,60}\b(?:doei|precisar|sexta))",
            r"\b(?:não|nao) vou (?:precisar|estar aqui) (?:mais|depois)\b", r"\bdepois de \w+ (?:não|nao) vou precisar\b",
            r"\b(?:amanhã|amanha|hoje) à noite é quando vou\b", r"\bcarta de despedida\b",
        ]),
        *cues("self_harm", "high", [
            r"\b(?:me cortar|me corto|me cortei|me cortava|me machucar|me machuco|me queimar|me queimo|me arranhar|"
            r"me bater|me bato|me mutilar|automutila\w*)\b", r"\bsoco a parede\b", r"\b(?:vontade|tentad[oa]) de me (?:cortar|machucar)\b",
            r"\b(?:magoar-me|me magoar|magoei-me|me magoei|cortar-me|cortei-me)\b",
            r"\b(?:reca[íi]|reca[íi]da|voltei (?:pra|para|à|a) l[âa]mina)\b(?=.{0,60}\b(?:l[âa]mina|limp[oa]|cort|gilete)\b)",
            r"\b(?:gilete|lâmina|lamina)\b(?=.{0,60}\b(?:cort|tranc|peguei))",
        ], person=SELF),
        *cues("harm_to_others", "high", [
            r"\b(?:imaginando|imagino|penso em|pensando em|quero|vou) (?:matar|machucar|esfaquear|atirar em)\b",
            r"\b(?:consegui|arranjei|tenho) (?:um|uma) (?:revólver|revolver|arma|faca)\b.{0,60}\b(?:resolver|matar|essa semana)",
            r"\bna porta da casa d[ae] \w+ (?:duas|\d+) vezes com uma faca\b", r"\bcom uma faca\b",
            r"\bfaz[êe]-l[oa] pagar\b", r"\bfazer (?:ele|ela|eles) pagar\b", r"\bsei onde (?:ela|ele) (?:vai estar|mora|trabalha)\b",
            r"\besperar (?:ele|ela) na sa[íi]da\b",
        ], person=SELF),
        *cues("abuse_violence", "high", [
            r"\b(?:me bate|me batia|me espanca|me agride|me agrediu|me estuprou|me enforcou|me tranca|me ameaça|"
            r"me ameaçou|me segue|mexe em mim|mexeu em mim|me toca)\b", r"\b(?:vai me matar|disse que (?:hoje )?vai me matar)\b",
            r"\bperfil fake pra me ameaçar\b", r"\bt[ôo] de olho\b", r"\bviolência doméstica\b",
            r"\baparece no meu (?:trabalho|servi[çc]o|pr[ée]dio|emprego)\b", r"\bfoto da minha (?:porta|casa|janela)\b",
        ], person=SELF),
        *cues("eating_disorder_medical", "high", [
            r"\b(?:faz|há) (?:uma|\d+|duas|três) semanas?\b.{0,40}\b(?:só como|como uma|sem comer)\b",
            r"\b(?:só|so) como (?:uma|um|1) (?:bolacha|maçã|maca|fruta)\b", r"\b(?:vomito|laxantes)\b.{0,60}\b(?:refeições|"
            r"coração|dispara|sangra)", r"\bdesmaiei\b.{0,80}\b(?:meta|peso|comer|como)\b", r"\b(?:meta|peso|comer|como)\b"
            r".{0,80}\bdesmaiei\b", r"\bnão come faz\b",
            r"\blaxantes?\b.{0,60}\b(?:todo dia|todos os dias|desmai|c[óo]lica)", r"\bpot[áa]ssio baixo\b",
            r"\b(?:v[óô]mitos|vomitar)\b.{0,80}\b(?:cora[çc][ãa]o|pot[áa]ssio|sangr|desmai)",
        ]),
        *cues("psychosis_mania_risk", "high", [
            r"\b(?:deus|a voz|as vozes)\b.{0,30}\b(?:disse|diz|dizem|mandou|manda)\b.{0,60}\b(?:purificar|matar|fogo|"
            r"pular|morrer)", r"\b(?:não|nao) durmo há\b.{0,120}\b(?:deus|imortal|apostar|200|sem capacete)",
            r"\b(?:sou|me sentindo um) (?:deus|imortal)\b", r"\bprovar q(?:ue)? sou imortal\b", r"\bdeixei a medicação\b",
            r"\b(?:as vozes|a voz|deus)\b.{0,30}\b(?:mand(?:ando|am|a|ou)|diz(?:em)?|diss(?:e|eram)|t[ãa]o mandando)\b"
            r".{0,40}\b(?:me jogar|pular|matar|morrer|fogo|purificar|tratar|machucar)",
            r"\b(?:envenenar|envenenando|c[âa]m(?:a|e)ras nas paredes|me seguindo|me vigiando)\b.{0,80}\b(?:tratar del[ea]s|"
            r"antes que|vou)\b",
        ], person=SELF),
        *cues("third_party", "high", [
            r"\b(?:ele|ela) (?:quer|disse que quer|fala em) (?:se matar|morrer)\b", r"\b(?:ela|ele) já tentou antes\b",
            r"\bobrigad[oa] por tudo\b.{0,60}\b(?:desligou|sumiu|tentou|n[ãa]o atende|cuida d)",
            r"\b(?:distribuindo|dando|doando) (?:as coisas|os pertences|tudo) (?:dela|dele)\b",
            r"\bescondeu (?:a|uma) (?:espingarda|arma|pistola|corda)\b", r"\b(?:encontrei|achei) l[âa]minas\b",
            r"\bj[áa] deu o que tinha a dar\b",
            rf"\b{KIN}\b.{{0,80}}\b(?:sangue no lençol|moletom no calor|não come|desmaiou|se cortando|se corta|quer morrer|"
            r"se matar|arma)",
        ]),
    ],
    idioms=[r"\bmorrendo de (?:saudade|fome|rir|medo|sono|vergonha|calor|frio)\b", r"\bme (?:cortei|corto) (?:abrindo|com|"
            r"cortando|picando|na)\b", r"\b(?:vai|vão) dar cabo de mim\b", r"\bmorro em cima\b", r"\bpode me enterrar\b",
            r"\bme mata de rir\b", r"\btá me matando\b", r"\bestá a matar-me\b", r"\bmatar a saudade\b",
            r"\b(?:essa|esse|este|esta|isso|a|o)\b (?:\w+ ){0,3}vai me matar\b", r"\bvou matar (?:meu|minha|o meu|a minha) "
            r"\w+,? (?:ele|ela) (?:comeu|pegou|usou|quebrou|roubou)"],
    negations=[r"\bn(?:ão|ao) (?:tô|to|estou) querendo morrer\b", r"\bnão (?:me )?vou (?:me )?magoar\b",
               r"\bn[ãa]o (?:t[ôo]|estou) com vontade de morrer\b",
               r"\bnão quero (?:morrer|me matar)\b"],
    first_person=r"\b(?:eu|me|mim|meu|minha|meus|minhas|tô|to|estou)\b",
    third_person=rf"\b(?:ele|ela|eles|elas|dele|dela|seu|sua|{KIN})\b",
    jokes=[r"\bkkk+\b", r"\bhaha+\b", r"\brs(?:rs)+\b", r"😂", r"🤣", r"🪦"],
    serious=[r"\bde verdade\b", r"\bsério\b", r"\bserio\b"],
    past=[r"\bhá (?:\d+|dois|três|tres|quatro|cinco|dez) anos\b", r"\bno ensino m[ée]dio\b", r"\bna adolesc[êe]ncia\b",
          r"\bquando (?:era|eu era) (?:mais nova|mais novo|adolescente|criança)\b"],
    resolved=[r"\b(?:hoje|agora)\b.{0,60}\b(?:bem|feliz|estável|estavel|faculdade|curad[oa]|[óo]tim[oa]|formou)\b",
              r"\bdeu certo\b", r"\bt[áa] [óo]tim[oa]\b"],
    current=[r"\bde novo\b", r"\bdnv\b", r"\bhoje à noite\b", r"\bagora\b"],
    hypothetical=[r"\bpor que\b", r"\bpra prova\b", r"\bliteratura\b"],
    timeframe=[SOON],
)
