"""Closed word lists for facts that spinners change: shared by ``synth`` (to make such edits)
and ``diff`` (to classify them).

Plain, immutable data: ``frozenset`` for membership, ``tuple`` where order matters (months,
weekdays, ordinals), ``dict`` for lookups (treat them as read-only). Every word is written in
its usual case (proper nouns capitalised, everything else lower-case); compare with
``str.lower()`` where case does not matter. Multi-word entries are separated by one space.
"""

from __future__ import annotations

import re

# ----------------------------------------------------------------------------- places

#: Country (or country-like) name -> adjective/demonym used in news copy.
COUNTRY_DEMONYM: dict[str, str] = {
    "Afghanistan": "Afghan", "Albania": "Albanian", "Algeria": "Algerian",
    "Argentina": "Argentine", "Armenia": "Armenian", "Australia": "Australian",
    "Austria": "Austrian", "Azerbaijan": "Azerbaijani", "Bangladesh": "Bangladeshi",
    "Belarus": "Belarusian", "Belgium": "Belgian", "Bolivia": "Bolivian", "Bosnia": "Bosnian",
    "Brazil": "Brazilian", "Britain": "British", "Bulgaria": "Bulgarian", "Cambodia": "Cambodian",
    "Cameroon": "Cameroonian", "Canada": "Canadian", "Chile": "Chilean", "China": "Chinese",
    "Colombia": "Colombian", "Croatia": "Croatian", "Cuba": "Cuban", "Cyprus": "Cypriot",
    "Czech Republic": "Czech", "Denmark": "Danish", "Ecuador": "Ecuadorian", "Egypt": "Egyptian",
    "England": "English", "Estonia": "Estonian", "Ethiopia": "Ethiopian", "Finland": "Finnish",
    "France": "French", "Georgia": "Georgian", "Germany": "German", "Ghana": "Ghanaian",
    "Greece": "Greek", "Hungary": "Hungarian", "Iceland": "Icelandic", "India": "Indian",
    "Indonesia": "Indonesian", "Iran": "Iranian", "Iraq": "Iraqi", "Ireland": "Irish",
    "Israel": "Israeli", "Italy": "Italian", "Jamaica": "Jamaican", "Japan": "Japanese",
    "Jordan": "Jordanian", "Kazakhstan": "Kazakh", "Kenya": "Kenyan", "Kosovo": "Kosovan",
    "Latvia": "Latvian", "Lebanon": "Lebanese", "Libya": "Libyan", "Lithuania": "Lithuanian",
    "Malaysia": "Malaysian", "Mexico": "Mexican", "Moldova": "Moldovan", "Mongolia": "Mongolian",
    "Morocco": "Moroccan", "Nepal": "Nepalese", "Netherlands": "Dutch", "New Zealand": "New Zealand",
    "Nigeria": "Nigerian", "North Korea": "North Korean", "Northern Ireland": "Northern Irish",
    "Norway": "Norwegian", "Pakistan": "Pakistani", "Palestine": "Palestinian", "Peru": "Peruvian",
    "Philippines": "Filipino", "Poland": "Polish", "Portugal": "Portuguese", "Qatar": "Qatari",
    "Romania": "Romanian", "Russia": "Russian", "Rwanda": "Rwandan", "Saudi Arabia": "Saudi",
    "Scotland": "Scottish", "Senegal": "Senegalese", "Serbia": "Serbian", "Singapore": "Singaporean",
    "Slovakia": "Slovak", "Slovenia": "Slovenian", "Somalia": "Somali", "South Africa": "South African",
    "South Korea": "South Korean", "Soviet Union": "Soviet", "Spain": "Spanish", "Sri Lanka": "Sri Lankan",
    "Sudan": "Sudanese", "Sweden": "Swedish", "Switzerland": "Swiss", "Syria": "Syrian",
    "Taiwan": "Taiwanese", "Thailand": "Thai", "Tunisia": "Tunisian", "Turkey": "Turkish",
    "Uganda": "Ugandan", "Ukraine": "Ukrainian", "United Kingdom": "UK", "United States": "US",
    "Uruguay": "Uruguayan", "Uzbekistan": "Uzbek", "Venezuela": "Venezuelan", "Vietnam": "Vietnamese",
    "Wales": "Welsh", "Yemen": "Yemeni", "Zimbabwe": "Zimbabwean", "America": "American",
    "Europe": "European", "Africa": "African", "Asia": "Asian",
}

