"""The word lists of ``unspin.altspin``, written for the project (MIT, like the repository).

Deliberately independent of every resource the detectors use (no Moby thesaurus, no GloVe,
no word frequencies, nothing from ``unspin.vocab`` or ``unspin.lexicon``): whatever the
detectors know, they did not learn it from these lists. Inflected forms are written out,
so no lemmatiser is needed either.

- ``PARAPHRASE``: meaning-preserving word and phrase swaps (as a careful paraphraser makes);
- ``AI``: common words that are near but not synonymous (as LLM paraphrasers and embedding
  spinners choose them): the copy still reads as news, the facts are unchanged;
- ``MT``: literal choices of machine-translation round trips (harmless ones);
- ``FUNCTION``: function-word and phrase changes that keep the meaning;
- ``NAME_FORMS``: aliases, abbreviations and transliterations of the same name;
- ``COUNTRY_DEMONYM``: country -> demonym, for "Russia's President" / "Russian President";
- fact/meaning material: ``DEMONYM_SWAPS``, ``PLACES``, ``TITLES``, ``ANTONYMS``,
  ``COMPARATIVES``, ``BOUNDS``, ``WRONG_SENSE``, ``MODAL_SWAPS``, ``REPORTING_SWAPS``.
"""

from __future__ import annotations


def _forms(pairs: list[tuple[str, str]]) -> dict[str, tuple[str, ...]]:
    """Expand ("start starts started starting", "begin begins began beginning") into
    form -> replacement pairs (forms aligned by position); "|" separates alternatives, and
    commas separate the forms when a form has several words ("look for, looks for, ...")."""
    out: dict[str, list[str]] = {}
    for src, dst in pairs:
        for alt in dst.split("|"):
            if " " not in src.strip():
                a, b = [src], [alt]
            elif "," in src + alt:
                a, b = src.split(","), alt.split(",")
            else:
                a, b = src.split(), alt.split()
            a, b = [x.strip() for x in a], [y.strip() for y in b]
            assert len(a) == len(b), (src, alt)
            for x, y in zip(a, b, strict=True):
                if x != y and y not in out.setdefault(x, []):
                    out[x].append(y)
    return {k: tuple(v) for k, v in out.items()}


# ---------------------------------------------------------------------------- paraphrase

