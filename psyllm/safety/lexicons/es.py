"""Spanish risk rules (Spain and Latin America; normalized text). Person is read from the verb and the clitic:
"me quiero matar" is the writer's, "se quiere matar" someone else's."""
from psyllm.safety.lexicon import OTHER, SELF, Lexicon, cues

PILLS = (r"(?:pastillas|pastis|pildoras|píldoras|tabletas|comprimidos|medicamentos|medicinas|remedios|"
         r"antidepresivos|somníferos|somniferos|calmantes|ansiolíticos|ansioliticos|paracetamol|ibuprofeno|"
         r"clonazepam|rivotril|alprazolam|diazepam|💊)")
KIN = (r"(?:amig[oa]|mejor amig[oa]|herman[oa]|hij[oa]|papá|papa|mamá|mama|padre|madre|padrastro|madrastra|"
       r"novi[oa]|espos[oa]|marido|mujer|pareja|compañer[oa]|roomie|prim[oa]|tí[oa]|ti[oa]|abuel[oa]|vecin[oa]|"
       r"alumn[oa]|colega|jefe|ex)")
SOON = (r"\b(?:hoy|esta noche|mañana|manana|ahorita|ahora mismo|ya mismo|este (?:fin de semana|finde|viernes|sábado|"
        r"sabado|domingo|lunes)|el (?:lunes|martes|miércoles|jueves|viernes|sábado|domingo)|en una hora|pronto|"
        r"la próxima semana|después de (?:los|mi|el|las) \w+)\b")