#: Country and region names, including common short forms ("US", "UK").
COUNTRIES: frozenset[str] = frozenset(COUNTRY_DEMONYM) | frozenset({
    "US", "USA", "UK", "the US", "the UK", "EU", "European Union", "Korea", "Holland",
})

#: Adjectives of nationality or origin ("Russian", "South Korean", "US" used as an adjective).
DEMONYMS: frozenset[str] = frozenset(COUNTRY_DEMONYM.values()) | frozenset({
    "Korean", "Arab", "Kurdish", "Latin American", "Scandinavian", "Western", "Eastern European",
})

#: Demonym -> demonyms a spinner (or a careless rewrite) plausibly confuses it with, most
#: confusable first: "South Korean" <-> "North Korean", "Russian" -> "Soviet", "Ukrainian" -> "US".
DEMONYM_CONFUSIONS: dict[str, tuple[str, ...]] = {
    "South Korean": ("North Korean", "Korean", "Japanese"),
    "North Korean": ("South Korean", "Korean", "Chinese"),
    "Korean": ("North Korean", "South Korean", "Japanese"),
    "Russian": ("Soviet", "Ukrainian", "Belarusian"),
    "Soviet": ("Russian",),
    "Ukrainian": ("US", "Russian", "Polish"),
    "US": ("UK", "Canadian", "Mexican"),
    "American": ("British", "Canadian", "Mexican"),
    "British": ("English", "American", "Irish"),
    "UK": ("US", "EU", "Irish"),
    "English": ("British", "Scottish", "Welsh"),
    "Scottish": ("English", "Irish", "Welsh"),
    "Welsh": ("English", "Scottish"),
    "Irish": ("Northern Irish", "British", "Scottish"),
    "Northern Irish": ("Irish", "British"),
    "Chinese": ("Taiwanese", "Japanese", "Korean"),
    "Taiwanese": ("Chinese", "Thai"),
    "Japanese": ("Chinese", "Korean", "South Korean"),
    "Israeli": ("Palestinian", "Lebanese", "Egyptian"),
    "Palestinian": ("Israeli", "Lebanese", "Jordanian"),
    "Indian": ("Pakistani", "Bangladeshi", "Indonesian"),
    "Pakistani": ("Indian", "Afghan", "Bangladeshi"),
    "German": ("Austrian", "Dutch", "Swiss"),
    "Austrian": ("Australian", "German", "Swiss"),
    "Australian": ("Austrian", "New Zealand", "British"),
    "French": ("Belgian", "Swiss", "Canadian"),
    "Spanish": ("Portuguese", "Mexican", "Italian"),
    "Portuguese": ("Spanish", "Brazilian"),
    "Italian": ("Spanish", "Greek"),
    "Iranian": ("Iraqi", "Syrian"),
    "Iraqi": ("Iranian", "Syrian", "Kurdish"),
    "Syrian": ("Iraqi", "Lebanese", "Iranian"),
    "Swedish": ("Swiss", "Norwegian", "Danish"),
    "Swiss": ("Swedish", "German"),
    "Dutch": ("Danish", "German", "Belgian"),
    "Danish": ("Dutch", "Swedish", "Norwegian"),
    "Norwegian": ("Swedish", "Danish", "Finnish"),
    "Canadian": ("American", "US", "British"),
    "European": ("American", "Asian"),
    "Polish": ("Russian", "Czech", "Ukrainian"),
    "Czech": ("Slovak", "Polish"),
    "Greek": ("Turkish", "Cypriot", "Italian"),
    "Turkish": ("Greek", "Syrian"),
    "Mexican": ("Spanish", "American"),
    "Brazilian": ("Argentine", "Portuguese"),
    "Argentine": ("Brazilian", "Chilean"),
    "Nigerian": ("Ghanaian", "Kenyan"),
    "Kenyan": ("Ugandan", "Nigerian"),
    "South African": ("Zimbabwean", "Nigerian"),
    "Saudi": ("Qatari", "Iranian"),
    "Egyptian": ("Libyan", "Israeli"),
}