PARAPHRASE = _forms([
    # verbs: base, 3rd person, past (= participle), -ing
    ("buy buys bought buying", "purchase purchases purchased purchasing"),
    ("started starting", "began beginning"),
    ("helped helping", "assisted assisting"),
    ("needed needing", "required requiring"),
    ("showed showing", "indicated indicating"),
    ("ended ending", "finished finishing"),
    ("demanded, demanding", "called for, calling for"),
    ("try tries tried trying", "attempt attempts attempted attempting"),
    ("ask asks asked asking", "request requests requested requesting"),
    ("tell tells told telling", "inform informs informed informing"),
    ("seek, seeks, sought, seeking", "look for, looks for, looked for, looking for"),
    ("expect expects expected expecting", "anticipate anticipates anticipated anticipating"),
    ("announce announces announced announcing", "declare declares declared declaring"),
    ("agree agrees agreed agreeing", "consent consents consented consenting"),
    ("reach, reaches, reached, reaching", "arrive at, arrives at, arrived at, arriving at"),
    ("build builds built building", "construct constructs constructed constructing"),
    ("visit visits visited visiting", "tour tours toured touring"),
    ("choose chooses chose choosing", "select selects selected selecting"),
    ("finish finishes finished finishing", "complete completes completed completing"),
    ("describe describes described describing", "portray portrays portrayed portraying"),
    ("warn warns warned warning", "caution cautions cautioned cautioning"),
    ("suggest suggests suggested suggesting", "propose proposes proposed proposing"),
    ("allow allows allowed allowing", "permit permits permitted permitting"),
    ("stop stops stopped stopping", "halt halts halted halting"),
    ("speak speaks spoke speaking", "talk talks talked talking"),
    ("continue, continues, continued, continuing", "carry on, carries on, carried on, carrying on"),
    ("remain remains remained remaining", "stay stays stayed staying"),
    ("launch launches launched launching", "start starts started starting"),
    ("discuss, discusses, discussed, discussing", "talk about, talks about, talked about, talking about"),
    ("investigate, investigates, investigated, investigating", "look into, looks into, looked into, looking into"),
    ("damage damages damaged damaging", "harm harms harmed harming"),
    # nouns: singular, plural
    ("plan plans", "scheme schemes"),
    ("job jobs", "post posts"),
    ("company companies", "firm firms"),
    ("car cars", "vehicle vehicles"),
    ("town towns", "community communities"),
    ("doctor doctors", "physician physicians"),
    ("talks", "discussions"),
    ("statement statements", "declaration declarations"),
    ("chance chances", "opportunity opportunities"),
    ("area areas", "region regions"),
    ("region regions", "area areas"),
    ("problem problems", "difficulty difficulties"),
    ("buyer buyers", "purchaser purchasers"),
    ("price prices", "cost costs"),
    ("child children", "youngster youngsters"),
    ("deal deals", "agreement agreements"),
    ("agreement agreements", "deal deals"),
    ("border borders", "frontier frontiers"),
    ("worker workers", "employee employees"),
    ("employee employees", "worker workers"),
    ("fight fights", "battle battles"),
    ("journey journeys", "trip trips"),
    ("answer answers", "reply replies"),
    ("speech speeches", "address addresses"),
    ("shop shops", "store stores"),
    ("lawyer lawyers", "attorney attorneys"),
    ("trader traders", "dealer dealers"),
    ("spokesman spokesmen", "spokesperson spokespeople"),
    ("spending", "expenditure"), ("costs", "expenses"), ("growth", "expansion"),
    ("cuts", "reductions"), ("takeover takeovers", "acquisition acquisitions"),
    ("shareholder shareholders", "stockholder stockholders"), ("customer customers", "client clients"),
    ("consumer consumers", "shopper shoppers"), ("rival rivals", "competitor competitors"),
    ("concern concerns", "worry worries"), ("proposal proposals", "plan plans"),
    ("target targets", "goal goals"), ("survey surveys", "poll polls"), ("products", "goods"),
    ("vehicle vehicles", "car cars"), ("staff", "employees"), ("airline airlines", "carrier carriers"),
    ("programme programmes", "scheme schemes"), ("stake stakes", "holding holdings"),
    ("asset assets", "holding holdings"), ("data", "figures"), ("businesses", "companies"),
    ("unemployment", "joblessness"), ("bankruptcy", "insolvency"), ("internet", "web"),
    ("research", "study"), ("law laws", "statute statutes"), ("pace", "speed"), ("amount", "sum"),
    ("construction", "building"), ("income", "earnings"), ("cash", "money"), ("recovery", "rebound"),
    ("foreign", "overseas"), ("annual", "yearly"), ("global", "worldwide"), ("biggest", "largest"),
    ("largest", "biggest"), ("current", "present"), ("previously", "earlier"),
    ("grew", "expanded"), ("grow grows growing", "expand expands expanding"),
    ("believe believes believed believing", "think thinks thought thinking"),
    ("provide provides provided providing", "supply supplies supplied supplying"),
    ("production", "output"), ("output", "production"), ("value", "worth"), ("rules", "regulations"),
    ("however", "nevertheless"), ("rise rises", "increase increases"), ("increase increases", "rise rises"),
    ("increasing", "growing"), ("fall falls", "drop drops"), ("drop drops", "fall falls"), ("rose", "climbed"),
    ("fell", "dropped"), ("risen", "climbed"), ("fallen", "dropped"), ("rising", "climbing"),
    ("falling", "dropping"), ("profits", "earnings"), ("figures", "numbers"), ("money", "funds"),
    ("bid bids", "offer offers"), ("country countries", "nation nations"), ("unit units", "division divisions"),
    ("boost boosts boosted boosting", "lift lifts lifted lifting"), ("deficit", "shortfall"),
    ("impact", "effect"), ("forced", "compelled"), ("creditors", "lenders"), ("think thinks", "believe believes"),
    ("meanwhile", "in the meantime"), ("want wants wanted wanting", "wish wishes wished wishing"),
    ("huge", "vast"), ("aid", "assistance"), ("phone phones", "telephone telephones"),
    ("maker makers", "manufacturer manufacturers"), ("speculation", "conjecture"), ("similar", "comparable"),
    ("extra", "additional"), ("slightly", "marginally"), ("reduce reduces reduced reducing", "cut cuts cut cutting"),
    ("investigation investigations", "inquiry inquiries"), ("outlook", "prospects"),
    ("disaster disasters", "catastrophe catastrophes"), ("amid", "amidst"), ("massive", "huge"),
    ("project projects", "scheme schemes"), ("passenger passengers", "traveller travellers"),
    ("main", "chief"), ("sufficient", "adequate"),
    ("attempt attempts", "effort efforts"), ("permission", "consent"), ("vital", "essential"),
    # adjectives and adverbs
    ("big", "large"), ("large", "big"), ("small", "little"), ("quick", "fast"), ("quickly", "rapidly"),
    ("rapidly", "quickly"), ("main", "principal"), ("major", "significant"),
    ("significant", "considerable"), ("important", "significant"), ("whole", "entire"), ("entire", "whole"),
    ("recent", "latest"), ("latest", "newest"), ("previous", "earlier"),
    ("difficult", "hard"), ("nearby", "neighbouring"), ("total", "overall"), ("overall", "total"),
    ("strong", "powerful"), ("serious", "grave"), ("senior", "high-ranking"), ("usual", "normal"),
    ("normal", "usual"),
    ("again", "once more"), ("often", "frequently"), ("frequently", "often"),
    ("mainly", "mostly"), ("mostly", "mainly"), ("almost", "nearly"), ("nearly", "almost"),
    ("currently", "now"), ("soon", "shortly"), ("especially", "particularly"),
    ("particularly", "especially"), ("recently", "lately"), ("immediately", "at once"), ("finally", "eventually"),
    ("fully", "completely"), ("completely", "entirely"),
    # more of the common words of news reports (session 3: mixed copies reached only 0.29 of 0.35)
    ("former", "previous"), ("fraud", "deception"), ("result results", "outcome outcomes"),
    ("auction auctions", "sale sales"), ("operations", "activities"), ("revenues", "receipts"),
    ("authorities", "officials"), ("keep keeps kept keeping", "retain retains retained retaining"),
    ("affected", "hit"), ("potential", "possible"), ("create creates created creating",
                                                     "generate generates generated generating"),
    ("leading", "foremost"), ("exports", "overseas sales"), ("earnings", "profits"),
    ("domestic", "internal"), ("expectations", "predictions"), ("slowdown", "slowing"),
    ("strength", "robustness"), ("employment", "jobs"), ("announcement announcements",
                                                          "statement statements"),
    ("contract contracts", "deal deals"), ("merger mergers", "tie-up tie-ups"),
    ("reform reforms", "overhaul overhauls"), ("evidence", "proof"), ("access", "entry"),
    ("purchase purchases purchased purchasing", "buy buys bought buying"), ("blamed", "faulted"),
    ("expansion", "growth"), ("fears", "worries"), ("majority", "bulk"), ("existing", "current"),
    ("available", "on offer"), ("situation", "position"), ("aircraft", "planes"), ("pushed", "drove"),
    ("settlement", "deal"), ("ruling", "judgment"), ("received", "got"), ("restructuring", "reorganisation"),
    ("collapse", "failure"), ("involved", "engaged"), ("sharp", "steep"), ("comments", "remarks"),
    ("recession", "downturn"), ("estimates", "projections"), ("approval", "consent"),
    ("optimistic", "hopeful"), ("aimed", "intended"), ("stores", "shops"), ("review", "assessment"),
    ("newspaper newspapers", "paper papers"), ("ambitions", "aims"), ("subsidies", "grants"),
    ("suffered", "sustained"), ("information", "details"), ("consider considers considered considering",
                                                               "weigh weighs weighed weighing"),
    ("concerned", "worried"), ("designed", "intended"), ("jumped", "leapt"),
    ("successful", "effective"), ("measures", "steps"), ("ensure", "make sure"), ("disappointing", "poor"),
    ("infrastructure", "facilities"), ("regulators", "watchdogs"),
    ("predicted", "forecast"), ("produced", "made"), ("carmaker, carmakers", "car maker, car makers"),
    ("boom", "surge"), ("began", "started"), ("widely", "broadly"), ("advertising", "marketing"),
    ("revised", "amended"), ("consumption", "use"), ("responsibility", "accountability"),
    ("strongly", "firmly"), ("facilities", "sites"), ("workforce", "staff"), ("confident", "certain"),
    ("tough", "hard"), ("progress", "headway"), ("caused", "triggered"), ("decade", "ten years"),
    ("sharply", "steeply"), ("allegations", "claims"), ("victims", "casualties"), ("pledged", "promised"),
    ("observers", "commentators"), ("dispute", "row"), ("soaring", "surging"), ("employs", "has"),
    ("emerged", "surfaced"), ("worries", "concerns"), ("prevent", "stop"), ("keen", "eager"),
    ("critics", "detractors"), ("delayed", "postponed"), ("welcomed", "hailed"), ("revealed", "disclosed"),
    ("illegal", "unlawful"), ("rebuilding", "reconstruction"),
    ("within", "inside"), ("several", "a number of"), ("although", "though"), ("because", "since"),
    ("whether", "if"), ("it's", "it is"), ("don't", "do not"), ("firm's", "company's"), ("company's", "firm's"),
    ("telecoms", "telecommunications"), ("mortgage, mortgages", "home loan, home loans"), ("revenue", "income"),
    ("producer producers", "maker makers"), ("conditions", "circumstances"), ("owner owners", "proprietor proprietors"),
    ("goods", "products"), ("division", "unit"), ("gains", "increases"), ("subsidiary", "unit"),
    ("taxes", "levies"), ("owns", "holds"), ("management", "leadership"), ("forecasts", "projections"),
    ("full", "complete"), ("effect", "impact"), ("driven", "propelled"), ("poverty", "deprivation"),
    ("every", "each"), ("sale", "disposal"),
    ("strategy", "plan"), ("regulator", "watchdog"), ("obtain", "get"),
])

