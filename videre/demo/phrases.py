"""The demo world's phrase banks (Swedish and English).

Each entry is a sentence pattern: `{a|b|c}` is a choice made once per writer, `[slot]` is filled
per ad (name, age, city, nat, phone). Independents draw one pattern per slot and fix its choices,
so two women rarely write alike; an organised group fixes one pattern set for all its women.
"""

from __future__ import annotations

# Independent sellers, first person, by slot (opening, self, likes, place, time, contact, close).
INDEPENDENT_SV: tuple[tuple[str, ...], ...] = (
    (
        "{Hej|Hejsan|Hallå|Hej hej} {där|alla|du}! Jag heter [name].",
        "[name] {här|heter jag}, {glad att du hittade hit|kul att du tittar in|välkommen in}.",
        "{Mitt namn är|Jag kallas} [name] och jag {bor|finns} i [city].",
        "{God kväll|Godmorgon|Hej} från [city], {det är|här är} [name].",
        "{Äntligen|Nu} är jag {tillbaka|här igen|på plats}, {din|er} [name].",
        "{Trevligt|Roligt} att du {läser|kikar på} min annons, jag är [name].",
    ),
    (
        "Jag är en {glad|lugn|sportig|nyfiken|varm|sprudlande} {tjej|kvinna} på [age] år med {långt|kort|lockigt} {brunt|blont|mörkt|rött} hår.",
        "{Naturlig|Kurvig|Smal|Vältränad|Mjuk} {och|men} {busig|lugn|social|eftertänksam}, [age] år {ung|gammal|fyllda}.",
        "Jag {tränar|dansar|springer|simmar} {mycket|ofta|varje vecka} och {älskar|tycker om} {att skratta|god mat|musik|att resa}.",
        "{Svensk|Halvsvensk|Norrländsk|Skånsk} {tjej|kvinna} med {gröna|blå|bruna} ögon och {ett stort leende|glimten i ögat|mjuk röst}.",
        "[age] år, {student|undersköterska|frisör|konstnär} på dagarna och {lite|gärna} {äventyrlig|romantisk|lekfull} på kvällarna.",
        "{Folk säger|Mina vänner säger|Jag har hört} att jag är {lätt att prata med|en bra lyssnare|väldigt charmig}.",
    ),
    (
        "Jag {gillar|uppskattar|njuter av} {långa kvällar|lugna stunder|god konversation|ett glas vin} med {trevliga|respektfulla|hygieniska} {män|herrar|personer}.",
        "{Massage|Sällskap|Middag|Promenad} {först|gärna} och sedan {ser vi vad som händer|tar vi det därifrån}.",
        "{Kemi|Respekt|Trygghet} är {viktigt|det viktigaste} för mig, {så|därför} {tar jag det lugnt|vill jag lära känna dig lite}.",
        "Jag {erbjuder|ger} {GFE|en mysig stund|avslappning|närhet} och {mycket|gott om} {tid|värme|skratt}.",
        "{Ingen stress|Ingen brådska|Aldrig stress} hos mig, {vi har|du får} {all tid vi behöver|tid att landa}.",
        "{Kyssar|Närhet|Mys} {står högt|är högt} på min lista, {men|och} {allt|mycket} sker på mina villkor.",
    ),
    (
        "{Tar emot|Träffas} {i egen lägenhet|hemma hos mig|i lugn miljö} {nära|i} [city].",
        "{Kommer gärna|Besöker dig gärna|Kan komma} till {ditt hotell|dig|hotell} i [city] {och omnejd|med omgivning}.",
        "{Endast|Bara} {incall|outcall|hotellbesök} {i|runt} [city], {parkering finns|nära spårvagn|nära centralen}.",
        "{Egen|Privat} {lägenhet|ingång} med {dusch|handdukar|parkering}, {diskret läge|lugnt område} i [city].",
    ),
    (
        "{Finns|Är ledig|Träffas} {de flesta kvällar|på vardagar|mest helger|efter kl 18|dagtid}.",
        "{Boka|Hör av dig} {gärna|helst} {en dag innan|i god tid|samma dag}.",
        "{Tider|Schemat} {varierar|ändras} {varje vecka|ibland}, {skriv|fråga} {bara|gärna}.",
        "{Inga anonyma samtal|Inget dolt nummer|Inga dolda nummer}, {tack|då svarar jag inte}.",
    ),
    (
        "{Sms:a|Ring|Skicka ett sms till} mig på [phone].",
        "{Nås|Hörs} {enklast|bäst} {på|via} [phone], {helst sms|sms eller samtal}.",
        "Tel: [phone] ({sms|samtal} {först|gärna}).",
        "[phone]{, skriv|, ring| - sms} {vem du är|när du vill ses|ditt namn}.",
    ),
    (
        "{Kram|Puss|Ses snart|Välkommen}, [name].",
        "{Längtar|Ser fram emot} {att träffa dig|vår stund}! /[name]",
        "{Vänliga hälsningar|Många kramar|Allt gott}, din [name]",
        "{Hoppas|Tror} vi {ses|hörs} {snart|i veckan}!",
    ),
)