#: Large cities often named in news copy (for place swaps and place recognition).
CITIES: frozenset[str] = frozenset({
    "London", "Paris", "Berlin", "Madrid", "Rome", "Moscow", "Kyiv", "Kiev", "Washington",
    "New York", "Los Angeles", "Chicago", "Boston", "San Francisco", "Tokyo", "Beijing",
    "Shanghai", "Hong Kong", "Seoul", "Pyongyang", "Delhi", "New Delhi", "Mumbai", "Karachi",
    "Islamabad", "Kabul", "Baghdad", "Tehran", "Damascus", "Beirut", "Jerusalem", "Tel Aviv",
    "Cairo", "Istanbul", "Ankara", "Athens", "Brussels", "Amsterdam", "Vienna", "Geneva",
    "Zurich", "Stockholm", "Oslo", "Copenhagen", "Helsinki", "Warsaw", "Prague", "Budapest",
    "Dublin", "Belfast", "Edinburgh", "Glasgow", "Cardiff", "Manchester", "Liverpool",
    "Birmingham", "Leeds", "Sydney", "Melbourne", "Toronto", "Montreal", "Vancouver",
    "Mexico City", "Sao Paulo", "Rio de Janeiro", "Buenos Aires", "Lagos", "Nairobi",
    "Johannesburg", "Cape Town", "Singapore", "Bangkok", "Jakarta", "Manila", "Hanoi",
    "Vatican City", "Minsk", "Kursk", "Kharkiv", "Odesa", "Lisbon", "Barcelona", "Milan",
    "Munich", "Frankfurt", "Hamburg", "Lyon", "Marseille", "Riyadh", "Dubai", "Doha",
})

# ----------------------------------------------------------------------------- dates

MONTHS: tuple[str, ...] = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)
#: Abbreviated month -> full month ("Sept" and "Sep" both map to "September").
MONTH_ABBREVIATIONS: dict[str, str] = {
    "Jan": "January", "Feb": "February", "Mar": "March", "Apr": "April", "Jun": "June",
    "Jul": "July", "Aug": "August", "Sep": "September", "Sept": "September", "Oct": "October",
    "Nov": "November", "Dec": "December",
}
WEEKDAYS: tuple[str, ...] = (
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
)
#: Relative day words a rewrite may swap ("yesterday" -> "today").
RELATIVE_DAYS: tuple[str, ...] = ("yesterday", "today", "tomorrow", "tonight", "last night")
#: Spans of time that "last", "next", "this" make a date ("last week" -> "last year" is a date
#: change, not a synonym swap).
PERIODS: frozenset[str] = frozenset({
    "week", "weeks", "month", "months", "year", "years", "weekend", "decade", "decades", "century",
    "quarter", "season", "fortnight",
})

# ----------------------------------------------------------------------------- numbers

ORDINALS: tuple[str, ...] = (
    "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
    "tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth",
    "seventeenth", "eighteenth", "nineteenth", "twentieth",
)
#: Ordinal word -> its number ("first" -> 1).
ORDINAL_VALUE: dict[str, int] = {w: i + 1 for i, w in enumerate(ORDINALS)} | {
    "thirtieth": 30, "fortieth": 40, "fiftieth": 50, "hundredth": 100, "last": -1,
}
#: Numeric ordinals like "1st", "22nd", "3rd", "4th".
ORDINAL_NUMERIC_RE = re.compile(r"\b\d+(?:st|nd|rd|th)\b")

#: Number word -> value ("dozen" -> 12; scale words multiply).
NUMBER_WORDS: dict[str, int] = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "thousand": 1000,
    "million": 1_000_000, "billion": 1_000_000_000, "trillion": 1_000_000_000_000,
    "dozen": 12, "dozens": 12, "hundreds": 100, "thousands": 1000, "millions": 1_000_000,
    "half": 0, "double": 2, "twice": 2, "triple": 3,
}
SCALE_WORDS: frozenset[str] = frozenset({"hundred", "thousand", "million", "billion", "trillion",
                                         "m", "bn", "k", "tn"})

# ----------------------------------------------------------------------------- negation

