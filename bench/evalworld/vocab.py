"""Words the evaluation world writes with: places, stage names, stock sentences, rate cards.

Written from published descriptions of escort-ad text (not from Videre's demo world): ads are
formulaic, built from a small stock of sentences that unrelated women share with a heavy-tailed
(Zipf-like) popularity; sites offer a default text; organisers write every woman's ad from one
house template with a rate card, in the third person, and copy each other's templates.
The sentence banks are combinatorial so that a large world has hundreds of distinct stock
sentences, a few of them extremely common.
"""

from __future__ import annotations

from itertools import product

# (city, weight, how sites and women write it): weights roughly follow population.
CITIES: tuple[tuple[str, float, tuple[str, ...]], ...] = (
    ("Stockholm", 30, ("Stockholm", "Sthlm", "Stockholm City", "Södermalm, Stockholm", "Kungsholmen Stockholm")),
    ("Göteborg", 18, ("Göteborg", "GBG", "Gbg - Majorna", "Göteborg centrum", "Hisingen, Göteborg")),
    ("Malmö", 12, ("Malmö", "Malmö C", "Malmö - Möllan")),
    ("Uppsala", 6, ("Uppsala",)),
    ("Västerås", 4, ("Västerås",)),
    ("Örebro", 4, ("Örebro",)),
    ("Linköping", 4, ("Linköping",)),
    ("Helsingborg", 4, ("Helsingborg",)),
    ("Jönköping", 4, ("Jönköping",)),
    ("Norrköping", 4, ("Norrköping",)),
    ("Borås", 3, ("Borås",)),
    ("Skövde", 2, ("Skövde",)),
    ("Trollhättan", 2, ("Trollhättan",)),
    ("Uddevalla", 2, ("Uddevalla",)),
    ("Halmstad", 3, ("Halmstad",)),
    ("Karlstad", 3, ("Karlstad",)),
    ("Sundsvall", 2, ("Sundsvall",)),
    ("Umeå", 3, ("Umeå",)),
    ("Luleå", 2, ("Luleå",)),
    ("Gävle", 3, ("Gävle",)),
    ("Kalmar", 2, ("Kalmar",)),
    ("Växjö", 2, ("Växjö",)),
    ("Kristianstad", 1, ("Kristianstad",)),
    ("Lidköping", 1, ("Lidköping",)),
)
CITY_NAMES = tuple(c for c, _, _ in CITIES)
CITY_WEIGHTS = tuple(w for _, w, _ in CITIES)
CITY_SPELLINGS = {c: s for c, _, s in CITIES}
WEST = ("Göteborg", "Borås", "Skövde", "Trollhättan", "Uddevalla", "Halmstad", "Lidköping")

STREETS = ("Storgatan", "Drottninggatan", "Kungsgatan", "Linnégatan", "Vasagatan", "Järntorget",
           "Sveavägen", "Hornsgatan", "Nygatan", "Östra Hamngatan", "Södra vägen", "Bergsgatan",
           "Skolgatan", "Kyrkogatan", "Parkvägen", "Industrigatan", "Fabriksgatan", "Hamngatan")

# Stage names: short, international; unrelated women share them.
NAMES = (
    "Lina", "Sofia", "Bella", "Jessica", "Natalia", "Fernanda", "Juliana", "Amira", "Nikki", "Mia",
    "Emma", "Lola", "Kim", "Anna", "Maria", "Elena", "Daria", "Ioana", "Bianca", "Alina",
    "Andreea", "Denisa", "Mihaela", "Roxana", "Nadia", "Nok", "Ploy", "Fon", "Mai", "Lek", "Joy",
    "Blessing", "Precious", "Ebony", "Grace", "Patricia", "Vanessa", "Carla", "Luana", "Camila",
    "Gabriela", "Isabella", "Valentina", "Victoria", "Kristina", "Katja", "Olga", "Irina",
    "Svetlana", "Agnieszka", "Kasia", "Monika", "Zsofia", "Reka", "Petra", "Ivana", "Milena",
    "Yasmin", "Leila", "Sara", "Hanna", "Julia", "Elin", "Moa", "Tindra", "Alva", "Wilma", "Ebba",
    "Linnea", "Matilda", "Nora", "Stella", "Luna", "Ruby", "Chloe", "Angel", "Candy", "Destiny",
    "Jasmine", "Tiffany", "Sabrina", "Monica", "Rebecca", "Veronica", "Angelica", "Nicole",
    "Diana", "Paula", "Adriana", "Larisa", "Cristina", "Simona", "Raluca", "Teodora", "Desislava",
    "Gergana", "Nikoleta", "Aom", "Bee", "Noon", "Pim", "Sunny", "Cherry", "Honey", "Kitty",
    "Scarlett", "Jade", "Amber", "Crystal", "Sasha", "Tanya", "Vika", "Lera", "Zara", "Aisha",
)