#: Multi-word paraphrases (source phrase -> replacements); matched whole-word, case-aware.
PHRASES: dict[str, tuple[str, ...]] = {
    "in order to": ("to",), "took part in": ("participated in",),
    "take part in": ("participate in",), "as well as": ("and also", "along with"),
    "because of": ("due to", "owing to"), "in spite of": ("despite",),
    "despite": ("in spite of",), "at the moment": ("currently",), "at present": ("now",),
    "for example": ("for instance",), "for instance": ("for example",),
    "so far": ("to date",), "to date": ("so far",),
    "more than": ("over",), "in the coming days": ("in the next few days",),
    "on track": ("on course",), "called off": ("cancelled",), "call off": ("cancel",),
    "set up": ("established",), "carried out": ("conducted",), "carry out": ("conduct",),
    "came to an end": ("ended",), "come to an end": ("end",), "pointed out": ("noted",),
    "according to": ("as stated by",), "in an effort to": ("in a bid to",), "in a bid to": ("in an effort to",),
    "on behalf of": ("for",), "prior to": ("before",),
    "in response to": ("responding to",), "a day after": ("one day after",), "the rest of": ("the remainder of",),
    "at least": ("no fewer than",), "such as": ("like",), "whether or not": ("whether",),
}

# ---------------------------------------------------------------------------- AI / embedding style