#: Words that negate a clause.
NEGATIONS: frozenset[str] = frozenset({
    "not", "n't", "no", "never", "none", "nobody", "nothing", "neither", "nor", "nowhere",
    "without", "cannot", "hardly", "barely", "scarcely",
})
#: Auxiliary -> negated form, as inserted by a negation edit ("was" -> "was not").
NEGATABLE_AUXILIARIES: dict[str, str] = {
    "is": "is not", "are": "are not", "was": "was not", "were": "were not", "has": "has not",
    "have": "have not", "had": "had not", "will": "will not", "would": "would not",
    "can": "cannot", "could": "could not", "should": "should not", "must": "must not",
    "may": "may not", "might": "might not", "does": "does not", "do": "do not", "did": "did not",
}
#: Negated contraction -> its positive form ("didn't" -> "did"), for negation removal.
NEGATED_CONTRACTIONS: dict[str, str] = {
    "isn't": "is", "aren't": "are", "wasn't": "was", "weren't": "were", "hasn't": "has",
    "haven't": "have", "hadn't": "had", "won't": "will", "wouldn't": "would", "can't": "can",
    "couldn't": "could", "shouldn't": "should", "mustn't": "must", "doesn't": "does",
    "don't": "do", "didn't": "did",
}
#: Polarity-flipping word pairs (both directions listed).
POLARITY_SWAPS: dict[str, str] = {
    "never": "always", "always": "never", "nothing": "everything", "everything": "nothing",
    "nobody": "everybody", "none": "all", "no longer": "still", "still": "no longer",
}

# ----------------------------------------------------------------------------- roles

#: Titles and roles, lower-case (match with ``.lower()``); multi-word ones included.
TITLES: frozenset[str] = frozenset({
    "president", "vice president", "prime minister", "deputy prime minister", "chancellor",
    "minister", "foreign minister", "defence minister", "defense minister", "finance minister",
    "interior minister", "health minister", "home secretary", "foreign secretary",
    "secretary of state", "secretary", "general secretary", "secretary general",
    "chief of staff", "spokesman", "spokeswoman", "spokesperson", "press secretary",
    "chief executive", "chief operating officer", "chief financial officer", "chairman",
    "chairwoman", "chair", "director", "managing director", "executive director", "founder",
    "governor", "mayor", "senator", "congressman", "congresswoman", "mp", "lawmaker",
    "ambassador", "envoy", "general", "commander", "admiral", "colonel", "leader",
    "opposition leader", "king", "queen", "prince", "princess", "pope", "judge", "prosecutor",
    "attorney general", "police chief", "head", "coach", "manager", "captain", "striker",
    "goalkeeper", "analyst", "economist", "professor", "editor", "producer", "singer", "actor",
    "actress", "chief", "boss", "president-elect", "premier", "emir", "sheikh",
    # portfolios of cabinet offices (multi-word: synth's single-word fact lists are unchanged)
    *(f"{p} {o}" for p in ("treasury", "defence", "defense", "energy", "commerce", "transport", "health",
                           "education", "trade", "culture", "environment", "justice", "labour", "labor",
                           "agriculture", "industry", "economy", "oil", "foreign", "interior", "finance",
                           "home", "business", "work and pensions", "communications")
      for o in ("minister", "secretary")),
})
#: Title -> titles a rewrite may confuse it with.
TITLE_CONFUSIONS: dict[str, tuple[str, ...]] = {
    "president": ("prime minister", "vice president", "chancellor"),
    "prime minister": ("president", "chancellor", "foreign minister"),
    "chancellor": ("prime minister", "president", "minister"),
    "vice president": ("president", "prime minister"),
    "minister": ("secretary", "ambassador", "spokesman"),
    "foreign minister": ("defence minister", "prime minister", "finance minister"),
    "defence minister": ("foreign minister", "interior minister"),
    "finance minister": ("foreign minister", "economy minister"),
    "chief of staff": ("chief executive", "spokesman", "general"),
    "spokesman": ("minister", "chief of staff", "secretary"),
    "spokeswoman": ("minister", "secretary"),
    "chief executive": ("chairman", "finance director", "founder"),
    "chairman": ("chief executive", "founder", "director"),
    "director": ("chairman", "chief executive", "producer"),
    "general": ("admiral", "colonel", "commander"),
    "commander": ("general", "minister"),
    "governor": ("mayor", "senator"),
    "mayor": ("governor", "senator"),
    "senator": ("governor", "congressman"),
    "ambassador": ("minister", "envoy"),
    "leader": ("president", "minister"),
    "king": ("prince", "queen", "president"),
    "queen": ("princess", "king"),
    "prince": ("king", "duke"),
    "coach": ("manager", "captain"),
    "manager": ("coach", "chairman", "director"),
    "captain": ("coach", "manager", "striker"),
    "secretary": ("minister", "spokesman"),
    "judge": ("prosecutor", "lawyer"),
    "prosecutor": ("judge", "lawyer"),
}

