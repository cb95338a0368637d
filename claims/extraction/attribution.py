"""Who made a claim, read from the dependency parse of the sentence.

The speaker is the grammatical subject of a verb of saying ("X said", "said X", "X, director
of Y, said"), the object of "according to", the agent of a passive verb of saying ("it was
announced by X") or the possessor of a noun of saying ("X's claim that"). A name that is an
object or a topic ("asked Smith about Putin") is never the speaker. A title or an apposition
resolves to the person it names; an organisation (or a state) speaking is typed as such;
"he", "she", "they" and "it" resolve to the nearest compatible name already read, or to
nothing. When the parse gives no clear speaker, the claimant is empty: a wrong name would go
out in ClaimReview, an empty one only asks a person to fill it in.

Only sentences with a cue (a verb or noun of saying, a quotation mark, "according to") are
parsed, so the cost of the parser is paid where a speaker can be found.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from claims.extraction.segment import OPENERS

PERSON, ORGANISATION = "person", "organisation"

SAY_LEMMAS = frozenset(
    [
        "say",
        "tell",
        "claim",
        "state",
        "argue",
        "insist",
        "add",
        "announce",
        "tweet",
        "post",
        "declare",
        "warn",
        "allege",
        "testify",
        "report",
        "note",
        "explain",
        "boast",
        "reveal",
        "write",
        "assert",
        "contend",
        "maintain",
        "acknowledge",
        "admit",
        "deny",
        "confirm",
        "predict",
        "suggest",
        "estimate",
        "complain",
        "concede",
        "counter",
        "reply",
        "respond",
        "recall",
        "stress",
        "insist",
        "promise",
        "vow",
        "pledge",
        "urge",
        "charge",
        "accuse",
        "brag",
        "muse",
        "remark",
        "observe",
        "conclude",
    ]
)
SAY_NOUNS = frozenset(
    [
        "claim",
        "assertion",
        "statement",
        "boast",
        "remark",
        "remarks",
        "comment",
        "comments",
        "allegation",
        "allegations",
        "suggestion",
        "prediction",
        "promise",
        "pledge",
        "argument",
        "contention",
        "insistence",
        "admission",
        "denial",
        "warning",
        "detail",
        "revelation",
        "message",
    ]
)
# Common nouns that stand for an organisation when they are the speaker ("the council said").
ORGANISATION_NOUNS = frozenset(
    [
        "council",
        "ministry",
        "department",
        "government",
        "company",
        "police",
        "agency",
        "commission",
        "committee",
        "court",
        "party",
        "office",
        "board",
        "authority",
        "union",
        "bank",
        "firm",
        "campaign",
        "administration",
        "army",
        "military",
        "service",
        "institute",
        "university",
        "hospital",
        "school",
        "foundation",
        "charity",
        "group",
        "organisation",
        "organization",
        "regulator",
        "watchdog",
        "embassy",
        "parliament",
        "senate",
        "congress",
        "cabinet",
        "kremlin",
        "pentagon",
        "spokesman",
    ]
) - {"spokesman"}
# Nouns of a role: "a spokesman for the council said" speaks for the council.
ROLE_NOUNS = frozenset(
    [
        "spokesman",
        "spokeswoman",
        "spokesperson",
        "representative",
        "official",
        "statement",
        "spokespeople",
    ]
)
# Nouns of a document: "according to a report by Amnesty" is Amnesty's claim, but only when
# an organisation is named ("a study of 500 hospitals" names none that speaks).
DOCUMENT_NOUNS = frozenset(
    [
        "report",
        "study",
        "survey",
        "analysis",
        "data",
        "figures",
        "estimate",
        "estimates",
        "filing",
        "document",
        "documents",
        "letter",
        "memo",
        "release",
        "announcement",
        "audit",
        "review",
        "assessment",
        "poll",
        "research",
    ]
)
# Nouns a business goes by once named ("Microsoft ... The company said"): "the company" is
# the business named just before, never a place.
BUSINESS_NOUNS = frozenset(
    [
        "company",
        "firm",
        "group",
        "business",
        "bank",
        "retailer",
        "chain",
        "carrier",
        "airline",
        "insurer",
        "lender",
        "manufacturer",
        "carmaker",
        "drugmaker",
        "automaker",
        "chipmaker",
        "broadcaster",
        "publisher",
        "supermarket",
        "startup",
        "conglomerate",
        "utility",
        "giant",
        "service",
        "body",
        "maker",
        "producer",
        "supplier",
        "brand",
        "provider",
        "operator",
        "platform",
        "force",
        "club",
        "newspaper",
        "channel",
        "bloc",
        "alliance",
        "coalition",
        "movement",
        "militia",
        "network",
    ]
)
# What an organisation is called once it has been named: "the union", "the think tank" stand
# for the organisation (an ORG, not a place) named in the nearest sentence before that names
# one. Nouns a state is called by ("the government", "the army") are not among them.
ANAPHORIC_ORGANISATIONS = (
    BUSINESS_NOUNS
    | (
        ORGANISATION_NOUNS
        - {"government", "administration", "parliament", "senate", "congress", "cabinet"}
        - {"army", "military", "kremlin", "pentagon", "embassy", "police", "court", "campaign"}
    )
    | frozenset(
        [
            "organization",
            "trade union",
            "think tank",
            "trade body",
            "pressure group",
            "lobby group",
            "campaign group",
            "industry body",
        ]
    )
)
# Words that join a person's name in lower case ("Ursula von der Leyen", "Charles de Gaulle").
_NAME_PARTICLES = frozenset(
    [
        "von",
        "van",
        "der",
        "den",
        "de",
        "da",
        "del",
        "della",
        "di",
        "du",
        "la",
        "le",
        "dos",
        "das",
        "bin",
        "ibn",
        "al",
        "ter",
        "ten",
        "zu",
    ]
)
# Quotation marks alone are no cue: scare quotes are common, and a quote with no verb of
# saying has no speaker the grammar can give.
_CUE = re.compile(
    r"\baccording to\b|\b(?:saying|telling|tweeting|posting|claiming|arguing|warning|insisting|"
    r"adding|announcing|declaring|alleging|noting|explaining|boasting|revealing|stating|denying|"
    r"confirming|musing|writing|testifying|calling|called|calls|found|finds)\b|\b(?:said|says|told|tells|claim(?:s|ed)?|stated?|states|argued?|"
    r"argues|insist(?:s|ed)?|add(?:s|ed)|announc(?:e|es|ed)|tweet(?:s|ed)|posted|declared?|"
    r"warn(?:s|ed)|alleg(?:e|es|ed)|testified|report(?:s|ed)|not(?:e|es|ed)|explain(?:s|ed)|"
    r"boast(?:s|ed)?|reveal(?:s|ed)|wr(?:ote|ites|iting)|writing|assert(?:s|ed)|contend(?:s|ed)|"
    r"maintain(?:s|ed)|acknowledged?|admit(?:s|ted)|den(?:y|ies|ied)|confirm(?:s|ed)|"
    r"predict(?:s|ed)|suggest(?:s|ed)|estimated?|complain(?:s|ed)|conceded?|repl(?:y|ies|ied)|"
    r"respond(?:s|ed)|recall(?:s|ed)|stress(?:es|ed)|promised?|vow(?:s|ed)|pledged?|urged?|"
    r"accus(?:e|es|ed)|mused?|remark(?:s|ed)?|observed?|concluded?|statement|comments?|"
    r"allegations?|assertion|revelation|detail)\b",
    re.IGNORECASE,
)
_PERSON_PRONOUNS = {"he", "she", "him", "her", "his"}
_GROUP_PRONOUNS = {"they", "them", "their", "it", "its"}
_TITLES = frozenset(
    [
        "president",
        "prime",
        "minister",
        "senator",
        "sen.",
        "rep.",
        "representative",
        "gov.",
        "governor",
        "mayor",
        "dr",
        "dr.",
        "mr",
        "mr.",
        "mrs",
        "mrs.",
        "ms",
        "ms.",
        "prof",
        "prof.",
        "professor",
        "judge",
        "general",
        "gen.",
        "chancellor",
        "secretary",
        "councillor",
        "councilman",
        "councilwoman",
        "chairman",
        "chairwoman",
        "chief",
        "director",
        "rev.",
        "reverend",
        "sir",
        "dame",
        "lord",
        "lady",
        "king",
        "queen",
        "prince",
        "princess",
        "pope",
        "justice",
        "cllr",
    ]
)
# Parties and nationalities written before a name.
_AFFILIATIONS = frozenset(
    [
        "tory",
        "labour",
        "democrat",
        "democratic",
        "republican",
        "conservative",
        "liberal",
        "green",
        "snp",
        "gop",
        "independent",
        "socialist",
        "american",
        "british",
        "french",
        "german",
        "russian",
        "chinese",
        "israeli",
        "palestinian",
        "ukrainian",
        "iranian",
        "indian",
        "italian",
        "spanish",
        "canadian",
        "australian",
        "japanese",
        "turkish",
        "polish",
        "irish",
        "scottish",
        "welsh",
        "english",
        "dutch",
        "swedish",
        "brazilian",
        "mexican",
        "egyptian",
    ]
)
# Letters after a name ("James Ryder KC", "Jane Doe MP"): not part of it.
_POST_NOMINALS = frozenset(["kc", "qc", "mp", "mep", "msp", "obe", "cbe", "mbe", "phd", "jr", "sr"])


_PREFIXES = {"retired", "former", "late", "acting", "then", "ex", "deputy", "interim"}
# Nouns for a person whose name is not given: "the president said he..." leaves "he" unnamed.
PERSON_NOUNS = frozenset(
    [
        "president",
        "minister",
        "leader",
        "spokesman",
        "spokeswoman",
        "spokesperson",
        "official",
        "chief",
        "director",
        "senator",
        "governor",
        "mayor",
        "secretary",
        "man",
        "woman",
        "officer",
        "commander",
        "ambassador",
        "envoy",
        "adviser",
        "advisor",
        "aide",
        "analyst",
        "expert",
        "source",
        "person",
        "author",
        "lawyer",
        "judge",
    ]
)
_RELATIVE = {"who", "that", "which", "whom"}
# Frequent first names whose bearers are mostly of one sex: enough to skip an antecedent a
# pronoun cannot mean ("Tom Hale met Jane Doe. She said..."); a name in neither list fits both.
_MALE_NAMES = frozenset(
    [
        "john",
        "james",
        "robert",
        "michael",
        "william",
        "david",
        "richard",
        "joseph",
        "thomas",
        "charles",
        "christopher",
        "daniel",
        "matthew",
        "anthony",
        "mark",
        "donald",
        "steven",
        "paul",
        "andrew",
        "joshua",
        "kenneth",
        "kevin",
        "brian",
        "george",
        "edward",
        "ronald",
        "timothy",
        "jason",
        "jeffrey",
        "ryan",
        "jacob",
        "gary",
        "nicholas",
        "eric",
        "jonathan",
        "stephen",
        "larry",
        "justin",
        "scott",
        "brandon",
        "benjamin",
        "samuel",
        "gregory",
        "frank",
        "alexander",
        "raymond",
        "patrick",
        "jack",
        "dennis",
        "jerry",
        "tyler",
        "aaron",
        "jose",
        "adam",
        "henry",
        "nathan",
        "douglas",
        "zachary",
        "peter",
        "kyle",
        "walter",
        "ethan",
        "jeremy",
        "harold",
        "keith",
        "christian",
        "roger",
        "noah",
        "gerald",
        "carl",
        "terry",
        "sean",
        "austin",
        "arthur",
        "lawrence",
        "jesse",
        "dylan",
        "bryan",
        "joe",
        "jordan",
        "billy",
        "bruce",
        "albert",
        "willie",
        "gabriel",
        "logan",
        "alan",
        "juan",
        "wayne",
        "roy",
        "ralph",
        "randy",
        "eugene",
        "vincent",
        "russell",
        "elijah",
        "louis",
        "bobby",
        "philip",
        "johnny",
        "boris",
        "vladimir",
        "emmanuel",
        "olaf",
        "keir",
        "rishi",
        "narendra",
        "xi",
        "volodymyr",
        "barack",
        "bill",
        "mike",
        "ron",
        "ted",
        "bernie",
        "chuck",
        "mitch",
        "jair",
        "recep",
        "mohammed",
        "muhammad",
        "ahmed",
        "ali",
        "omar",
        "hassan",
        "ivan",
        "sergei",
        "dmitry",
        "viktor",
        "friedrich",
        "pedro",
        "luiz",
        "andres",
        "javier",
        "carlos",
        "luis",
        "jorge",
        "miguel",
        "antonio",
        "francesco",
        "marco",
        "luca",
        "giuseppe",
        "hans",
        "klaus",
        "jurgen",
        "pierre",
        "jean",
        "francois",
        "nicolas",
        "tom",
        "ben",
        "sam",
        "jim",
        "tim",
        "nick",
        "matt",
        "dan",
        "rob",
        "chris",
        "greg",
        "jeff",
        "doug",
        "liam",
        "oliver",
        "harry",
        "jamie",
    ]
)
_FEMALE_NAMES = frozenset(
    [
        "mary",
        "patricia",
        "jennifer",
        "linda",
        "elizabeth",
        "barbara",
        "susan",
        "jessica",
        "sarah",
        "karen",
        "nancy",
        "lisa",
        "betty",
        "margaret",
        "sandra",
        "ashley",
        "kimberly",
        "emily",
        "donna",
        "michelle",
        "dorothy",
        "carol",
        "amanda",
        "melissa",
        "deborah",
        "stephanie",
        "rebecca",
        "sharon",
        "laura",
        "cynthia",
        "kathleen",
        "amy",
        "shirley",
        "angela",
        "helen",
        "anna",
        "brenda",
        "pamela",
        "nicole",
        "emma",
        "samantha",
        "katherine",
        "christine",
        "debra",
        "rachel",
        "catherine",
        "carolyn",
        "janet",
        "ruth",
        "maria",
        "heather",
        "diane",
        "virginia",
        "julie",
        "joyce",
        "victoria",
        "olivia",
        "kelly",
        "christina",
        "lauren",
        "joan",
        "evelyn",
        "judith",
        "megan",
        "cheryl",
        "andrea",
        "hannah",
        "martha",
        "jacqueline",
        "frances",
        "gloria",
        "ann",
        "teresa",
        "kathryn",
        "sara",
        "janice",
        "jean",
        "alice",
        "madison",
        "doris",
        "abigail",
        "julia",
        "judy",
        "grace",
        "denise",
        "amber",
        "marilyn",
        "beverly",
        "danielle",
        "theresa",
        "sophia",
        "marie",
        "diana",
        "brittany",
        "natalie",
        "isabella",
        "charlotte",
        "rose",
        "alexis",
        "kayla",
        "kamala",
        "hillary",
        "nancy",
        "angela",
        "ursula",
        "theresa",
        "liz",
        "giorgia",
        "jacinda",
        "sanna",
        "kaja",
        "annalena",
        "marine",
        "christine",
        "kristi",
        "kathy",
        "gretchen",
        "alexandria",
        "ilhan",
        "nikki",
        "kristen",
        "tulsi",
        "elise",
        "marjorie",
        "lauren",
        "karoline",
        "fiona",
        "priya",
        "lena",
        "marta",
        "jane",
        "sue",
        "kate",
        "jo",
        "nicola",
        "yvette",
        "rayner",
        "angela",
        "anne",
        "sophie",
        "claire",
        "chloe",
        "lucy",
        "ella",
        "zoe",
    ]
) - {"jean", "jo", "rayner"}
_MALE_PRONOUNS = {"he", "him", "his"}
_FEMALE_PRONOUNS = {"she", "her"}


def looks_personal(name: str) -> bool:
    """A name the small model labelled an organisation that is a person's: two or three
    capitalised words opening on a frequent first name ("Olaf Scholz", "Marta Reyes")."""
    words = name.split()
    return (
        2 <= len(words) <= 3
        and all(w[:1].isupper() and w.replace("-", "").isalpha() for w in words)
        and words[0].lower() in _MALE_NAMES | _FEMALE_NAMES
    )


def compatible(name: str, pronoun: str) -> bool:
    """Whether a person's name can be what "he" or "she" stands for."""
    first = name.split()[0].lower() if name else ""
    if pronoun in _MALE_PRONOUNS:
        return first not in _FEMALE_NAMES or first in _MALE_NAMES
    if pronoun in _FEMALE_PRONOUNS:
        return first not in _MALE_NAMES or first in _FEMALE_NAMES
    return True