AI = _forms([
    ("say says said saying", "note notes noted noting|state states stated stating"),
    ("show shows showed showing", "highlight highlights highlighted highlighting"),
    ("help helps helped helping", "support supports supported supporting"),
    ("use uses used using", "leverage leverages leveraged leveraging"),
    ("increase increases increased increasing", "boost boosts boosted boosting"),
    ("change changes changed changing", "shift shifts shifted shifting"),
    ("criticise criticises criticised criticising", "slam slams slammed slamming"),
    ("criticize criticizes criticized criticizing", "slam slams slammed slamming"),
    ("hit hits hit hitting", "impact impacts impacted impacting"),
    ("raise raises raised raising", "elevate elevates elevated elevating"),
    ("improve improves improved improving", "enhance enhances enhanced enhancing"),
    ("faced facing", "confronted confronting"),
    ("officials", "authorities"),
    ("meeting meetings", "summit summits"),
    ("troop troops", "soldier soldiers"),
    ("soldier soldiers", "troop troops"),
    ("problem problems", "challenge challenges"),
    ("plan plans", "initiative initiatives"),
    ("people", "individuals"),
    ("area areas", "landscape landscapes"),
    ("talks", "dialogues"),
    ("role roles", "part parts"),
    ("issue issues", "matter matters"),
    ("attack attacks", "strike strikes"),
    ("war wars", "conflict conflicts"),
    ("effort efforts", "push pushes"),
    ("report reports", "account accounts"),
    ("rise rises", "surge surges"),
    ("crisis", "turmoil"),
    ("analyst analysts", "expert experts"), ("investor investors", "backer backers"),
    ("profit profits", "earning earnings"), ("debt debts", "borrowing borrowings"),
    ("industry industries", "sector sectors"), ("sector sectors", "industry industries"),
    ("decision decisions", "choice choices"), ("giant giants", "behemoth behemoths"),
    ("impact", "effect"), ("competition", "rivalry"), ("election elections", "vote votes"),
    ("executives", "bosses"), ("risk risks", "danger dangers"),
    ("administration", "government"), ("international", "global"), ("weak", "feeble"),
    ("figures", "statistics"), ("market markets", "sector sectors"), ("firm firms", "business businesses"),
    ("sales", "revenue"), ("shares", "stocks"), ("business businesses", "enterprise enterprises"),
    ("demand", "appetite"), ("growth", "momentum"), ("financial", "monetary"), ("investment", "funding"),
    ("money", "funding"), ("news", "updates"),
    ("court courts", "tribunal tribunals"), ("club clubs", "team teams"),
    ("top", "leading"), ("start starts", "launch launches"), ("pressure", "strain"), ("concerns", "fears"),
    ("analysis", "assessment"), ("customer customers", "consumer consumers"), ("fan fans", "supporter supporters"),
    ("film films", "movie movies"), ("star stars", "celebrity celebrities"), ("game games", "match matches"),
    ("match matches", "fixture fixtures"), ("player players", "athlete athletes"), ("song songs", "track tracks"),
    ("technology technologies", "tech tech"),
    ("user users", "customer customers"), ("software", "programs"), ("computer computers", "machine machines"),
    ("government", "administration"), ("month months", "period periods"),
    ("leader leaders", "head heads"),
    ("boss bosses", "chief chiefs"),
    ("economy economies", "market markets"),
    ("country countries", "nation nations"),
    ("nation nations", "country countries"),
    ("city cities", "metropolis metropolises"),
    ("important", "crucial|pivotal"), ("big", "major|massive"), ("good", "robust|solid"),
    ("bad", "poor|dire"), ("new", "fresh|novel"), ("key", "vital"), ("huge", "enormous"),
    ("strong", "robust"), ("clear", "evident"), ("serious", "severe"), ("worried", "concerned"),
    ("angry", "furious"), ("many", "numerous"), ("also", "additionally"),
    ("however", "nevertheless"), ("but", "yet"),
    ("economic", "financial"), ("chief", "top"), ("trade", "commerce"), ("stock", "equity"), ("tax", "levy"),
    ("higher", "greater"), ("world's", "globe's"), ("country's", "nation's"), ("group", "firm"),
    ("further", "additional"), ("domestic", "home"), ("fraud", "scam"),
    ("operations", "business"), ("poor", "weak"), ("positive", "encouraging"), ("slow", "sluggish"),
    ("confidence", "trust"), ("trading", "dealing"), ("across", "throughout"), ("government's", "administration's"),
    ("mobile", "cellular"),
    ("investments", "holdings"), ("centre", "hub"), ("lending", "loans"), ("inflation", "price growth"), ("policy", "approach"),
])