# ----------------------------------------------------------------------------- reporting

#: Verbs that introduce reported speech or a claim, in the forms news copy uses.
REPORTING_VERBS: frozenset[str] = frozenset({
    "said", "says", "say", "told", "tells", "added", "adds", "stated", "states", "claimed",
    "claims", "confirmed", "confirms", "denied", "denies", "announced", "announces",
    "reported", "reports", "insisted", "insists", "suggested", "suggests", "alleged",
    "alleges", "admitted", "admits", "warned", "warns", "argued", "argues", "estimated",
    "estimates", "believed", "believes", "explained", "explains", "noted", "notes",
    "revealed", "reveals", "acknowledged", "acknowledges", "asserted", "asserts", "declared",
    "declares", "maintained", "maintains", "predicted", "predicts", "wrote", "writes",
})
#: Reporting verb -> verbs of different certainty or stance a rewrite may substitute
#: ("claimed" -> "confirmed" turns an assertion into an established fact).
REPORTING_VERB_SWAPS: dict[str, tuple[str, ...]] = {
    "claimed": ("confirmed", "revealed", "stated"),
    "claims": ("confirms", "reveals", "states"),
    "alleged": ("confirmed", "proved", "revealed"),
    "alleges": ("confirms", "proves", "reveals"),
    "suggested": ("announced", "confirmed", "declared"),
    "suggests": ("announces", "confirms", "declares"),
    "estimated": ("confirmed", "reported", "announced"),
    "estimates": ("confirms", "reports", "announces"),
    "believed": ("confirmed", "knew", "announced"),
    "believes": ("confirms", "knows", "announces"),
    "said": ("claimed", "confirmed", "denied"),
    "says": ("claims", "confirms", "denies"),
    "confirmed": ("claimed", "suggested", "denied"),
    "confirms": ("claims", "suggests", "denies"),
    "denied": ("confirmed", "admitted"),
    "denies": ("confirms", "admits"),
    "admitted": ("denied", "claimed"),
    "admits": ("denies", "claims"),
    "insisted": ("suggested", "admitted"),
    "warned": ("suggested", "announced"),
    "predicted": ("confirmed", "announced"),
    "reported": ("confirmed", "claimed"),
    "announced": ("suggested", "claimed"),
}
#: Speaker position, one definition for ``synth`` (which records a name swapped there as an
#: ``attribution`` fact edit) and ``diff`` (which reports such a swap as ``attribution``): a
#: name (with the capitalised words around it) right after one of SPEAKER_BEFORE ("said John
#: Smith", "told the BBC": one "the" may come between) or after "according to", or right
#: before one of SPEAKER_AFTER ("Smith said").
SPEAKER_BEFORE: frozenset[str] = frozenset({"said", "told", "quoted", "citing", "cited"})
SPEAKER_AFTER: frozenset[str] = frozenset({"said", "says", "told", "claimed", "added", "stated", "confirmed"})
assert SPEAKER_AFTER <= REPORTING_VERBS
#: Phrases that attribute a statement to a source ("according to X").
ATTRIBUTION_PHRASES: frozenset[str] = frozenset({
    "according to", "said", "says", "told", "quoted", "cited", "citing", "in a statement",
    "reported by", "a spokesman for", "a spokeswoman for", "sources close to",
})

# ----------------------------------------------------------------------------- hedges

#: Words and phrases that qualify a number or a claim ("about 4,000", "reportedly").
HEDGES: frozenset[str] = frozenset({
    "about", "around", "approximately", "roughly", "nearly", "almost", "some", "up to",
    "more than", "over", "at least", "less than", "fewer than", "as many as", "an estimated",
    "estimated", "reportedly", "allegedly", "apparently", "probably", "possibly", "likely",
    "perhaps", "may", "might", "could", "believed to", "thought to", "expected to",
    "unconfirmed", "suspected", "purportedly",
})
#: Hedges that qualify a following number ("about 4,000").
NUMBER_HEDGES: frozenset[str] = frozenset({
    "about", "around", "approximately", "roughly", "nearly", "almost", "some", "up to",
    "more than", "over", "at least", "less than", "fewer than", "as many as", "an estimated",
})
#: Modal or hedge -> a more (or less) certain substitute ("may" -> "will").
MODALITY_SWAPS: dict[str, str] = {
    "may": "will", "might": "will", "could": "will", "would": "will", "probably": "certainly",
    "possibly": "definitely", "likely": "certain", "perhaps": "definitely",
    "reportedly": "officially", "allegedly": "admittedly", "apparently": "clearly", "possible": "certain",
    "suspected": "confirmed", "will": "may", "certainly": "probably",
}