INDEPENDENT_EN: tuple[tuple[str, ...], ...] = (
    (
        "{Hi|Hello|Hey} {there|everyone|you}! My name is [name].",
        "[name] {here|speaking}, {so glad you found me|thanks for stopping by|welcome}.",
        "{I am|They call me} [name] and I {live|stay} in [city].",
        "{Good evening|Hey} from [city], {this is|it's} [name].",
    ),
    (
        "I am a {happy|calm|sporty|curious|warm|bubbly} {girl|woman} of [age] with {long|short|curly} {brown|blonde|dark|red} hair.",
        "{Natural|Curvy|Slim|Fit|Soft} {and|but} {playful|relaxed|social|thoughtful}, [age] years {young|old}.",
        "I {work out|dance|run|swim} {a lot|often|every week} and {love|enjoy} {laughing|good food|music|travelling}.",
        "{Swedish|Half Swedish|Nordic} {girl|lady} with {green|blue|brown} eyes and {a big smile|a cheeky look|a soft voice}.",
    ),
    (
        "I {like|enjoy|appreciate} {long evenings|quiet moments|good conversation|a glass of wine} with {nice|respectful|clean} {men|gentlemen}.",
        "{Massage|Company|Dinner|A walk} {first|maybe} and then {we will see|we take it from there}.",
        "{Chemistry|Respect|Feeling safe} is {important|everything} to me, {so|which is why} I {take it slow|like to get to know you}.",
        "{No rush|Never stressed|No hurry} with me, {we have|you get} {all the time we need|time to relax}.",
    ),
    (
        "{Incall|Meeting} {in my own flat|at my place|in a calm place} {near|in} [city].",
        "{Happy to visit|I can come to} {your hotel|you} in [city] {and around|and nearby}.",
        "{Only|Just} {incall|outcall|hotel visits} {in|around} [city], {parking available|close to the tram|near the station}.",
    ),
    (
        "{Available|Free} {most evenings|on weekdays|mostly weekends|after 6 pm|daytime}.",
        "{Book|Contact me} {preferably|please} {a day ahead|in good time|the same day}.",
        "{No|Never} {hidden numbers|anonymous calls}, {thanks|I won't answer}.",
    ),
    (
        "{Text|Call|SMS} me {at|on} [phone].",
        "{Easiest|Best} {reached|contacted} {at|via} [phone] {by text|or text}.",
        "Phone: [phone] ({text|call} {first|please}).",
    ),
    (
        "{Hugs|Kisses|See you soon|Welcome}, [name].",
        "{Looking forward|Can't wait} {to meeting you|to our time}! /[name]",
        "{Warm regards|Lots of love|Take care}, your [name]",
    ),
)