# ---------------------------------------------------------------------------- machine translation

MT = _forms([
    ("say says said saying", "declare declares declared declaring"),
    ("run runs ran running", "manage manages managed managing"),
    ("seek, seeks, sought, seeking", "look for, looks for, looked for, looking for"),
    ("halt halts halted halting", "stop stops stopped stopping"),
    ("underscore underscores underscored underscoring", "stress stresses stressed stressing"),
    ("requested, requesting", "asked for, asking for"),
    ("issued issuing", "published publishing"),
    ("backed backing", "supported supporting"),
    ("praised praising", "appreciated appreciating"),
    ("statement statements", "declaration declarations"),
    ("length lengths", "duration durations"),
    ("jail jails", "prison prisons"),
    ("boss bosses", "chief chiefs"),
    ("adviser advisers", "advisor advisors"),
    ("ceasefire ceasefires", "cease-fire cease-fires"),
    ("deal deals", "agreement agreements"),
    ("campaign campaigns", "operation operations"),
    ("motorway motorways", "highway highways"),
    ("helpful", "useful"), ("big", "large"), ("vital", "crucial"),
    ("defence", "defense"), ("expertise", "competence"), ("security", "safety"),
    ("particularly", "especially"), ("adamant", "insistent"), ("mayhem", "chaos"),
    ("substantive", "substantial"),
    ("firm firms", "enterprise enterprises"), ("figures", "numbers"),
    ("people", "persons"), ("saying", "declaring"), ("bid bids", "offer offers"),
    ("market markets", "marketplace marketplaces"), ("growth", "increase"),
    ("investors", "investing people"), ("analysts", "observers"), ("victory", "win"),
])

#: Function-word changes that keep the meaning (article, preposition, conjunction).
FUNCTION: dict[str, tuple[str, ...]] = {
    "said that": ("said",), "because": ("as", "since"), "although": ("though",), "whether": ("if",), "among": ("amongst",), "towards": ("toward",),
    "toward": ("towards",), "until": ("till",), "upon": ("on",), "within": ("inside",),
    "however": ("but",), "therefore": ("so",),
}

# ---------------------------------------------------------------------------- names

#: Alternative forms of the same name (aliases, abbreviations, transliterations).
NAME_FORMS: dict[str, tuple[str, ...]] = {
    "United States": ("U.S.", "US"), "U.S.": ("United States", "US"), "US": ("United States", "U.S."),
    "United Kingdom": ("UK", "Britain"), "UK": ("United Kingdom", "Britain"), "Britain": ("the UK",),
    "United Nations": ("UN",), "UN": ("United Nations",), "European Union": ("EU",), "EU": ("European Union",),
    "NATO": ("Nato",), "Nato": ("NATO",), "Kyiv": ("Kiev",), "Kiev": ("Kyiv",), "Odesa": ("Odessa",),
    "Kharkiv": ("Kharkov",), "Zelensky": ("Zelenskyy", "Zelenskiy"), "Zelenskyy": ("Zelensky",),
    "Gaddafi": ("Qaddafi",), "Muhammad": ("Mohammed",), "Mohammed": ("Muhammad",), "Navalny": ("Navalnyi",),
    "Alexei": ("Aleksei",), "Sergei": ("Sergey",), "Myanmar": ("Burma",),
    "Burma": ("Myanmar",), "Czech Republic": ("Czechia",), "Czechia": ("Czech Republic",),
    "Turkey": ("Turkiye",), "Ivory Coast": ("Cote d'Ivoire",), "World Health Organization": ("WHO",),
    "WHO": ("World Health Organization",), "International Monetary Fund": ("IMF",),
    "IMF": ("International Monetary Fund",), "Democratic Republic of Congo": ("DRC",),
    "United Arab Emirates": ("UAE",), "UAE": ("United Arab Emirates",), "Saudi Arabia": ("the Saudi kingdom",),
}