NATIONALITIES = {  # how ads state it (sv, en, country in Swedish) and the country code organisers use
    "ro": ("rumänsk", "Romanian", "Rumänien", "+40"), "bg": ("bulgarisk", "Bulgarian", "Bulgarien", "+359"),
    "hu": ("ungersk", "Hungarian", "Ungern", "+36"), "pl": ("polsk", "Polish", "Polen", "+48"),
    "ng": ("nigeriansk", "Nigerian", "Nigeria", "+234"), "th": ("thailändsk", "Thai", "Thailand", "+66"),
    "br": ("brasiliansk", "Brazilian", "Brasilien", "+46"), "se": ("svensk", "Swedish", "Sverige", "+46"),
    "ru": ("rysk", "Russian", "Ryssland", "+46"), "es": ("spansk", "Spanish", "Spanien", "+46"),
}


def _combine(*parts: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(" ".join(p for p in combo if p).replace(" ,", ",").replace(" .", ".").replace(" !", "!")
                 for combo in product(*parts))


# Stock sentences: combinations of common fragments (a few hundred per language). Popularity is
# Zipf over a shuffled order (world.py), so which ones are common differs between seeds.
STOCK_SV = (
    _combine(("Hej!", "Hej där!", "Hejsan!", "Välkommen!", ""),
             ("Jag är en", "Jag är en riktigt"),
             ("söt", "sexig", "sensuell", "snäll", "glad", "busig", "lekfull"),
             ("tjej", "kvinna", "brunett", "blondin"),
             ("som älskar att ge njutning.", "som vill skämma bort dig.", "med ett varmt leende.",
              "som tar god tid på mig.")),
    _combine(("Jag erbjuder", "Hos mig får du"),
             ("en avslappnande stund", "massage och mysiga stunder", "GFE utan stress", "en trevlig stund"),
             ("i min diskreta lägenhet.", "i lugn och ro.", "med full diskretion.", ".")),
    _combine(("Incall och outcall.", "Endast incall.", "Outcall till hotell.", "In- och outcall dygnet runt."),
             ("Ring eller sms:a.", "Skicka sms för bokning.", "Ring för tid.", "")),
    _combine(("Endast seriösa herrar.", "Inga dolda nummer.", "Hygien är viktigt för mig.",
              "Boka gärna i god tid.", "Ingen stress.", "Diskret parkering finns."),
             ("Puss!", "Kram!", "Vi ses!", "")),
    _combine(("Jag pratar", "Jag talar"), ("engelska", "engelska och lite svenska", "svenska och engelska"),
             (".",)),
    _combine(("Nya bilder!", "Ny i stan!", "Bara några dagar här!", "Tillbaka igen!", ""),
             ("100% riktiga bilder.", "Äkta bilder.", "Bilderna är mina egna.")),
)
STOCK_EN = (
    _combine(("Hi gentlemen!", "Hello!", "Hey guys!", "Welcome!", ""),
             ("I am a", "I'm a very"),
             ("sweet", "sexy", "naughty", "friendly", "elegant", "playful"),
             ("girl", "lady", "brunette", "blonde"),
             ("who loves to please.", "ready to make your dreams come true.", "with a warm smile.",
              "who never rushes.")),
    _combine(("I offer", "With me you get"),
             ("a relaxing time", "massage and more", "real GFE", "an unforgettable experience"),
             ("in my private apartment.", "with full discretion.", "without any rush.", ".")),
    _combine(("Incall and outcall.", "Incall only.", "Outcall to hotels.", "Available 24/7."),
             ("Call or SMS me.", "Send SMS to book.", "No private numbers.", "")),
    _combine(("Hygiene is very important for me.", "Only serious gentlemen.", "Book in advance.",
              "No rush.", "Parking available."),
             ("Kisses!", "See you soon!", "")),
    _combine(("Real photos 100%.", "My photos are real.", "New photos!", "New in town!",
              "Only a few days here!"),),
)
STOCK = {"sv": STOCK_SV, "en": STOCK_EN}

# Personal sentences: each a choice among many, so that two women rarely write the same one.
HOBBIES = ("yoga", "dans", "resor", "god mat", "film", "musik", "träning", "konst", "böcker",
           "vin", "hundar", "naturen", "shopping", "sushi", "jazz", "salsa", "vandring", "teater")
LOOKS = ("långt mörkt hår", "blont hår", "gröna ögon", "bruna ögon", "naturliga former",
         "tatueringar", "en smal kropp", "kurvig kropp", "rött hår", "lockigt hår")
HOBBIES_EN = ("yoga", "dancing", "travel", "good food", "movies", "music", "fitness", "art",
              "books", "wine", "dogs", "nature", "shopping", "sushi", "jazz", "salsa", "hiking")
LOOKS_EN = ("long dark hair", "blonde hair", "green eyes", "brown eyes", "natural curves",
            "tattoos", "a slim body", "curvy body", "red hair", "curly hair")

RATE_LINES = (("30 min", (1000, 1200, 1500, 1800)), ("1 tim", (2000, 2500, 3000)),
              ("2 tim", (3500, 4000, 4500, 5000)), ("Natt", (8000, 10000, 12000, 15000)),
              ("Outcall +", (300, 500)))
RATE_STYLES = ("{d}: {p} kr", "{d} - {p}kr", "{d} {p} SEK", "{d} = {p}:-")

# Site default texts (a new poster who writes nothing gets one of these, then edits a little).
SITE_DEFAULTS = (
    "Hej, jag heter {name} och är {age} år. Jag finns i {city}. Kontakta mig gärna för mer information.",
    "Välkommen till min annons! Jag heter {name}, {age} år, och tar emot i {city}. Hör av dig!",
    "Hi! My name is {name}, I am {age} years old and I am in {city}. Contact me for more info.",
    "{name}, {age} år. {city}. Skriv till mig så berättar jag mer.",
)
SUPPORT_LINE = "Frågor om annonsen? Kontakta sajtens kundtjänst {support}."
SWITCHBOARD = ("Boka via Växeln {hub} (dygnet runt).", "Bokning sker via telefonväxeln {hub}.",
               "Book through the switchboard {hub}.")

# Organisations' house template pieces (several are written per organisation, then copied).
RING_OPENERS = ("Ny tjej i stan!", "NY I {CITY}!!", "Helt ny tjej, bara några dagar!", "New girl in town!",
                "Först här: ny {nat_sv} tjej!", "Sweet young girl just arrived!", "Nyanländ och redo!")
RING_LINES = (
    "Hon heter {name}, {age} år, från {nat_country}.", "{name} är {age} år och {nat_sv}.",
    "Her name is {name}, {age} years young, {nat_en}.", "Hon är ung, söt och alltid glad.",
    "She is very young and fresh.", "Hon pratar lite engelska.", "She speaks little English.",
    "Hon tar emot dygnet runt.", "Available 24 hours, incall.", "Hon gör allt för att du ska bli nöjd.",
    "Ring nu, hon är bara här några dagar.", "Inga frågor, full diskretion.",
    "Trygg och pålitlig service.", "Trustworthy and safe, always clean.",
)
AGENCY_OPENERS = ("{brand} presenterar: {name}", "{brand} Escort - {name}", "Ny hos {brand}: {name}",
                  "{name} | {brand} {city}", "{brand} Models: {name}")
AGENCY_LINES = (
    "{name} är {age} år och en av våra mest populära damer.", "{name}, {age}, elegant och diskret.",
    "Alla våra damer är verifierade.", "Vi har {n} damer i {city} idag.",
    "Se alla våra damer på {site}.", "Diskret bokning via vår bokningslinje.",
    "Our ladies are available for dinner dates and overnight.", "Booking: call our booking line.",
    "Vi tar emot kort och Swish.", "Hotellbesök i hela {city}.",
)
AGENCY_FOOTERS = ("Bokning: {booking} (10-02)", "Boka {name} på {booking}", "Booking line {booking}",
                  "{brand} bokning {booking}, även sms")
BRAND_A = ("Scandi", "Nordic", "Royal", "Elite", "VIP", "Diamond", "Velvet", "Golden", "Luxe",
           "Silk", "Crystal", "Pearl", "Ruby", "Majestic", "Secret", "Angel", "Venus", "Aurora")
BRAND_B = ("Escort", "Models", "Companions", "Ladies", "Agency", "Dates", "Girls", "Club")
FLAT_OPENERS = ("Ny tjej i vår studio!", "Thai massage - ny tjej {name}", "Massage {street}: {name} ny!",
                "Studio {street}, idag: {name}", "Nya tjejer varje vecka på {street}!")
FLAT_LINES = ("Adress: {street} {no}, {city}.", "Vi finns på {street} {no}, nära centrum.",
              "Öppet 10-22 alla dagar.", "Ring innan du kommer.", "Drop-in välkommen.",
              "{name}, {age} år, {nat_sv}, ny hos oss.", "Body to body, relax.", "Dusch finns.")
SCAM_LINES = (
    "Only WhatsApp, no calls.", "Endast WhatsApp.", "Deposit first before meeting, for security.",
    "Förskottsbetalning krävs via gift card eller PayPal.", "Send deposit and I come to you.",
    "100% real photos, real girl, no fake!", "Pay 500 kr deposit first, rest when we meet.",
    "Jag kommer till dig efter att deposition är betald.", "Verified girl, trust me.",
)