TITLES_SV = (
    "{Söt|Glad|Mysig|Sportig|Naturlig|Härlig} {tjej|kvinna|brunett|blondin} i [city]",
    "[name] [age] - [city]",
    "{Trevlig|Lugn|Diskret|Mysig} {träff|stund|kväll} med [name]",
    "[name] {väntar på dig|finns i} [city]",
    "{Avslappnande|Sensuell|Varm} massage av [name]",
    "{Ny annons|Tillbaka|Äntligen helg}: [name] i [city]",
)
TITLES_EN = (
    "{Sweet|Happy|Cosy|Sporty|Natural} {girl|woman|brunette|blonde} in [city]",
    "[name] [age] - [city]",
    "{Nice|Calm|Discreet} {date|moment|evening} with [name]",
    "{Relaxing|Sensual|Warm} massage by [name]",
)

# A touring woman on her own: first person, dates and cities change.
TOUR_LINES_SV = (
    "{Besöker|Kommer till|Är i} [city] {några dagar|denna vecka|bara till söndag}!",
    "{Turné|Rundresa} i Västsverige, nu i [city].",
)
TOUR_LINES_EN = ("{Visiting|Coming to|In} [city] {for a few days|this week|until Sunday}!",)

# Stock sentences copied by many independent women (a hub, not evidence of one hand).
STOCK_PHRASES = (
    "Diskret och trevlig, hör av dig!",
    "Discreet and friendly, just send me a message!",
)

# Heavy reposters tweak the same ad a little each time.
REPOST_TWEAKS = (
    "", "", " UPPDATERAD!", " Ny vecka, nya tider.", " Senaste minuten!", " ♥", " ***", " Ledig nu!",
)

# Organised groups: third person, one pattern set per group, slots filled per woman.
ORGANISED_SV: tuple[tuple[str, ...], ...] = (
    (
        "{NYA TJEJER|Nya tjejer|Ny tjej|Nyanländ} i [city]{!|!!|!!!}",
        "{Bara|Endast} {några dagar|denna vecka|kort tid} i [city]{!|!!}",
        "{Helt ny|Färsk|Ung} {tjej|flicka} {på plats|har kommit} i [city]!",
    ),
    (
        "[name] är [age] år och kommer från [country].",
        "{Söta|Vackra|Unga} [name], [age], {från|född i} [country].",
        "Hon heter [name], [age] år, [nat] {skönhet|tjej}.",
    ),
    (
        "Hon är {söt|ung|vacker|snygg} och {väntar på dig|längtar efter dig|gör allt för dig}.",
        "Hon {gillar|älskar} {att ha kul|nya vänner|att göra dig nöjd} och {är alltid glad|ler alltid}.",
        "{Mycket|Väldigt} {söt|ung|smal} {tjej|flicka} som {tar hand om dig|ger dig allt}.",
    ),
    (
        "{Incall och outcall|Hotell och hem|Hotell/hem}, {dygnet runt|24/7|dag och natt}.",
        "{Alla tjänster|Allt ingår|Full service}, {billigt|bra pris|låga priser}.",
        "{Ingen|Utan} {väntetid|stress}, hon {tar emot|finns} {dygnet runt|alla dagar}.",
    ),
    (
        "{Ring|Sms|Ring eller sms} [phone]",
        "{Boka|Bokning} {på|:} [phone]",
        "Tel [phone] {snabbt svar|svarar alltid}",
    ),
)

ORGANISED_EN: tuple[tuple[str, ...], ...] = (
    (
        "{NEW GIRLS|New girl|Just arrived} in [city]{!|!!|!!!}",
        "{Only|Just} {a few days|this week} in [city]{!|!!}",
    ),
    (
        "[name] is [age] {years old|y.o.} and {comes from|is from} [country].",
        "{Sweet|Beautiful|Young} [name], [age], [nat] {girl|beauty}.",
    ),
    (
        "She is {sweet|young|beautiful} and {waiting for you|wants to meet you}.",
        "She {loves|likes} {to have fun|new friends|to please you}, {always smiling|always happy}.",
    ),
    (
        "{Incall and outcall|Hotel and home}, {24/7|day and night}.",
        "{All services|Full service}, {cheap|good price|low prices}.",
    ),
    (
        "{Call|SMS|Call or SMS} [phone]",
        "{Book|Booking} {at|:} [phone]",
    ),
)