# The parser runs without spaCy's attribute ruler and lemmatizer (about 15 % faster): the
# coarse part of speech comes from the tagger's Penn tag, and the few lemmas the rules need
# from the word lists below.
_PENN = {
    "NN": "NOUN",
    "NNS": "NOUN",
    "NNP": "PROPN",
    "NNPS": "PROPN",
    "JJ": "ADJ",
    "JJR": "ADJ",
    "JJS": "ADJ",
    "PRP": "PRON",
    "PRP$": "PRON",
    "WP": "PRON",
    "WP$": "PRON",
    "MD": "AUX",
    "CD": "NUM",
    "DT": "DET",
    "IN": "ADP",
    "RB": "ADV",
}
_AUXILIARIES = {
    "be",
    "is",
    "are",
    "was",
    "were",
    "been",
    "being",
    "am",
    "have",
    "has",
    "had",
    "having",
    "do",
    "does",
    "did",
}
_IRREGULAR = {
    "said": "say",
    "says": "say",
    "told": "tell",
    "wrote": "write",
    "written": "write",
    "writing": "write",
    "writes": "write",
    "remarks": "remark",
    "comments": "comment",
    "found": "find",
    "finds": "find",
}


def pos_of(token: Any) -> str:
    """The coarse part of speech (Universal Dependencies) of a token, from its Penn tag."""
    tag = token.tag_
    if tag.startswith("VB"):
        return "AUX" if token.text.lower() in _AUXILIARIES else "VERB"
    return _PENN.get(tag, "X")