COUNTRY_DEMONYM: dict[str, str] = {
    "Russia": "Russian", "Ukraine": "Ukrainian", "France": "French", "Germany": "German", "Italy": "Italian",
    "Spain": "Spanish", "Portugal": "Portuguese", "Poland": "Polish", "China": "Chinese", "Japan": "Japanese",
    "India": "Indian", "Brazil": "Brazilian", "Canada": "Canadian", "Mexico": "Mexican", "Iran": "Iranian",
    "Iraq": "Iraqi", "Israel": "Israeli", "Egypt": "Egyptian", "Turkey": "Turkish", "Greece": "Greek",
    "Sweden": "Swedish", "Norway": "Norwegian", "Denmark": "Danish", "Finland": "Finnish", "Belarus": "Belarusian",
    "Britain": "British", "America": "American", "Australia": "Australian", "Argentina": "Argentine",
    "Nigeria": "Nigerian", "Kenya": "Kenyan", "Syria": "Syrian", "Pakistan": "Pakistani", "Ireland": "Irish",
    "Scotland": "Scottish", "Wales": "Welsh", "Hungary": "Hungarian", "Romania": "Romanian",
    "Austria": "Austrian", "Switzerland": "Swiss", "Netherlands": "Dutch", "Belgium": "Belgian",
    "Morvath": "Morvathi", "Kestria": "Kestrian",
}

# ---------------------------------------------------------------------------- fact and meaning edits

#: Demonym -> confusable demonyms (an entity/nationality fact edit).
DEMONYM_SWAPS: dict[str, tuple[str, ...]] = {
    "South Korean": ("North Korean",), "North Korean": ("South Korean",), "Russian": ("Soviet", "Ukrainian"),
    "Ukrainian": ("Russian", "Polish"), "American": ("Canadian", "British"), "British": ("American", "Irish"),
    "Canadian": ("American",), "French": ("Belgian", "Swiss"), "German": ("Austrian", "Dutch"),
    "Austrian": ("German",), "Swedish": ("Danish", "Norwegian"), "Danish": ("Swedish",),
    "Norwegian": ("Swedish",), "Polish": ("Czech", "Ukrainian"), "Czech": ("Slovak",), "Iranian": ("Iraqi",),
    "Iraqi": ("Iranian",), "Chinese": ("Japanese", "Taiwanese"), "Japanese": ("Chinese", "Korean"),
    "Indian": ("Pakistani",), "Pakistani": ("Indian",), "Spanish": ("Portuguese", "Mexican"),
    "Portuguese": ("Spanish", "Brazilian"), "Italian": ("Spanish",), "Greek": ("Turkish", "Cypriot"),
    "Turkish": ("Greek",), "Israeli": ("Palestinian", "Lebanese"), "Palestinian": ("Israeli",),
    "Syrian": ("Lebanese",), "Belarusian": ("Russian",), "Irish": ("British", "Scottish"),
    "Scottish": ("Irish", "English"), "English": ("Scottish", "Welsh"), "Welsh": ("English",),
    "Australian": ("New Zealand",), "Brazilian": ("Argentine",), "Mexican": ("Spanish",),
    "Morvathi": ("Kestrian",), "Kestrian": ("Morvathi",), "Soviet": ("Russian",), "Egyptian": ("Libyan",),
}

#: Places that a place edit swaps among (countries, capitals, regions, invented ones).
PLACES: tuple[tuple[str, ...], ...] = (
    ("Russia", "Ukraine", "Belarus", "Poland", "Germany", "France", "Italy", "Spain", "China", "Japan",
     "India", "Iran", "Iraq", "Syria", "Israel", "Egypt", "Turkey", "Greece", "Canada", "Mexico", "Brazil",
     "Sweden", "Norway", "Finland", "Austria", "Hungary", "Romania", "Portugal", "Morvath", "Kestria"),
    ("Moscow", "Kyiv", "Minsk", "Warsaw", "Berlin", "Paris", "Rome", "Madrid", "Beijing", "Tokyo", "Delhi",
     "Tehran", "Baghdad", "Damascus", "Cairo", "Ankara", "Athens", "Ottawa", "Lisbon", "Vienna", "London",
     "Washington", "Brussels", "Geneva", "Riyadh", "Doha", "Seoul", "Pyongyang", "Istanbul", "Sochi"),
    ("Kursk", "Belgorod", "Kharkiv", "Donetsk", "Luhansk", "Crimea", "Bakhmut", "Rostov", "Voronezh",
     "Zaporizhzhia", "Kherson", "Odesa", "Mariupol", "Sumy", "Dnipro"),
)

TITLES: tuple[tuple[str, ...], ...] = (
    ("Defence Minister", "Foreign Minister", "Finance Minister", "Interior Minister", "Prime Minister",
     "Health Minister", "Justice Minister", "Energy Minister"),
    ("President", "Vice President", "Prime Minister"),
    ("chief executive", "chairman", "finance director", "founder"),
    ("Secretary of State", "Defense Secretary", "Treasury Secretary"),
    ("coach", "captain", "manager", "goalkeeper"),
    ("mayor", "deputy mayor", "governor"),
    ("prosecutor", "defence lawyer", "judge"),
    ("general", "colonel", "commander"),
    ("spokesman", "minister", "ambassador"),
    ("press secretary", "chief of staff", "national security adviser"),
)