# ----------------------------------------------------------------------------- people

#: Common given names and surnames, for person swaps (no real person is meant).
GIVEN_NAMES: tuple[str, ...] = (
    "James", "John", "Robert", "Michael", "David", "William", "Richard", "Thomas", "Mark",
    "Paul", "Peter", "Andrew", "Daniel", "Simon", "Martin", "Mary", "Sarah", "Anna", "Laura",
    "Emma", "Helen", "Susan", "Karen", "Julia", "Claire", "Maria", "Elena", "Sophie", "Rachel",
    "Alan", "Ivan", "Pierre", "Hans", "Carlos", "Luis", "Ahmed", "Omar", "Wei", "Kenji", "Raj",
)
SURNAMES: tuple[str, ...] = (
    "Smith", "Jones", "Brown", "Taylor", "Wilson", "Evans", "Thomas", "Roberts", "Walker",
    "Wright", "Thompson", "White", "Hughes", "Edwards", "Green", "Hall", "Wood", "Harris",
    "Martin", "Clarke", "Jackson", "Clark", "Turner", "Hill", "Moore", "Cooper", "Ward",
    "Morris", "King", "Baker", "Fischer", "Weber", "Dubois", "Moreau", "Garcia", "Lopez",
    "Rossi", "Novak", "Petrov", "Kim", "Park", "Lee", "Chen", "Wang", "Tanaka", "Singh",
    "Khan", "Ali", "Hassan", "Kowalski",
)
#: Honorifics that precede a surname ("Mr Blair").
HONORIFICS: frozenset[str] = frozenset({
    "Mr", "Mrs", "Ms", "Miss", "Dr", "Prof", "Sir", "Lord", "Lady", "Dame", "Gen", "Col",
    "Capt", "Rev", "Sen", "Gov",
})

# ----------------------------------------------------------------------------- phrases

#: Multi-word expressions and the rewordings spinners substitute for them.
PHRASE_REWORDS: dict[str, tuple[str, ...]] = {
    "armed forces": ("military causes", "armed powers", "equipped forces"),
    "in order to": ("so as to", "with a view to", "in order for"),
    "as well as": ("along with", "in addition to", "together with"),
    "a number of": ("several", "various", "a amount of"),
    "at the moment": ("presently", "right now", "at this point"),
    "more than": ("over", "above", "greater than"),
    "in addition": ("additionally", "furthermore", "moreover"),
    "take part": ("participate", "join in", "partake"),
    "set up": ("establish", "arrange", "found"),
    "carry out": ("conduct", "perform", "execute"),
    "carried out": ("conducted", "performed", "executed"),
    "look into": ("investigate", "examine", "explore"),
    "put forward": ("propose", "suggest", "advance"),
    "in the wake of": ("following", "after", "in the aftermath of"),
    "on the other hand": ("then again", "conversely", "alternatively"),
    "for the first time": ("initially", "for once", "for the initial time"),
    "at the same time": ("simultaneously", "meanwhile", "concurrently"),
    "in spite of": ("despite", "regardless of", "notwithstanding"),
    "because of": ("due to", "owing to", "on account of"),
    "as a result": ("consequently", "therefore", "as a consequence"),
    "in particular": ("particularly", "especially", "specifically"),
    "prime minister": ("premier", "head minister", "chief minister"),
    "chief executive": ("boss", "head executive", "chief officer"),
    "human rights": ("human privileges", "people's rights", "human entitlements"),
    "interest rates": ("interest charges", "rate of interest", "curiosity rates"),
    "stock market": ("share market", "stock exchange", "inventory market"),
    "world cup": ("world trophy", "global cup", "world mug"),
    "general election": ("national election", "common election", "basic vote"),
    "climate change": ("environmental change", "weather change", "local weather change"),
    "press conference": ("news conference", "media briefing", "press convention"),
    "peace talks": ("peace negotiations", "serenity talks", "harmony discussions"),
    "last year": ("the previous year", "the past year", "a year ago"),
    "next year": ("the coming year", "the following year", "subsequent year"),
    "earlier this year": ("previously this year", "sooner this year", "earlier in the year"),
    "so far": ("until now", "up to now", "thus far"),
    "in the end": ("eventually", "finally", "ultimately"),
    "a lot of": ("many", "plenty of", "a great deal of"),
    "make sure": ("ensure", "guarantee", "make certain"),
    "point out": ("mention", "indicate", "note"),
    "pointed out": ("mentioned", "indicated", "noted"),
    "find out": ("discover", "learn", "determine"),
    "give up": ("surrender", "abandon", "quit"),
    "turn down": ("reject", "decline", "refuse"),
    "turned down": ("rejected", "declined", "refused"),
    "call for": ("demand", "urge", "request"),
    "called for": ("demanded", "urged", "requested"),
}