_KNOWN = (
    {"call", "find"}
    | SAY_LEMMAS
    | SAY_NOUNS
    | ORGANISATION_NOUNS
    | ROLE_NOUNS
    | DOCUMENT_NOUNS
    | BUSINESS_NOUNS
)


def lemma_of(token: Any) -> str:
    """The base form of a word the rules know ("announced" -> "announce", "councils" ->
    "council"), else the word in lower case."""
    word = token.text.lower()
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if word in _KNOWN or word in PERSON_NOUNS:
        return word
    for suffix in ("ing", "ies", "es", "ed", "s", "d"):
        if not word.endswith(suffix) or len(word) <= len(suffix) + 2:
            continue
        stem = word[: -len(suffix)]
        forms = [stem, stem + "e", stem + "y" if suffix in {"ies", "ied"} else ""]
        if len(stem) > 2 and stem[-1] == stem[-2]:
            forms.append(stem[:-1])  # "admitted" -> "admit"
        for form in forms:
            if form and (form in _KNOWN or form in PERSON_NOUNS):
                return form
    if word.endswith("ied") and word[:-3] + "y" in _KNOWN:
        return word[:-3] + "y"  # "denied" -> "deny"
    return word


def has_speech_cue(sentence: str) -> bool:
    """Whether a sentence may name a speaker (and so is worth parsing)."""
    return bool(_CUE.search(sentence))


@dataclass(frozen=True, slots=True)
class Mention:
    """A name already read: a candidate antecedent for a later pronoun or surname."""

    name: str
    type: str  # PERSON or ORGANISATION
    sentence: int = 0  # which sentence of the text named it
    label: str = ""  # the entity pass's label (ORG, GPE, ...), JOINT or UNNAMED
    opens: bool = False  # the name opens its sentence (and so is most often its subject)


def entity_type(label: str) -> str:
    if label == "PERSON":
        return PERSON
    if label in {"ORG", "GPE", "NORP"}:
        return ORGANISATION
    return ""


def full_name(name: str, previous: list[Mention]) -> str:
    """ "Trump" after "Donald Trump" is Donald Trump."""
    for earlier in reversed(previous):
        if earlier.name != name and earlier.name.endswith(" " + name):
            return earlier.name
    return name


# Titles that are part of how one person is named ("Pope Francis", "King Charles", "Lord
# Cameron"): kept before a single name, dropped before a full one ("Sir Keir Starmer").
_NAMING_TITLES = frozenset(["pope", "king", "queen", "prince", "princess", "lord", "lady", "dame"])


def _strip(name: str) -> str:
    name = re.sub(r"(?:’s|'s|’|')$", "", name.strip())
    words = name.split()
    while words and words[0].lower() in {"the", "a", "an"}:
        words.pop(0)
    while len(words) > 1 and (words[0].lower() in _TITLES or words[0].lower() in _PREFIXES):
        if len(words) == 2 and words[0].lower() in _NAMING_TITLES:
            break
        words.pop(0)
    while len(words) > 2 and words[-1].lower().strip(".,") in _POST_NOMINALS:
        words.pop()
    if (
        len(words) == 2
        and words[0].lower() in _AFFILIATIONS
        and words[1][:1].isupper()
        and not (_BODY_WORDS | _PLACE_WORDS | _AFFILIATIONS) & {words[1].lower()}
        and not words[1].lower().endswith(("ians", "ans", "ists", "ats", "ives"))
    ):
        words.pop(
            0
        )  # "Tory Jenrick", "Democrat Pelosi": not "Conservative Party", "Liberal Democrats"
    return " ".join(words).strip(" ,.;:")