#: meaning: verbs and words that reverse what is asserted (each way).
ANTONYMS: dict[str, tuple[str, ...]] = _forms([
    ("rise rises rose rising risen", "fall falls fell falling fallen"),
    ("fall falls fell falling fallen", "rise rises rose rising risen"),
    ("increase increases increased increasing", "decrease decreases decreased decreasing"),
    ("decrease decreases decreased decreasing", "increase increases increased increasing"),
    ("win wins won winning", "lose loses lost losing"),
    ("accept accepts accepted accepting", "reject rejects rejected rejecting"),
    ("reject rejects rejected rejecting", "accept accepts accepted accepting"),
    ("approve approves approved approving", "reject rejects rejected rejecting"),
    ("open opens opened opening", "close closes closed closing"),
    ("support supports supported supporting", "oppose opposes opposed opposing"),
    ("oppose opposes opposed opposing", "support supports supported supporting"),
    ("praise praises praised praising", "criticise criticises criticised criticising"),
    ("criticise criticises criticised criticising", "praise praises praised praising"),
    ("allow allows allowed allowing", "ban bans banned banning"),
    ("ban bans banned banning", "allow allows allowed allowing"),
    ("acquit acquits acquitted acquitting", "convict convicts convicted convicting"),
    ("convict convicts convicted convicting", "acquit acquits acquitted acquitting"),
    ("liberate liberates liberated liberating", "conquer conquers conquered conquering"),
    ("gain gains gained gaining", "lose loses lost losing"),
    ("expand expands expanded expanding", "shrink shrinks shrank shrinking"),
    ("raise raises raised raising", "lower lowers lowered lowering"),
    ("strengthen strengthens strengthened strengthening", "weaken weakens weakened weakening"),
    ("succeed succeeds succeeded succeeding", "fail fails failed failing"),
    ("welcome welcomes welcomed welcoming", "condemn condemns condemned condemning"),
    ("condemn condemns condemned condemning", "welcome welcomes welcomed welcoming"),
    ("join joins joined joining", "leave leaves left leaving"),
    ("hire hires hired hiring", "fire fires fired firing"),
    ("boost boosts boosted boosting", "cut cuts cut cutting"),
    ("reclaim reclaims reclaimed reclaiming", "lose loses lost losing"),
    ("deny denies denied denying", "admit admits admitted admitting"),
    ("build builds built building", "demolish demolishes demolished demolishing"),
    ("release releases released releasing", "detain detains detained detaining"),
    ("agree agrees agreed agreeing", "refuse refuses refused refusing"),
    ("refuse refuses refused refusing", "agree agrees agreed agreeing"),
    ("arrive arrives arrived arriving", "depart departs departed departing"),
    ("ease eases eased easing", "tighten tightens tightened tightening"),
    ("lift lifts lifted lifting", "impose imposes imposed imposing"),
    ("impose imposes imposed imposing", "lift lifts lifted lifting"),
    ("defeat, defeats, defeated, defeating", "lose to, loses to, lost to, losing to"),
])

COMPARATIVES: dict[str, tuple[str, ...]] = {
    "highest": ("lowest",), "lowest": ("highest",), "higher": ("lower",), "lower": ("higher",),
    "largest": ("smallest",), "smallest": ("largest",), "larger": ("smaller",), "smaller": ("larger",),
    "biggest": ("smallest",), "bigger": ("smaller",), "best": ("worst",), "worst": ("best",),
    "better": ("worse",), "worse": ("better",), "strongest": ("weakest",), "weakest": ("strongest",),
    "stronger": ("weaker",), "weaker": ("stronger",), "fastest": ("slowest",), "slowest": ("fastest",),
    "faster": ("slower",), "slower": ("faster",), "earliest": ("latest",), "longest": ("shortest",),
    "shortest": ("longest",), "longer": ("shorter",), "shorter": ("longer",), "most": ("least",),
    "cheapest": ("most expensive",), "richest": ("poorest",), "poorest": ("richest",),
    "warmest": ("coldest",), "hottest": ("coldest",), "coldest": ("hottest",), "wettest": ("driest",),
}

#: Bounds, only before a number.
BOUNDS: dict[str, tuple[str, ...]] = {
    "at least": ("at most",), "at most": ("at least",), "more than": ("less than", "fewer than"),
    "fewer than": ("more than",), "less than": ("more than",), "over": ("under",), "under": ("over",),
    "up to": ("at least",), "no more than": ("no fewer than",), "no fewer than": ("no more than",),
    "above": ("below",), "below": ("above",), "exceeding": ("below",),
}