# ----------------------------------------------------------------------------- antonyms

_ANTONYM_PAIRS = (
    ("rise", "fall"), ("rise", "drop"), ("rise", "decline"), ("increase", "decrease"),
    ("increase", "reduce"), ("increase", "reduction"), ("increase", "cut"), ("gain", "loss"),
    ("gain", "lose"), ("up", "down"), ("higher", "lower"), ("high", "low"), ("more", "less"),
    ("more", "fewer"), ("most", "least"), ("many", "few"), ("win", "lose"), ("won", "lost"),
    ("victory", "defeat"), ("buy", "sell"), ("bought", "sold"), ("long", "short"),
    ("big", "small"), ("large", "small"), ("open", "close"), ("open", "closed"),
    ("start", "end"), ("begin", "end"), ("first", "last"), ("before", "after"),
    ("early", "late"), ("earlier", "later"), ("good", "bad"), ("better", "worse"),
    ("best", "worst"), ("strong", "weak"), ("stronger", "weaker"), ("accept", "reject"),
    ("allow", "ban"), ("allow", "forbid"), ("approve", "reject"), ("support", "oppose"),
    ("agree", "disagree"), ("confirm", "deny"), ("success", "failure"), ("succeed", "fail"),
    ("profit", "loss"), ("surplus", "deficit"), ("export", "import"), ("exports", "imports"),
    ("rich", "poor"), ("old", "new"), ("old", "young"), ("hot", "cold"), ("north", "south"),
    ("east", "west"), ("left", "right"), ("top", "bottom"), ("inside", "outside"),
    ("include", "exclude"), ("public", "private"), ("domestic", "foreign"),
    ("internal", "external"), ("maximum", "minimum"), ("positive", "negative"),
    ("guilty", "innocent"), ("legal", "illegal"), ("war", "peace"), ("arrive", "leave"),
    ("come", "go"), ("push", "pull"), ("attack", "defend"), ("attack", "defence"),
    ("offence", "defence"), ("offensive", "defensive"), ("rose", "fell"), ("jumped", "slipped"),
    ("climbed", "dropped"), ("soared", "slumped"), ("surged", "plunged"), ("above", "below"),
    ("over", "under"), ("always", "never"), ("all", "none"), ("everyone", "no one"),
    ("true", "false"), ("right", "wrong"), ("easy", "difficult"), ("easy", "hard"),
    ("cheap", "expensive"), ("fast", "slow"), ("heavy", "light"), ("wide", "narrow"),
    ("near", "far"), ("major", "minor"), ("majority", "minority"), ("senior", "junior"),
    ("upper", "lower"), ("raise", "lower"), ("raise", "cut"), ("hire", "fire"),
    ("employ", "dismiss"), ("join", "leave"), ("remain", "leave"), ("stay", "leave"),
    # verbs of news reports whose swap reverses what is asserted, direction words, bounds
    # (issue 9; reviewed by hand)
    ("acquit", "convict"), ("acquitted", "convicted"), ("refuse", "agree"), ("reject", "agree"), ("guilty", "not guilty"), ("win", "lose"),
    ("approve", "veto"), ("pass", "reject"), ("ratify", "reject"), ("hire", "fire"), ("hire", "lay off"),
    ("resign", "appoint"), ("elect", "defeat"), ("release", "arrest"), ("release", "detain"),
    ("free", "arrest"), ("free", "detain"), ("free", "capture"), ("lift", "impose"), ("ease", "tighten"),
    ("relax", "tighten"), ("expand", "shrink"), ("expand", "contract"), ("grow", "shrink"),
    ("advance", "retreat"), ("advance", "withdraw"), ("withdraw", "deploy"), ("withdraw", "send"),
    ("enter", "leave"), ("enter", "exit"), ("import", "export"), ("borrow", "lend"), ("give", "take"),
    ("send", "receive"), ("attack", "defend"), ("win", "concede"), ("praise", "criticise"),
    ("praise", "criticize"), ("praise", "condemn"), ("welcome", "condemn"), ("welcome", "reject"),
    ("support", "oppose"), ("back", "oppose"), ("ally", "enemy"), ("friend", "foe"), ("friend", "enemy"),
    ("confirm", "deny"), ("admit", "deny"), ("accept", "refuse"), ("allow", "prohibit"),
    ("legalise", "ban"), ("legalize", "ban"), ("open", "shut"), ("reopen", "close"), ("start", "stop"),
    ("begin", "finish"), ("continue", "stop"), ("continue", "halt"), ("resume", "suspend"),
    ("increase", "cut"), ("raise", "reduce"), ("rise", "sink"), ("climb", "fall"), ("gain", "drop"),
    ("boost", "cut"), ("accelerate", "slow"), ("speed up", "slow down"), ("strengthen", "weaken"),
    ("improve", "worsen"), ("improve", "deteriorate"), ("survive", "die"), ("alive", "dead"),
    ("injured", "killed"), ("wounded", "killed"), ("arrive", "depart"), ("include", "omit"),
    ("highest", "lowest"), ("most", "fewest"), ("maximum", "minimum"), ("minimum", "maximum"),
    ("from", "to"), ("before", "after"), ("since", "until"), ("for", "against"), ("pro", "anti"),
    ("into", "out of"), ("inside", "outside"), ("above", "below"), ("over", "under"), ("up", "down"),
    ("upstream", "downstream"), ("renovate", "demolish"), ("build", "demolish"), ("restore", "demolish"),
    ("repair", "destroy"), ("create", "destroy"), ("save", "destroy"), ("open", "demolish"), ("import", "export"), ("buyer", "seller"), ("lender", "borrower"),
    ("winner", "loser"), ("victim", "perpetrator"), ("attacker", "defender"), ("plaintiff", "defendant"),
    ("prosecution", "defence"), ("prosecution", "defense"), ("majority", "minority"), ("surplus", "deficit"),
    ("profit", "loss"), ("credit", "debit"), ("asset", "liability"), ("inflow", "outflow"),
    ("peace", "war"), ("truce", "war"), ("liberate", "occupy"),
    ("liberation", "occupation"), ("legal", "unlawful"), ("lawful", "unlawful"), ("safe", "dangerous"),
    ("rural", "urban"), ("ancient", "modern"), ("past", "future"), ("earliest", "latest"),
    ("oldest", "youngest"), ("oldest", "newest"), ("largest", "smallest"), ("biggest", "smallest"),
    ("best", "worst"), ("first", "last"), ("least", "most"), ("underestimate", "overestimate"),
    ("underestimated", "overestimated"), ("overvalued", "undervalued"),
    ("incoming", "outgoing"), ("former", "current"), ("ex", "current"), ("previous", "next"),
    ("last", "next"), ("permanent", "temporary"), ("voluntary", "compulsory"), ("voluntary", "mandatory"),
    ("optional", "mandatory"), ("optional", "compulsory"), ("public", "secret"), ("official", "unofficial"),
    ("true", "untrue"), ("success", "defeat"), ("successful", "unsuccessful"), ("rejected", "accepted"),
)
#: Word -> its antonyms (both directions), lower-case. Synonym swaps never pick an antonym;
#: diff may use it to flag polarity changes that a synonym swap should not make.
ANTONYMS: dict[str, frozenset[str]] = {
    w: frozenset(b if a == w else a for a, b in _ANTONYM_PAIRS if w in (a, b))
    for w in sorted({x for pair in _ANTONYM_PAIRS for x in pair})
}