def mentions_in(
    ents: list[dict[str, Any]],
    previous: list[Mention],
    sentence: int = 0,
    text: str = "",
    offset: int = 0,
) -> list[Mention]:
    """The names an entity pass found in a sentence, as antecedents. spaCy's small model
    sometimes labels a possessive surname ("Trump's") an organisation: a name that is the
    surname of a person already read stays a person. With the sentence's `text` (which starts
    at `offset`), a person's name the entity pass cut short is read whole ("Sadiq Khan" where
    it saw "Khan", "Ursula von der Leyen" where it saw "Ursula von der"), and two people
    joined by "and" are marked JOINT: "he" after "Whitty and Javid" is either."""
    found: list[Mention] = []
    known = previous + found
    ends: list[int] = []
    for ent in ents:
        kind = entity_type(str(ent["label"]))
        if not kind:
            continue
        start, end = int(ent["start"]) - offset, int(ent["end"]) - offset
        raw = str(ent["text"])
        if not raw.strip():
            continue
        if text and kind == PERSON and text[start:end] == raw:
            others = [
                (int(e["start"]) - offset, int(e["end"]) - offset) for e in ents if e is not ent
            ]
            start, end = _name_in_text(text, start, end, others)
            raw = text[start:end]
        name = _strip(raw)
        if not name or not name[0].isupper():
            continue
        if kind == ORGANISATION and (_surname_of_person(name, known) or looks_personal(name)):
            kind = PERSON
        if kind == PERSON:
            name = full_name(name, known)
        label = str(ent["label"])
        if (
            text
            and kind == PERSON
            and found
            and found[-1].type == PERSON
            and ends
            and re.fullmatch(r"\s+and\s+", text[ends[-1] : start])
        ):
            found[-1] = replace(found[-1], label=JOINT)
            label = JOINT
        # the sentence's subject, most often: it opens the sentence, or is a passive's agent
        opens = bool(text) and (
            not re.sub(r"^\W*(?:the\s+)?", "", text[:start], flags=re.IGNORECASE)
            or re.search(r"\bby\s+(?:the\s+)?$", text[:start])
        )
        opens = bool(opens)
        found.append(Mention(name, kind, sentence, label, opens))
        ends.append(end)
        known = previous + found
    return found


JOINT = "JOINT"  # the label of a person named jointly with another ("X and Y said")
UNNAMED = "UNNAMED"  # the label of a person only described ("The president met X.")
# Capitalised words that open sentences without being anyone's first name.
_NOT_FIRST_NAMES = OPENERS | frozenset(
    [
        "yesterday",
        "today",
        "tonight",
        "earlier",
        "later",
        "last",
        "next",
        "here",
        "which",
        "both",
        "new",
        "old",
        "only",
        "even",
        "also",
        "since",
        "during",
        "under",
        "over",
        "from",
        "by",
        "with",
        "without",
        "for",
        "to",
        "of",
    ]
)


def _name_in_text(
    text: str,
    start: int,
    end: int,
    others: list[tuple[int, int]] = [],  # noqa: B006 - read only
) -> tuple[int, int]:
    """A person's name as written, where the entity pass cut it: a one-word name takes the
    capitalised first name before it (not a title, not a word that opens sentences, not a
    possessive or another entity: "Russia's Putin", "Democrat Pelosi"), and a name ending on
    a particle ("Ursula von der") the capitalised word after it."""
    if not text[start:end].strip():
        return start, end
    if len(text[start:end].split()) == 1:
        before = re.search(r"([A-Z][a-z][\w-]*) $", text[:start])
        word = before.group(1).lower() if before else ""
        if (
            before
            and (word in _NAMING_TITLES or word not in _NOT_FIRST_NAMES | _TITLES | _PREFIXES)
            and not any(s <= before.start(1) < e for s, e in others)
        ):
            start = before.start(1)
    last = text[start:end].split()[-1]
    if last in _NAME_PARTICLES:
        after = re.match(r" ([A-Z][\w'’-]+)", text[end:])
        if after:
            end += after.end(1)
    return start, end


def _surname_of_person(name: str, known: list[Mention]) -> str:
    if " " in name:
        return ""
    for earlier in reversed(known):
        if earlier.type == PERSON and earlier.name and earlier.name.split()[-1] == name:
            return earlier.name
    return ""


_LEADING_PRONOUN = re.compile(r"^\W*(He|She)\b")


def leading_pronoun(sentence: str, previous: list[Mention], index: int) -> Mention | None:
    """A sentence that opens on "He" or "She" is about the person it refers to: that person
    is the first mention of the sentence (the subject) for the pronouns that follow."""
    if not _LEADING_PRONOUN.match(sentence):
        return None
    pronoun = _LEADING_PRONOUN.match(sentence).group(1).lower()  # type: ignore[union-attr]
    name = person_antecedent(previous, pronoun)
    return Mention(name, PERSON, index, opens=True) if name else None


# Two- and three-word places the small model may read as the names they look like.
_PLACES = frozenset(
    """hong kong|sri lanka|costa rica|saudi arabia|el salvador|puerto rico|buenos aires|tel aviv|
    abu dhabi|new york|new delhi|los angeles|san francisco|south korea|north korea|united states|
    united kingdom|new zealand|south africa|west bank|gaza strip|sierra leone|burkina faso|
    cape town|rio de janeiro|sao paulo|kuala lumpur|ivory coast|czech republic|northern ireland|
    great britain|latin america|north america|south america|middle east|las vegas|washington dc|
    st petersburg|south sudan|east timor|san diego|hong kong island|new jersey|new mexico|
    north carolina|south carolina|north dakota|south dakota|west virginia|rhode island""".replace(
        "\n", ""
    ).split("|")
)
_PLACE_WORDS = frozenset(
    [
        "city",
        "county",
        "council",
        "party",
        "bank",
        "republic",
        "kingdom",
        "states",
        "union",
        "ministry",
        "department",
        "island",
        "islands",
        "north",
        "south",
        "east",
        "west",
        "new",
        "san",
        "los",
        "las",
        "saint",
        "st",
        "united",
        "national",
        "royal",
        "university",
        "college",
        "school",
        "hospital",
        "group",
        "corporation",
        "company",
        "inc",
        "ltd",
        "plc",
        "fc",
        "club",
        "house",
        "street",
        "road",
        "river",
        "lake",
        "mount",
        "valley",
        "province",
        "region",
        "state",
        "district",
    ]
)


def person_antecedent(previous: list[Mention], pronoun: str) -> str:
    """The person "he" or "she" stands for: the first compatible person of the nearest
    sentence that names one. Nobody when that person is only described ("The president met
    X. He said...": the president) or named jointly with another ("X and Y met. He said...").
    With no person in reach, a sentence's opening two- or three-word name that the entity
    pass took for a place ("Kemi Badenoch was elected...") and that has none of the words of
    places and bodies (never one it took for an organisation: "Goldman Sachs cut jobs. He
    said..." names nobody)."""
    earlier = [
        m for m in previous if m.type == PERSON and compatible(full_name(m.name, previous), pronoun)
    ]
    if not earlier:
        for m in reversed(previous[-6:]):
            words = m.name.split()
            if (
                m.opens
                and m.label == "GPE"
                and 2 <= len(words) <= 3
                and all(w[:1].isupper() and w.replace("-", "").isalpha() for w in words)
                and not (_PLACE_WORDS | _BODY_WORDS) & {w.lower() for w in words}
                and m.name.lower() not in _PLACES
            ):
                return m.name
        return ""
    nearest = [m for m in earlier if m.sentence == earlier[-1].sentence]
    chosen = nearest[0]
    if chosen.label == UNNAMED or not chosen.name:
        return ""
    if chosen.label == JOINT and len({m.name for m in nearest if m.label == JOINT}) > 1:
        return ""
    return full_name(chosen.name, previous)