#: Wrong-sense swaps: a word read in another sense (what literal spinners and MT do).
WRONG_SENSE: dict[str, tuple[str, ...]] = {
    "talks": ("interviews",), "forces": ("causes",), "plants": ("factories",), "plant": ("factory",),
    "bill": ("invoice",), "cabinet": ("cupboard",), "sentence": ("phrase",), "charges": ("fees",),
    "charge": ("fee",), "grip on power": ("seizure of power",), "reclaimed": ("regenerated",),
    "top": ("best",), "party": ("celebration",), "parties": ("celebrations",), "state": ("condition",),
    "court": ("yard",), "bank": ("shore",), "banks": ("shores",), "fire": ("dismissal",),
    "stations": ("seasons",), "post": ("mail",), "cell": ("mobile",), "race": ("contest",),
    "capital": ("funds",), "strike": ("blow",), "board": ("plank",), "seat": ("chair",), "seats": ("chairs",),
    "minister": ("priest",), "ministers": ("priests",), "troops": ("herds",), "denied": ("deserted",),
    "incursion": ("entering",), "record": ("disc",), "case": ("box",), "cases": ("boxes",),
    "leave": ("holiday",), "tender": ("gentle",), "sanctions": ("approvals",),
}

MODAL_SWAPS: dict[str, tuple[str, ...]] = {
    "may": ("will",), "might": ("will",), "could": ("will", "must"), "would": ("will",), "should": ("must",),
    "will": ("may",), "must": ("could",), "likely": ("certain",), "possible": ("certain",),
    "alleged": ("proven",), "suspected": ("confirmed",), "plans to": ("has decided to",),
    "is expected to": ("will",), "are expected to": ("will",),
}

#: Reporting verbs whose swap changes how firmly something is asserted (modality).
REPORTING_SWAPS: dict[str, tuple[str, ...]] = {
    "claimed": ("confirmed",), "claims": ("confirms",), "alleged": ("proved",), "denied": ("confirmed",),
    "suggested": ("announced",), "hinted": ("announced",), "estimated": ("confirmed",),
}

HEDGES: dict[str, tuple[str, ...]] = {
    "about": ("around", "roughly", "approximately"), "around": ("about", "roughly"),
    "roughly": ("about", "approximately"), "approximately": ("about", "roughly"), "some": ("about",),
    "nearly": ("almost",), "almost": ("nearly",), "perhaps": ("maybe", "possibly"), "maybe": ("perhaps",),
    "possibly": ("perhaps",), "probably": ("likely",),
}

NEGATION_PARAPHRASES: dict[str, tuple[str, ...]] = {
    "did not": ("failed to", "didn't"), "didn't": ("did not",), "was not": ("wasn't",), "wasn't": ("was not",),
    "is not": ("isn't",), "isn't": ("is not",), "has not": ("hasn't",), "hasn't": ("has not",),
    "have not": ("haven't",), "would not": ("wouldn't",), "will not": ("won't",), "won't": ("will not",),
    "cannot": ("can't", "can not"), "can't": ("cannot",), "does not": ("doesn't",), "doesn't": ("does not",),
    "do not": ("don't",), "were not": ("weren't",), "unnecessary": ("not necessary",),
    "unlikely": ("not likely",), "refused to comment": ("declined to comment",),
    "declined to comment": ("would not comment",), "never": ("not once",),
}

#: Nouns that "<country>'s <noun>" may turn into "the <noun> of <country>" (MT style).
MT_POSSESSIVE_NOUNS = frozenset("""
economy government army military president leader parliament capital population budget exports imports
border borders troops forces ministry team people future position role decision response currency output
growth debt deficit election constitution opposition navy police banks airline
allies neighbours neighbors interests request offer demand plan plans proposal claims claim share
delegation regulator bank
""".split())

#: Verbs that may follow a noun phrase (with FUNCTION_WORDS and "-ed" forms: the noun phrase ended).
COMMON_VERBS = frozenset("said says told made makes took takes gave gives grew grows fell falls rose rises came "
                         "comes went goes met meets won wins lost loses sent sends held holds left leaves".split())

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
NUMBER_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
                "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
                "nineteen", "twenty")
TENS = {30: "thirty", 40: "forty", 50: "fifty", 60: "sixty", 70: "seventy", 80: "eighty", 90: "ninety"}
ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth")

UNITS: dict[str, tuple[str, ...]] = {
    "km": ("kilometres", "kilometers"), "kilometres": ("km",), "kilometers": ("km",), "kg": ("kilograms",),
    "kilograms": ("kg",), "percent": ("per cent", "%"), "per cent": ("percent", "%"), "%": (" percent",),
    "m": ("metres",), "metres": ("m",), "miles": ("mi",), "sq km": ("square kilometres",),
    "square kilometres": ("sq km",), "square kilometers": ("sq km",), "bn": (" billion",),
    "billion": ("bn",), "million": ("m",),
}

#: Words never swapped by a word swap or counted as content words (function words, written here).
FUNCTION_WORDS = frozenset("""
a an the and or but nor so yet for of to in on at by with from into onto upon over under about above
below between among through during before after since until while as than that this these those it its
he she they them his her their we us our you your i me my be is are was were been being have has had
do does did done will would shall should can could may might must not no nor if then there here when
where which who whom whose what why how all any both each few more most other some such own same too
very just also only even still again ever never now out up down off one two three
""".split())