ORGANISED_TITLES = (
    "{NY|Ny|NYA} {TJEJ|tjej|flicka} i [city] - [name] [age]",
    "[name] [age] {new in|ny i} [city]",
    "{Young|Sweet|Ung|Söt} [nat] [name] {i|in} [city]",
    "[name] ({new|ny}) [city]",
)

# Agencies: one booking number, a roster, the same footer on every ad.
AGENCY_NAMES = (
    "{Elite|Diamond|Nordic|Golden|Ruby|Silk|VIP|Royal|Velvet|Pearl} "
    "{Companions|Escort|Dates|Agency|Models|Service} {Väst|Göteborg|Sweden|Scandinavia|West}"
)
AGENCY_LINES = (
    "{Elegant|Stilren|Charmig} [name] ([age]) {är ny hos oss|finns nu hos oss|är en favorit}.",
    "[name] {talar|pratar} {svenska och engelska|engelska} och {älskar middagar|reser gärna}.",
    "Vår [name] {möter dig|träffar dig} {på hotell|i [city]|för middag}.",
)
AGENCY_FOOTERS = (
    "{Boka|Bokning} via [agency] - diskret service {dygnet runt|alla dagar}. Tel [phone]",
    "[agency] {- din trygga byrå|- sedan 2015}. Alla bokningar: [phone]",
)

# Nationalities, with the phone country a group would plausibly use.
NATIONALITIES: tuple[tuple[str, str, str, str, str], ...] = (
    # Swedish adjective, Swedish country, English adjective, English country, phone country.
    ("rumänsk", "Rumänien", "Romanian", "Romania", "RO"),
    ("bulgarisk", "Bulgarien", "Bulgarian", "Bulgaria", "BG"),
    ("polsk", "Polen", "Polish", "Poland", "PL"),
    ("ungersk", "Ungern", "Hungarian", "Hungary", "HU"),
    ("ukrainsk", "Ukraina", "Ukrainian", "Ukraine", "UA"),
    ("nigeriansk", "Nigeria", "Nigerian", "Nigeria", "NG"),
    ("thailändsk", "Thailand", "Thai", "Thailand", "TH"),
    ("lettisk", "Lettland", "Latvian", "Latvia", "SE"),
    ("brasiliansk", "Brasilien", "Brazilian", "Brazil", "SE"),
)

NAMES_SWEDISH = (
    "Emma", "Sara", "Linnea", "Johanna", "Sofia", "Elin", "Ida", "Malin", "Hanna", "Frida",
    "Moa", "Lovisa", "Matilda", "Amanda", "Jenny", "Therese", "Camilla", "Petra", "Lina", "Josefin",
    "Maja", "Klara", "Wilma", "Ebba", "Tove", "Nathalie", "Madde", "Stina", "Agnes", "Alva",
)
NAMES_INTERNATIONAL = (
    "Alina", "Bianca", "Daria", "Ioana", "Nicole", "Mia", "Lily", "Vanessa", "Kristina", "Natalia",
    "Eva", "Anastasia", "Viktoria", "Gabriela", "Julia", "Sonia", "Roxana", "Larisa", "Mirela",
    "Joy", "Blessing", "Precious", "Nok", "Ploy", "Aom", "Dora", "Zsofia", "Kasia", "Ola", "Oksana",
)

# A few ads carry markup that must appear as literal text wherever they are shown (one per site).
HOSTILE: tuple[tuple[tuple[str, str], ...], ...] = (
    (("title", "<script>alert(1)</script> Ny i stan"),
     ("body", "Hej!\"><iframe src=javascript:alert(1)></iframe> Ring mig.")),
    (("name", "<img src=x onerror=alert(1)>"),),
    (("location", "Borås</span><script>document.title='pwned'</script>"),),
)