DESCRIBED = "DESCRIBED"  # the label of a person a sentence opens by describing ("The mayor")
# What news calls a person it has named ("The singer", "The MP", "Ukraine's first lady").
DESCRIPTION_NOUNS = PERSON_NOUNS | frozenset(
    [
        "mp",
        "mep",
        "msp",
        "chancellor",
        "premier",
        "singer",
        "actor",
        "actress",
        "star",
        "player",
        "striker",
        "manager",
        "coach",
        "boss",
        "founder",
        "billionaire",
        "tycoon",
        "entrepreneur",
        "candidate",
        "nominee",
        "activist",
        "campaigner",
        "lady",
        "presenter",
        "host",
        "writer",
        "novelist",
        "journalist",
        "economist",
        "scientist",
        "researcher",
        "professor",
        "politician",
        "lawmaker",
        "legislator",
        "congressman",
        "congresswoman",
        "monarch",
        "king",
        "queen",
        "pope",
        "prince",
        "princess",
        "rapper",
        "footballer",
        "captain",
        "general",
        "veteran",
        "executive",
        "chairman",
        "chairwoman",
        "chair",
        "democrat",
        "republican",
        "conservative",
        "incumbent",
        "archbishop",
        "bishop",
        "cardinal",
        "rabbi",
        "imam",
        "vicar",
        "priest",
    ]
)
_DESCRIPTION = re.compile(
    r"^\W*(?:(?:On|In|At|After|Later|Earlier|Afterwards|Speaking|Yesterday|Today|Meanwhile|"
    r"Then|Last|This|Asked|Writing|Addressing)\b[^,]{0,30},\s+)?(?:The|[A-Z][\w-]*['’]s)\s+((?:[A-Za-z’'-]+\s+){0,3}?)("
    + "|".join(sorted(DESCRIPTION_NOUNS))
    + r")\b(?!['’])",
    re.IGNORECASE,
)


def leading_description(
    sentence: str, previous: list[Mention], index: int, before: str
) -> Mention | None:
    """A sentence that opens on "The mayor", "The former prime minister": the one person
    named in the sentence just before (or the one before that) when `before`, the text of
    the sentences between, does not mention that noun for someone else ("X met the president.
    The president said..."); else a person only described (UNNAMED), who a later "he" may
    mean as well as anyone named."""
    match = _DESCRIPTION.match(sentence)
    if not match:
        return None
    if re.match(r"\s+(?:of|for|at|from)\b", sentence[match.end() :]):
        return Mention("", PERSON, index, UNNAMED)  # "The president of the union": someone else
    people = [m for m in previous if m.type == PERSON and m.name and index - m.sentence <= 2]
    nearest = [m for m in people if m.sentence == people[-1].sentence] if people else []
    someone_else = re.search(
        rf"\b{match.group(2)}\b|\b(?:his|her|their)\s+(?:\w+\s+)?(?:{_KIN})\b",
        before,
        re.IGNORECASE,
    )
    if len({m.name for m in nearest}) == 1 and nearest[0].opens and not someone_else:
        # the one person named, as the subject of the sentence before, and no one else there
        return Mention(nearest[0].name, PERSON, index, DESCRIBED, opens=True)
    return Mention("", PERSON, index, UNNAMED)


_KIN = (
    "father|mother|son|daughter|wife|husband|brother|sister|partner|uncle|aunt|boss|"
    "deputy|predecessor|successor|rival|opponent|aide|adviser|lawyer"
)


def _description_speaks(doc: Any) -> bool:
    """The sentence's opening description is the subject of its verb of saying."""
    for token in doc[:8]:
        if (
            token.dep_ == "nsubj"
            and token.text.lower() in DESCRIPTION_NOUNS
            and lemma_of(token.head) in SAY_LEMMAS
        ):
            return True
    return False


def claimant(
    doc: Any, offset: int, ents: list[dict[str, Any]], previous: list[Mention]
) -> tuple[str, str]:
    """(claimant, claimant type) of a parsed sentence, or ("", "").

    `doc` is the spaCy parse of the sentence, which starts at `offset` in the text;
    `ents` are the entities of the entity pass (offsets into the text) and `previous` the names
    read before this sentence, nearest last."""
    spans = [
        (int(e["start"]) - offset, int(e["end"]) - offset, entity_type(str(e["label"])))
        for e in ents
        if entity_type(str(e["label"]))
    ]
    before_here = list(previous)
    for token in _speaker_tokens(doc):
        found = _resolve(doc, token, spans, before_here)
        if found[0]:
            return found
    return "", ""


def _speaker_tokens(doc: Any) -> list[Any]:
    """Heads of the phrases that hold the speaker, in order of preference: the verb of saying
    nearest the root first."""
    candidates: list[tuple[int, int, Any]] = []
    for token in doc:
        lemma = lemma_of(token)
        # "She called the ruling a political execution", "She found that there had been
        # failures": calling something something, and finding that, are saying it
        calls = (lemma == "call" and any(c.dep_ in {"oprd", "ccomp"} for c in token.children)) or (
            lemma == "find" and any(c.dep_ == "ccomp" for c in token.children)
        )
        if pos_of(token) in {"VERB", "AUX"} and (lemma in SAY_LEMMAS or calls):
            if not _main_clause(token):
                continue
            speaker = _subject_of(token)
            if speaker is not None:
                candidates.append((_depth(token), token.i, speaker))
        elif (
            token.dep_ == "ROOT"
            and pos_of(token) == "NOUN"
            and token.text.lower() in {"claims", "says", "warns", "argues", "insists", "states"}
        ):
            # "Woodward claims Trump sent...": the small model tags the verb as a noun.
            for child in token.lefts:
                if pos_of(child) == "PROPN" and child.dep_ in {"compound", "amod", "nsubj", "nmod"}:
                    candidates.append((0, token.i, child))
        elif token.text.lower() == "according":
            for to in token.children:
                if to.text.lower() == "to":
                    for obj in to.children:
                        if obj.dep_ == "pobj":
                            candidates.append((_depth(token), token.i, obj))
        elif pos_of(token) == "NOUN" and lemma in SAY_NOUNS:
            # "his claim that the US spent...": the possessor speaks when the noun carries the
            # content and is an argument of the sentence (not "despite Trump's claim, ...").
            carries = any(c.dep_ in {"acl", "ccomp"} for c in token.children)
            if carries and token.dep_ in {"nsubj", "nsubjpass", "dobj", "attr", "ROOT"}:
                for child in token.children:
                    if child.dep_ == "poss":
                        candidates.append((_depth(token) + 1, token.i, child))
            if lemma in {"detail", "revelation", "message", "warning", "statement", "claim"}:
                # "X dropped a detail: <claim>": the verb that has the noun as its object,
                # with a colon after it, says who speaks.
                verb = token.head
                if token.dep_ == "dobj" and any(t.text == ":" for t in doc[token.i :]):
                    subject = _subject_of(verb)
                    if subject is not None:
                        candidates.append((_depth(verb) + 1, token.i, subject))
    candidates.sort(key=lambda c: (c[0], c[1]))
    return [c[2] for c in candidates]


_QUOTATION = re.compile(r"[\"“][^\"“”]*(?:[\"”]|$)")


def _quoted_ranges(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _QUOTATION.finditer(text)]


def _inside(offset: int, ranges: list[tuple[int, int]]) -> bool:
    return any(start < offset < end for start, end in ranges)


def _main_clause(verb: Any) -> bool:
    """A verb of saying that carries the sentence: the root, or joined to it ("X said and
    added", "..., writing on social media, ..."), not one inside a relative clause, a clause
    of time or reason ("after Trump had said...") or a complement ("make him say")."""
    quoted = _quoted_ranges(verb.doc.text)
    token = verb
    for _ in range(50):
        if token.dep_ == "ROOT" or token.head.i == token.i:
            return True
        if _inside(token.head.idx, quoted) and not _inside(token.idx, quoted):
            return True  # the parser hung the reporting clause under the quoted words
        if token.dep_ not in {"conj", "advcl", "parataxis"}:
            return False
        if token.dep_ == "advcl" and any(c.dep_ == "mark" for c in token.children):
            return False
        token = token.head
    return False