LEXICON = Lexicon(
    language="es",
    cues=[
        *cues("attempt_in_progress", "imminent", [
            rf"\b(?:me tom[ée]|tom[ée]|me tragu[ée]|tragu[ée]|me acabo de tomar|acabo de tomar|acabo de tragarme|me he "
            rf"tomado|me metí|me meti) (?:(?:un|una|el|la) (?:bote|frasco|caja|blíster|blister|tira|montón|monton|"
            rf"puñado|punado|bolsa)(?: entero| entera)? de |tod[oa]s (?:l[oa]s |mis |sus )?|un montón de |muchas |"
            rf"\d+ )?(?:mis |las |sus |l[oa]s de mi \w+ )?{PILLS}",
            rf"\b(?:me tom[ée]|tom[ée]|me tragu[ée]|me he tomado) tod[oa]s?\b(?=.{{0,60}}{PILLS})",
            r"\b(?:me tom[ée]|tom[ée]|me tragu[ée]|me he tomado|me acabo de tomar) (?:tod[oa] )?(?:el|la|un|una) (?:blíster|"
            r"blister|caja|frasco|bote|tira|paquete)(?: entero| entera| completo| completa)?\b",
            r"\b(?:me corté|me corte|me abrí|me abri|me rajé) (?:las |la )?(?:venas|muñecas|munecas|muñeca|garganta)\b",
            r"\b(?:estoy|ando) (?:parad[oa]|sentad[oa]|arriba|en) (?:en )?(?:el |la |un |una )?(?:barandal|baranda|"
            r"puente|azotea|techo|cornisa|borde|vías|vias|balcón|balcon|acantilado)\b",
            r"\b(?:tom[ée]|me tom[ée]|bebí|bebi) (?:cloro|veneno|lejía|lejia|raticida)\b", r"\bsobredosis\b",
        ], person=SELF),
        *cues("suicidal_ideation_active", "high", [
            r"\b(?:me quiero|quiero|quisiera|me voy a|voy a|pienso|estoy pensando en|he pensado en|tengo ganas de|"
            r"ganas de|necesito|deseo) (?:morir(?:me)?|matarme|suicidarme|quitarme la vida|acabar con mi vida|"
            r"desaparecer para siempre|dejar de vivir|no vivir más|no vivir mas)\b",
            r"\bme (?:quiero|voy a) (?:morir|matar|suicidar)\b", r"\bme quiero ir de este mundo\b",
            r"\b(?:tengo|tenido|con|me (?:vienen|dan|llegan)|tener) (?:muchos |muchas )?(?:pensamientos|ideas) (?:suicidas|"
            r"de (?:matarme|suicidio|morir|quitarme la vida))\b", r"\b(?:pensamientos|ideas) de (?:matarme|quitarme la vida)\b",
            r"\b(?:estoy|me siento|ando) (?:muy )?suicida\b", r"\bmatarme\b", r"\bsuicidarme\b",
            r"\bquitarme la vida\b", r"\b(?:acabar|terminar) con (?:mi vida|todo)\b",
            r"\b(?:hacer|cometer) una (?:locura|pendejada|tontería|tonteria|estupidez)\b(?=.{0,80}\b(?:decid|caso|no aguanto|"
            r"no doy más|ya no))", r"\bya no quiero (?:vivir|seguir viviendo|estar aquí|existir)\b",
            r"\bno quiero (?:vivir|seguir viviendo) más\b", r"\bno doy más\b(?=.{0,60}\b(?:morir|matar|vida|vivir)\b)",
        ]),
        *cues("suicidal_ideation_passive", "moderate", [
            r"\bojalá no (?:me )?despert(?:ara|ase|ar)\b", r"\bno (?:quiero )?despertar (?:mañana|más|nunca)\b",
            r"\b(?:dormir|dormirme) y no despertar\b",
            r"\bojalá (?:no hubiera nacido|me muriera|me muera|desapareciera|no existiera|me atropell)",
            r"\b(?:no haber nacido|que no hubiera nacido)\b", r"\b(?:todos|todo el mundo|mi familia|mis hijos|ellos) "
            r"(?:estarían|estarian|estaría|estaria|vivirían|vivirian|descansaría|descansaria|descansarían)\b.{0,20}"
            r"\b(?:mejor|sin mí|sin mi|de mí|de mi)\b", r"\bsin mí (?:estarían|estarian|están) mejor\b",
            r"\bsoy (?:una|un) (?:carga|estorbo)\b", r"\b(?:no le veo|no tiene|sin) sentido (?:a )?(?:la vida|vivir|nada)\b",
            r"\b(?:cansad[oa]|harta?|harto) de (?:vivir|existir|la vida)\b",
            r"\b(?:quiero|quisiera|ganas de) desaparecer\b", r"\bdejar de existir\b",
            r"\b(?:que me pille|me atropelle|me lleve) (?:un|el) (?:camión|camion|carro|coche|tren|auto)\b",
            r"\b(?:pegarme|agarrarme) (?:una|alguna) enfermedad y morir\b",
            r"\bya no (?:puedo|aguanto) más\b(?=.{0,60}\b(?:vivir|vida|morir|existir)\b)",
            r"\bno (?:quiero|tengo ganas de) (?:seguir|vivir)\b", r"\bpara qué (?:vivir|seguir)\b",
            r"\b(?:si|ojalá|ojala) (?:mañana |manana )?no (?:amanezco|amaneciera|despierto|me despierto)\b",
            r"\bojal[áa] me pase algo\b", r"\bme (?:pise|atropelle|lleve) (?:un|el) (?:bondi|auto|carro|coche|camión|"
            r"camion|colectivo|tren|micro)\b", r"\bno quiero ser (?:un|una) (?:estorbo|carga)\b",
        ]),
        *cues("plan_means_timeline", "high", [
            r"\b(?:compré|compre|conseguí|consegui|tengo guardad[oa]s?|guardé|guarde|junté|junte|escondí|escondi) "
            r"(?:una |un |el |la |las |los )?(?:cuerda|soga|pistola|arma|veneno(?: de ratas)?|raticida|carbón|"
            r"carbon)\b",
            rf"\b(?:junt(?:é|e|ando)|guard(?:é|e|ando)|ahorr(?:é|e|ando)|escond(?:í|i|iendo)|acumul(?:é|e|ando)|"
            rf"tengo guardad[oa]s) (?:las |unas |mis |muchas |tod[oa]s (?:l[oa]s |mis )?)?{PILLS}",
            r"\b(?:ya )?(?:dejé|deje|tengo) (?:todo )?(?:arreglado|listo|en orden)\b",
            r"\b(?:carta|cartas|nota) (?:de despedida|para (?:mi|mis|todos))\b", r"\bme (?:despedí|despedi) de\b",
            r"\b(?:regal(?:é|e|ando)|di|doné|done) (?:mis|todas mis|todo lo mío|todas sus|su|sus)\b",
            r"\bya (?:está|esta) decidido\b", r"\b(?:ya )?sé (?:cómo|como|cuándo|cuando) (?:lo voy a hacer|hacerlo)\b",
            r"\bsolo me falta (?:escoger|elegir|decidir) (?:el día|la fecha|cuándo)\b",
            r"\b(?:no (?:voy|vas) a (?:estar|verme)|ya no (?:voy|vas) a verme|ya no me vas a ver|no voy a necesitar)\b",
            r"\b(?:el )?seguro (?:de vida )?a nombre de\b", r"\blas contraseñas en un sobre\b",
            r"\bde despedida\b", r"\blo que voy a hacer (?:el|este|mañana|hoy|esta)\b",
            r"\b(?:pagué|pague|saldé|salde) (?:mis|todas mis) deudas\b", r"\bya sé en qué parte\b",
            r"\b(?:el |este )?(?:lunes|martes|miércoles|miercoles|jueves|viernes|sábado|sabado|domingo|hoy|mañana) es el "
            r"día\b", r"\bdespués del? \w+ (?:de \w+ )?me voy\b",
        ]),
        *cues("self_harm", "high", [
            r"\b(?:me corto|me corté|me corte|me cortaba|cortarme|me quemo|me quemé|quemarme|me rasco|me rasguño|"
            r"me golpeo|golpearme|me pego|me lastimo|lastimarme|me hago daño|hacerme daño|me autolesiono|"
            r"autolesionarme|me muerdo|me araño)\b",
            r"\bautolesi(?:ón|on|ones|onarme)\b", r"\b(?:ganas|necesito|quiero) de? ?(?:cortarme|lastimarme|hacerme daño)\b",
            r"\b(?:recaí|recai|recaída|recaida)\b(?=.{0,60}\b(?:cort|lastim|navaja|cuchilla))",
            r"\b(?:navaja|cuchilla|gillette|hoja de afeitar)\b(?=.{0,60}\b(?:cort|ganas|aquí|aqui))",
        ], person=SELF),
        *cues("harm_to_others", "high", [
            r"\b(?:pensamientos de|ganas de|quiero|voy a|pienso) (?:hacerle daño|lastimar|matar|golpear|apuñalar|"
            r"balacear|quemar|prenderle fuego|ahogar)\b", r"\bhacerle daño a (?:mi|mis|su|el|la)\b",
            r"\b(?:le )?(?:prendo|voy a prender|prenderle) fuego\b", r"\b(?:conseguí|consegui|tengo) (?:un|una) "
            r"(?:revólver|revolver|pistola|arma|cuchillo|navaja)\b.{0,60}\b(?:resolver|matar|darle|pagar|vengar)",
            r"\b(?:le di|le doy|le pegué|le pegue|lo golpeé|la golpeé) (?:una )?(?:cachetada|bofetada|golpe|paliza)\b",
            r"\bmiedo (?:de|a) (?:lastimarl[oa]|hacerle daño|lo que (?:pueda|voy a) hacer)\b",
            r"\b(?:lo|la) solt[ée] (?:un segundo )?a propósito\b",
            r"\b(?:lo|la|los|las) (?:mato|voy a matar|mataré|matare)\b(?=.{0,60}\b(?:juro|sé dónde|se donde|tengo con qué|"
            r"tengo con que|arma|cuchillo|si se)\b)", r"\b(?:esperarlo|esperarla|esperarlos) a la salida\b",
            r"\ble pegu[ée]\b(?=.{0,60}\bmiedo\b)", r"\bme da miedo lo que (?:le )?(?:pueda|vaya a) hacer\b",
        ], person=SELF),
        *cues("abuse_violence", "high", [
            r"\b(?:me pega|me pegó|me golpea|me golpeó|me patea|me pateó|me ahorca|me ahorcó|me estrangula|me viola|"
            r"me violó|me manosea|me encierra|me encerró|me amenaza|me amenazó|me maltrata|me empuja|me arrastra)\b",
            r"\bme (?:toca|tocó|toco|tocaba) (?:cuando|donde|en (?:mis|las|el|la)|abajo|las partes|por debajo|de noche)\b",
            r"\bme quita (?:el|mi|la|los|mis) (?:dinero|celular|teléfono|telefono|pasaporte|sueldo|pensión|pension|"
            r"tarjeta|documentos)\b",
            r"\b(?:me mata|me va a matar|me matará|me mataría)\b(?=.{0,40}\b(?:si|cuando)\b)|\b(?:si|cuando)\b.{0,40}\bme "
            r"(?:mata|va a matar|matará|mataría)\b", r"\bviolencia (?:doméstica|domestica|de género|de genero)\b",
            r"\b(?:no me deja|no me dejan) (?:ver|salir|comer|trabajar|hablar)\b", r"\bsi (?:lo|la) denuncio\b",
            r"\b(?:me acosa|me vigila|me controla (?:el|todo|mi)|me sigue (?:a todas partes|al trabajo|por la calle))\b",
            r"\bentra a mi (?:cuarto|cama|habitación|habitacion|pieza)\b(?=.{0,30}\b(?:noche|cuando|duermo))",
        ], person=SELF),
        *cues("eating_disorder_medical", "high", [
            r"\b(?:llevo|hace) (?:\d+|una|dos|tres|cuatro|cinco|varios|muchos) (?:días|dias|semanas?)\b.{0,40}\b(?:sin "
            r"comer|comiendo (?:solo|sólo|nada|casi nada))", r"\bsin comer (?:hace|desde hace|en) \w+ (?:días|dias|semanas)\b",
            r"\b(?:solo|sólo) (?:como|comí|comi|comiendo) (?:una|un|1) (?:manzana|galleta|yogur|fruta)\b",
            r"\b\d{3} calor[ií]as (?:al|por) d[ií]a\b", r"\bno como (?:casi )?nada\b(?=.{0,100}\b(?:me caí|me cai|mareo|"
            r"desmay|corazón|corazon|pelo|semanas)\b)", r"\bse me cae el pelo\b(?=.{0,60}\b(?:mareo|calor|como|comer))",
            r"\b(?:vomito|vomitar|me provoco el vómito|purgo|laxantes)\b.{0,80}\b(?:veces|diario|todos|después|corazón|"
            r"calambres|desmay)", r"\b(?:me desmayé|me desmaye|me caí|me cai|desmayos|mareos)\b.{0,80}\b(?:peso|comer|"
            r"comí|meta|kilos|gorda|gordo|dieta)", r"\b(?:peso|comer|comida|dieta|kilos)\b.{0,80}\b(?:me desmayé|me "
            r"desmaye|desmayo|me caí|me cai|corazón acelerado|taquicardia|calambres)",
        ]),
        *cues("psychosis_mania_risk", "high", [
            r"\b(?:las voces|la voz|una voz|dios|el diablo)\b.{0,30}\b(?:me (?:dice|dicen|dijo|ordena|ordenan|piden)|"
            r"dicen que)\b.{0,30}\b(?:mat|lastim|salt|quem|muer|hacer daño)",
            r"\b(?:las voces|la voz|dios|el diablo)\b.{0,30}\b(?:me (?:dice|dicen|dijo|habló|hablo|ordena|ordenan))\b.{0,100}"
            r"\b(?:tengo que|debo|hay que)\b.{0,40}\b(?:castigar|sacar|matar|quemar|como sea|demonio)",
            r"\b(?:días|dias|noches) sin dormir\b.{0,120}\b(?:dios|invencible|inmortal|volar|casino|apostar|préstamo|"
            r"prestamo|nada me puede pasar|paracaídas|paracaidas)",
            r"\b(?:me (?:quieren|están|estan) (?:envenenar|envenenando|grabando|siguiendo|vigilando))\b.{0,120}\b"
            r"(?:fuego|matar|cuchillo|arma|pistola|se larguen|defenderme)",
            r"\b(?:soy|me siento) (?:dios|invencible|inmortal)\b", r"\bnada me puede pasar\b",
        ], person=SELF),
        *cues("third_party", "high", [
            r"\b(?:se quiere|quiere|quería|queria|va a|dice que (?:se )?(?:quiere|va a)) (?:morir|matar(?:se)?|"
            r"suicidar(?:se)?|quitarse la vida|lastimarse|cortarse)\b", r"\b(?:se corta|se lastima|se quiere matar|"
            r"intentó suicidarse|intento suicidarse)\b",
            r"\b(?:regaló|regalo|dio|donó) (?:su|sus|todas sus|todo lo suyo)\b", r"\bya no (?:lo|la) voy a (?:ver|volver a ver)\b",
            r"\bdespidi[ée]ndose\b", r"\bya no va a estar\b", r"\b(?:ya )?vivi[óo] (?:suficiente|bastante)\b",
            r"\bno quiere ser (?:un|una) (?:estorbo|carga)\b", r"\bdej[óo] de tomar(?:se)? (?:las|sus) (?:medicinas|pastillas|"
            r"medicamentos)\b(?=.{0,30}\b(?:propósito|proposito|quiere)\b)",
            rf"\b{KIN}\b.{{0,80}}\b(?:regaló|regalo|se despidió|se despidio|ya no lo voy a ver|no come|se desmay|"
            r"arma|pistola|escucha voces|las voces|se corta|suicid|matarse|morir|le pega|la golpea|lo golpea)\b",
        ]),
    ],
    idioms=[r"\bme (?:está|esta|están|estan) matando\b", r"\bme mat[óo] (?:la|el) (?:cuenta|factura|examen|tarea)\b",
            r"\b(?:muero|muriendo|me muero) de (?:hambre|risa|sueño|sueno|ganas|vergüenza|verguenza|calor|frío|frio|"
            r"amor|envidia)\b", r"\bme cort[ée] (?:con|picando|cocinando|el dedo|la mano)\b", r"\bme tiro de un puente\b(?=.{0,30}(?:🙃|no pero|jaja|ok no))",
            r"\bme muero (?:de|por) (?:ver|ir|saber)\b", r"\bmatar el tiempo\b",
            r"\b(?:qué|que) (?:oso|vergüenza|verguenza|pena|roche)\b.{0,20}\bme quiero morir\b",
            r"\bme quiero morir\b(?=.{0,10}(?:🙈|😅|🤣|😂|de (?:vergüenza|verguenza|la pena)))"],
    negations=[r"\bno (?:me )?quiero (?:morir|matarme|suicidarme)\b", r"\bno (?:me voy a|voy a) (?:hacer nada|lastimar|"
               r"matar)\b", r"\bno estoy (?:mal mal|en peligro|pensando en (?:matarme|suicidarme))\b",
               r"\bnunca me (?:haría|haria) daño\b"],
    first_person=r"\b(?:yo|me|mi|mis|conmigo|estoy|soy|tengo|quiero|llevo|voy)\b",
    third_person=rf"\b(?:él|ella|ellos|ellas|su|sus|{KIN})\b",
    jokes=[r"\bjaja+\b", r"\bjeje+\b", r"\bxd\b", r"😂", r"🤣", r"🙃", r"😤", r"🙈", r"\bok no\b", r"\bes broma\b"],
    serious=[r"\bno es (?:broma|joda|chiste)\b", r"\ben serio\b", r"\bposta\b"],
    past=[r"\bhace (?:\d+|uno|dos|tres|cuatro|cinco|diez|varios|muchos) años\b", r"\bde (?:adolescente|joven|niñ[oa])\b",
          r"\bantes (?:me|solía|solia)\b", r"\ben (?:19|20)\d\d\b"],
    resolved=[r"\b(?:ahora|hoy)\b.{0,60}\b(?:estoy bien|feliz|estable|sano|sana|recuperad[oa]|mejor)\b",
              r"\bya no lo hago\b", r"\bque no lo hago\b", r"\b(?:la terapia|el tratamiento) me ayud"],
    current=[r"\botra vez\b", r"\bde nuevo\b", r"\brecaí", r"\búltimamente\b", r"\bultimamente\b", r"\besta semana\b",
             r"\banoche\b", r"\btodavía quiero\b"],
    hypothetical=[r"\bsi (?:él|ella|alguien|un amigo)\b", r"\bseñales\b", r"\bes cierto\b", r"\bprospecto\b", r"\bpara mi tarea\b", r"\blibro\b", r"\bnovela\b",
                  r"\bpelícula\b", r"\bserie\b", r"\bpor qué\b"],
    timeframe=[SOON],
)