def _depth(token: Any) -> int:
    depth = 0
    while token.head.i != token.i and depth < 50:
        token = token.head
        depth += 1
    return depth


def _subject_of(verb: Any) -> Any | None:
    """The subject of a verb of saying; an agent for a passive; the subject of the verb it
    hangs from for "..., writing on social media, ..." and "X said and added"."""
    for child in verb.children:
        if child.dep_ == "nsubj":
            return child
    for child in verb.children:
        if child.dep_ == "agent":
            for obj in child.children:
                if obj.dep_ == "pobj":
                    return obj
    if any(child.dep_ == "nsubjpass" for child in verb.children):
        return None  # "it was reported that ...": nobody named
    if verb.dep_ in {"advcl", "conj", "xcomp"} and verb.head.i != verb.i:
        head = verb.head
        if pos_of(head) in {"VERB", "AUX"}:
            for child in head.children:
                if child.dep_ == "nsubj":
                    return child
    return None


def _entity_at(token: Any, spans: list[tuple[int, int, str]]) -> tuple[int, int, str] | None:
    for start, end, kind in spans:
        if start <= token.idx < end:
            return start, end, kind
    return None


def _resolve(
    doc: Any, token: Any, spans: list[tuple[int, int, str]], previous: list[Mention]
) -> tuple[str, str]:
    text = token.text.lower()
    if pos_of(token) == "PRON" or text in _PERSON_PRONOUNS | _GROUP_PRONOUNS:
        return _pronoun(doc, token, spans, previous)
    # "Jane Doe, a spokeswoman for Y" / "the spokeswoman, Jane Doe": the name in the
    # apposition wins over a role noun.
    entity = _entity_at(token, spans)
    if entity is None or entity[2] != PERSON:
        for child in token.children:
            if child.dep_ == "appos":
                named = _entity_at(child, spans)
                if named is not None and named[2] == PERSON:
                    entity = named
                    token = child
                    break
    if entity is not None:
        start, end, kind = _whole_name(doc, entity, spans)
        name = _strip(doc.text[start:end])
        if not name:
            return "", ""
        if kind == ORGANISATION and _surname_of_person(name, previous):
            return _surname_of_person(name, previous), PERSON
        if kind == ORGANISATION and looks_personal(name):
            return full_name(name, previous), PERSON
        if kind == PERSON and _is_body(name):
            return name, ORGANISATION  # "Downing Street insisted": the office, not a person
        if kind == PERSON:
            return full_name(name, previous), PERSON
        return _strip(doc.text[_possessor_start(doc, token, (start, end, kind)) : end]), (
            ORGANISATION
        )
    lemma = lemma_of(token)
    surname = _surname_of_person(token.text, previous) if token.text[:1].isupper() else ""
    if surname and not any(c.dep_ in {"compound", "flat"} for c in token.children):
        return surname, PERSON  # a surname already read, whatever tag the model gave it
    if pos_of(token) == "PROPN" and token.text[:1].isupper():
        # A name the entity pass missed: a person only if it is a surname already read, or
        # a run of two or three capitalised words.
        phrase = _compound_chain(token)
        words = [t.text for t in phrase if t.text[:1].isupper()]
        surname = _surname_of_person(token.text, previous)
        if surname:
            return surname, PERSON
        if 2 <= len(words) <= 4 and len(words) == len(phrase):
            name = _strip(" ".join(words))
            if all(w.lower() in _TITLES | DESCRIPTION_NOUNS for w in name.split()):
                return "", ""  # "The Prime Minister said": a title, nobody named
            if _is_body(name):
                return name, ORGANISATION  # "Downing Street", "Acme Holdings"
            if " " in name or words[0].lower() in _TITLES:
                return full_name(name, previous), PERSON  # "Mr Farage" is a person
        if (
            len(phrase) == 1
            and token.dep_ == "nsubj"
            and token.text.isalpha()
            and token.text.lower() not in _MALE_NAMES | _FEMALE_NAMES | _TITLES | DESCRIPTION_NOUNS
            and not token.text.isupper()
            and not any(c.dep_ == "det" for c in token.children)
            and not any(m.type == PERSON and token.text in m.name.split() for m in previous)
        ):
            # "Uber told investors...": a single name the entity pass missed, never met
            # before as a person's: news names a person in full first, so an organisation.
            return token.text, ORGANISATION
        return "", ""
    if lemma in DOCUMENT_NOUNS:
        # "according to a report by Amnesty International": the organisation named speaks.
        for child in token.children:
            if child.dep_ in {"prep", "agent"} and child.text.lower() in {"from", "by", "of"}:
                for obj in child.children:
                    org = _entity_at(obj, spans) if obj.dep_ == "pobj" else None
                    if org is not None and org[2] == ORGANISATION:
                        return _strip(doc.text[org[0] : org[1]]), ORGANISATION
            if child.dep_ == "poss":
                org = _entity_at(child, spans)
                if org is not None and org[2] == ORGANISATION:
                    return _strip(doc.text[org[0] : org[1]]), ORGANISATION
        return "", ""
    if token.tag_ == "NNS" and lemma_of(token) in _GROUP_NOUNS | {"official"}:
        # "Scientists at the University of Oxford said": the organisation they speak from.
        for child in token.children:
            if child.dep_ == "prep" and child.text.lower() in {"at", "from", "of"}:
                for obj in child.children:
                    org = _entity_at(obj, spans) if obj.dep_ == "pobj" else None
                    if org is not None and org[2] == ORGANISATION:
                        return _strip(doc.text[org[0] : org[1]]), ORGANISATION
        return "", ""
    if lemma in ROLE_NOUNS:
        # "a spokesman for the council": the organisation speaks; "a spokesman for Emmanuel
        # Macron", the person.
        for child in token.children:
            if child.dep_ in {"prep"} and child.text.lower() in {"for", "of", "at", "from"}:
                for obj in child.children:
                    if obj.dep_ == "pobj":
                        named = _entity_at(obj, spans)
                        if named is not None and named[2] == PERSON:
                            return _resolve(doc, obj, spans, previous)
                        return _organisation(doc, obj, spans, previous)
            if child.dep_ in {"compound", "poss"}:
                org = _entity_at(child, spans)
                if org is not None and org[2] == ORGANISATION:
                    return _strip(doc.text[org[0] : org[1]]), ORGANISATION
        if lemma != "statement" and not any(c.dep_ in {"prep", "poss"} for c in token.children):
            # "The BBC apologised. A spokeswoman said...": for the organisation just named.
            return _nearest_organisation(previous, alone=True)
        return "", ""
    if lemma in ORGANISATION_NOUNS or _generic_name(token) in ANAPHORIC_ORGANISATIONS:
        return _organisation(doc, token, spans, previous)
    return "", ""


def _possessor_start(doc: Any, token: Any, entity: tuple[int, int, str]) -> int:
    """Where an organisation's name starts: an entity in lower case ("defence ministry") takes
    the place or body that owns it ("Ukraine's defence ministry")."""
    start = entity[0]
    if not doc.text[start : start + 1].islower():
        return start
    for child in token.children:
        if child.dep_ == "poss" and pos_of(child) == "PROPN" and child.idx < start:
            first = min(t.idx for t in child.subtree)
            if not doc.text[first:start].strip(" ’'s").count(" ") > 3:
                return first
    return start


def _whole_name(
    doc: Any, entity: tuple[int, int, str], spans: list[tuple[int, int, str]]
) -> tuple[int, int, str]:
    """A one-word entity that the parse shows is the end of a longer name: "Mayor Sadiq
    Khan" (the entity pass saw "Khan"), "Ursula von der Leyen" (it saw "Leyen" as a place).
    Capitalised names and lower-case particles joined to it as compounds, up to a title; a
    person if a person's name or a title is among them."""
    start, end, kind = entity
    first = next((t for t in doc if t.idx == start), None)
    if first is None or len(doc.text[start:end].split()) != 1:
        return entity
    new_start, person, i = start, kind == PERSON, first.i
    while i > 0 and first.i - i < 3:
        left = doc[i - 1]
        joined = left.dep_ in {"compound", "flat"} and start <= left.head.idx < end + 1
        word = left.text
        if not joined or word.isupper():
            break
        if word.lower() in _TITLES:
            person = True
            if word.lower() in _NAMING_TITLES and new_start == entity[0]:
                new_start = left.idx  # "Pope Francis", kept whole by _strip
            break
        particle = word in _NAME_PARTICLES
        if not particle and not (word[:1].isupper() and pos_of(left) == "PROPN"):
            break
        if lemma_of(left) in ORGANISATION_NOUNS | PERSON_NOUNS | ROLE_NOUNS:
            break
        named = _entity_at(left, spans)
        person = person or (named is not None and named[2] == PERSON)
        new_start, i = left.idx, i - 1
        start = new_start
    if new_start == entity[0] or doc.text[new_start:end].split()[0] in _NAME_PARTICLES:
        return entity if new_start == entity[0] or not person else (entity[0], end, PERSON)
    return new_start, end, PERSON if person else kind


def _organisation(
    doc: Any, token: Any, spans: list[tuple[int, int, str]], previous: list[Mention]
) -> tuple[str, str]:
    """An organisation named here, or "the council" after "Leeds City Council"."""
    entity = _entity_at(token, spans)
    if entity is not None and entity[2] == ORGANISATION:
        return _strip(doc.text[_possessor_start(doc, token, entity) : entity[1]]), ORGANISATION
    lemma = lemma_of(token)
    if lemma not in ORGANISATION_NOUNS and _generic_name(token) not in ANAPHORIC_ORGANISATIONS:
        return "", ""
    # "Bristol City Council will close..., the council said": named earlier in the sentence.
    for start, end, kind in reversed(spans):
        if kind == ORGANISATION and end <= token.idx and lemma in doc.text[start:end].lower():
            return _strip(doc.text[start:end]), ORGANISATION
    for earlier in reversed(previous[-12:]):
        if earlier.type == ORGANISATION and lemma in earlier.name.lower():
            return earlier.name, ORGANISATION
    if _generic_name(token) in ANAPHORIC_ORGANISATIONS:
        # "Microsoft released its results. The company said...": the organisation named in
        # the nearest sentence before that names one (an ORG, not a place), if only one is.
        found = _nearest_organisation(previous, business=lemma in BUSINESS_NOUNS)
        if found[0]:
            return found
    if token.tag_ == "NNS" and _generic_name(token) and lemma_of(token) != "police":
        return "", ""  # "the supermarkets said": which of them is not known
    if lemma not in ORGANISATION_NOUNS:
        return "", ""  # "the oil giant" with no giant named before: nobody the text names
    owner = next((c for c in token.children if c.dep_ == "poss" and pos_of(c) == "PRON"), None)
    if owner is not None and owner.text.lower() in _PERSON_PRONOUNS | {"their", "its"}:
        # "His government said": the government of the person "his" stands for.
        name, _ = _pronoun(doc, owner, spans, previous)
        rest = doc[owner.i + 1 : token.i + 1].text
        return (f"{name}'s {rest}", ORGANISATION) if name else ("", "")
    # The noun with what names it on the left: "Ukraine's foreign ministry", "city council".
    start = token.i
    for t in reversed(list(token.lefts)):
        if t.dep_ in {"compound", "amod", "poss"} and max(x.i for x in t.subtree) == start - 1:
            start = min(x.i for x in t.subtree)
        else:
            break
    words = token.doc[start : token.i + 1].text.split()
    while len(words) > 1 and words[0].lower() in {"the", "a", "an"}:
        words.pop(0)  # "The mayor's office" is the mayor's office
    if start == 0 and all(pos_of(t) == "NOUN" for t in token.doc[start : token.i + 1]):
        words[0] = words[0].lower()  # "Police said": the police, capitalised as the first word
    return " ".join(words), ORGANISATION


def _is_body(name: str) -> bool:
    """A name that ends as an office's address or a body's name does ("Downing Street",
    "Thames Valley Police"): an organisation, whatever the entity pass said."""
    return name.split()[-1].lower() in _ADDRESS_WORDS | _BODY_WORDS


# Last words of an address that speaks for an office ("Downing Street", "Elysee Palace").
_ADDRESS_WORDS = frozenset(["street", "palace", "house", "hall", "square", "avenue", "office"])
# Last words of an organisation's name ("Thames Valley Police", "Acme Holdings").
_BODY_WORDS = frozenset(
    [
        "council",
        "ministry",
        "department",
        "bank",
        "party",
        "agency",
        "commission",
        "committee",
        "court",
        "university",
        "college",
        "school",
        "hospital",
        "group",
        "company",
        "corporation",
        "inc",
        "ltd",
        "plc",
        "llc",
        "union",
        "institute",
        "foundation",
        "trust",
        "board",
        "authority",
        "service",
        "police",
        "army",
        "association",
        "federation",
        "society",
        "club",
        "fc",
        "holdings",
        "partners",
        "airlines",
        "airways",
        "motors",
        "media",
        "news",
        "times",
    ]
)


def _compound_chain(token: Any) -> list[Any]:
    """The token and the words compounded with it, in order, as long as they run unbroken
    up to it ("Mr Farage" in "Mr Farage, the Reform UK leader": not the leader's words)."""
    chain = [token]
    while chain[0].i > 0:
        before = token.doc[chain[0].i - 1]
        if before.dep_ not in {"compound", "flat"} or before.head.i not in {t.i for t in chain}:
            break
        chain.insert(0, before)
    return chain


# People who speak as a group from where they work ("officials at the Treasury").
_GROUP_NOUNS = frozenset(
    [
        "scientists",
        "researchers",
        "officials",
        "experts",
        "economists",
        "analysts",
        "doctors",
        "engineers",
        "staff",
        "lawyers",
        "executives",
        "sources",
    ]
)


def _nearest_organisation(
    previous: list[Mention], *, business: bool = False, alone: bool = False
) -> tuple[str, str]:
    """The organisation (an ORG, not a place) named in the nearest sentence before that names
    one, if it names only one and as its subject (or a passive's agent: "published by the
    Resolution Foundation"). A `business` is no party or public body ("Labour criticised the
    contract. The company said..." is the contractor); `alone`, no person is named with it
    ("Starmer was interviewed by the BBC. A spokesman said..." is his)."""
    named = [m for m in previous[-8:] if m.type == ORGANISATION and m.label == "ORG"]
    if not named:
        return "", ""
    sentence = named[-1].sentence
    nearest = [m for m in named if m.sentence == sentence]
    if len({m.name for m in nearest}) != 1 or not nearest[0].opens:
        return "", ""
    if business and _PUBLIC_BODY.search(nearest[0].name):
        return "", ""
    if alone and any(m.type == PERSON and m.sentence == sentence for m in previous):
        return "", ""
    return nearest[0].name, ORGANISATION


# Names of parties and public bodies, which "the company" or "the firm" never stands for.
_PUBLIC_BODY = re.compile(
    r"\b(?:party|council|ministry|department|government|nhs|labour|conservatives?|tories|tory|"
    r"democrats?|republicans?|greens?|snp|reform|liberal|lib dems?|unions?|police|army|"
    r"commission|parliament|senate|congress|agency|authority|office|court|committee|"
    r"university|hospital|school|trust)\b",
    re.IGNORECASE,
)


def _generic_name(token: Any) -> str:
    """ "company" for "the company", "think tank" for "the think tank", "giant" for "the oil
    giant": what an organisation already named is called, when "the" and common words
    describing it are all that go with it (no name, no owner, no number), else ""."""
    children = list(token.children)
    if not any(c.dep_ == "det" and c.text.lower() == "the" for c in children):
        return ""
    words = []
    for child in children:
        if child.dep_ == "det":
            continue
        if child.dep_ in {"compound", "amod"} and child.i < token.i and child.text.islower():
            words.append(child.text.lower())
            continue
        if child.dep_ in {"compound", "amod", "poss", "nmod", "prep", "appos", "nummod"}:
            return ""
    phrase = " ".join([*words, lemma_of(token)])
    return phrase if phrase in ANAPHORIC_ORGANISATIONS else lemma_of(token)


def _pronoun(
    doc: Any, token: Any, spans: list[tuple[int, int, str]], previous: list[Mention]
) -> tuple[str, str]:
    """The nearest compatible name: one read earlier in this sentence (nearest first), else
    the first one of the nearest sentence before that has one (the subject, most often).
    A person who is only described ("the president said he...") leaves it unnamed."""
    word = token.text.lower()
    if word in _RELATIVE:
        # "Smith, who said...": the relative pronoun stands for the noun its clause modifies.
        verb = token.head
        if verb.dep_ == "relcl" and verb.head.i != verb.i:
            return _resolve(doc, verb.head, spans, previous)
        return "", ""
    if word not in _PERSON_PRONOUNS | _GROUP_PRONOUNS:
        return "", ""  # "I", "we", "nobody", "this": who they are is not in the grammar
    want = PERSON if word in _PERSON_PRONOUNS else ORGANISATION
    here = [
        Mention(_strip(doc.text[s:e]), kind)
        for s, e, kind in spans
        if e <= token.idx and _strip(doc.text[s:e])
    ]
    if want == PERSON and any(
        t.i < token.i and t.dep_ in {"nsubj", "nsubjpass"} and lemma_of(t) in PERSON_NOUNS
        for t in doc
    ):
        return "", ""
    if want == ORGANISATION and word in {"they", "them", "their"}:
        # "they" may be people or an organisation; only a very near organisation is taken.
        nearby = [m for m in here if m.type == ORGANISATION]
        if nearby:
            return nearby[-1].name, ORGANISATION
        recent = previous[-3:]
        orgs = [m for m in recent if m.type == ORGANISATION]
        people = [m for m in recent if m.type == PERSON]
        if orgs and not people:
            return orgs[-1].name, ORGANISATION
        return "", ""
    fits = [m for m in here if m.type == want and compatible(full_name(m.name, previous), word)]
    if fits:
        chosen = fits[-1]
    elif want == PERSON:
        name = person_antecedent(previous, word)
        return (name, PERSON) if name else ("", "")
    else:
        earlier = [m for m in previous if m.type == want]
        if not earlier:
            return "", ""
        nearest = earlier[-1].sentence
        chosen = next(m for m in earlier if m.sentence == nearest)
    if want == PERSON:
        return full_name(chosen.name, previous), PERSON
    return chosen.name, ORGANISATION


_WHOLLY_QUOTED = re.compile(r'^\s*["“][^"“”]+["”]\s*$')
_QUOTE_CHARS = re.compile(r'["“”]')


# Capitalised sentence openers that are common nouns, not an unnamed person's name.
_COMMON_SUBJECTS = (
    ORGANISATION_NOUNS | ROLE_NOUNS | DOCUMENT_NOUNS | BUSINESS_NOUNS | DESCRIPTION_NOUNS
) | frozenset(
    [
        "police",
        "officials",
        "people",
        "residents",
        "critics",
        "voters",
        "it",
        "although",
        "though",
        "despite",
        "because",
        "until",
        "unless",
        "whether",
        "amid",
        "among",
        "following",
        "according",
        "asked",
        "speaking",
        "writing",
        "addressing",
        "once",
        "soon",
        "shortly",
        "instead",
        "indeed",
        "just",
        "perhaps",
        "maybe",
        "many",
        "most",
        "some",
        "several",
        "few",
        "all",
        "every",
        "each",
        "no",
        "not",
        "one",
        "two",
        "three",
        "first",
        "second",
        "another",
        "other",
        "such",
        "more",
        "less",
        "nearly",
        "almost",
        "about",
        "around",
        "like",
        "unlike",
        "given",
        "having",
        "being",
        "where",
        "whatever",
        "whoever",
        "nobody",
        "everyone",
        "someone",
        "anyone",
        "government",
        "police",
        "army",
    ]
)


class Reader:
    """Reads a text's sentences in order and keeps the names they give, so that a later
    "he said" or "the council said" resolves to a name already read."""

    def __init__(self) -> None:
        self.previous: list[Mention] = []
        self.quoted = -2  # the sentence whose quotation and speaker were read last
        self.last: tuple[str, str] = ("", "")
        self.recent: list[str] = []  # the last two sentences read

    def read(
        self, index: int, sentence: str, offset: int, ents: list[dict[str, Any]], doc: Any | None
    ) -> tuple[str, str]:
        """(claimant, claimant type) of sentence number `index` (which starts at `offset`;
        `doc` is its parse, if it was parsed), remembering the names it gives."""
        subject = leading_pronoun(sentence, self.previous, index) or leading_description(
            sentence, self.previous, index, " ".join(self.recent)
        )
        if subject is not None:
            self.previous.append(subject)
        found = ("", "")
        if doc is not None and has_speech_cue(sentence):
            found = claimant(doc, offset, ents, self.previous)
            if (
                not found[0]
                and subject is not None
                and subject.label == DESCRIBED
                and _description_speaks(doc)
            ):
                found = (subject.name, PERSON)  # "Sadiq Khan ... The mayor told LBC that..."
        elif _WHOLLY_QUOTED.match(sentence) and self.quoted == index - 1:
            # A quotation that goes on in the next sentence: "We have no choice," said X.
            # "Our grant has been cut by 40%." The speaker is still X.
            found = self.last
        self.quoted, self.last = (
            (index, found) if found[0] and _QUOTE_CHARS.search(sentence) else (-2, ("", ""))
        )
        if found[0]:
            # The speaker is the subject: the first antecedent the sentence offers.
            self.previous.append(Mention(found[0], found[1], index, opens=True))
        named = mentions_in(ents, self.previous, index, sentence, offset)
        if not found[0] and subject is None and not any(m.opens for m in named):
            opener = re.match(r"\W*([A-Z][\w’'-]+)\s", sentence)
            word = opener.group(1).lower() if opener else ""
            if (
                opener
                and word not in _NOT_FIRST_NAMES | _COMMON_SUBJECTS
                and not word.endswith("s")
            ):
                # "Lula met Joe Biden. He said...": a subject the entity pass did not name
                # is who "he" may mean, so nobody is named for it
                self.previous.append(Mention("", PERSON, index, UNNAMED, opens=True))
        self.previous.extend(named)
        self.previous = self.previous[-40:]
        self.recent = [*self.recent[-1:], sentence]
        return found
