"""What a question asks for, under which constraints, about which words.

"Hur många ungdomar fick feriejobb 2024?" asks for a count of "ungdomar", in 2024, about
what happened (the past tense), with the key words ungdomar and feriejobb. The answerer uses
this to check that a sentence it would answer with holds that kind of fact for those words.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from indexer.lexical.analysis import Analyzer, words
from indexer.structure.metadata import DISTRICTS, fold
from service.language.expansion import Expansion
from service.search.query import DISTRICT_ALIASES, DOC_TYPE_WORDS, YEAR


class Asked(StrEnum):
    PERSON = "person"
    COUNT = "count"
    AMOUNT = "amount"
    SHARE = "share"
    QUANTITY = "quantity"
    """"Hur stor/hög/mycket ...": a size of some kind, so a number."""
    DATE = "date"
    PLACE = "place"
    REASON = "reason"
    YES_NO = "yes/no"
    DESCRIPTION = "description"


ASKED_PATTERNS: list[tuple[Asked, re.Pattern[str]]] = [
    (
        Asked.AMOUNT,
        re.compile(
            r"\b(vad kosta(de|r)?|hur mycket (pengar|kosta(de|r)?|söktes|fick|satsa(des|s)?)|"
            r"hur många (kronor|miljoner|mnkr|tkr)|hur stor (budget|kostnad|summa)|"
            r"hur mycket [\w ]{0,30}\bbetala(r|de)?|"
            r"vilken (budget|summa|kostnad)|hur mycket har .* kostat|med hur mycket|"
            r"how much (money|did|does|was)|what did .* cost)\b",
            re.I,
        ),
    ),
    (
        Asked.SHARE,
        re.compile(
            r"\b(hur stor andel|vilken andel|hur stor del|hur många procent|hur stor procent|"
            r"what share|what proportion|what percentage)\b",
            re.I,
        ),
    ),
    (Asked.COUNT, re.compile(r"\b(hur många|hur stort antal|antalet|how many)\b", re.I)),
    (
        Asked.QUANTITY,
        re.compile(
            r"\bhur (stor|stort|stora|hög|högt|höga|låg|lågt|lång|långt|mycket)\b|"
            r"\b(how (big|high|large|much|long|tall|far|old))\b",
            re.I,
        ),
    ),
    (
        Asked.PERSON,
        re.compile(
            r"^\s*(vem|vilka personer|vilken person|who)\b|\bvad heter\b|\bvem (är|var|blir)\b",
            re.I,
        ),
    ),
    (
        Asked.DATE,
        re.compile(
            r"^\s*(när|when)\b|\b(vilket datum|vilken (dag|månad|vecka|tid på året)|"
            r"från och med när|öppettider(na)?|vilka tider|hur dags|vilken tid)\b",
            re.I,
        ),
    ),
    (
        Asked.PLACE,
        re.compile(
            r"^\s*(var|vart|where)\b(?!\s+(det|den|de)\s+(bra|dåligt|lyckat))|"
            r"\b(på vilken (plats|adress|gata)|vilken adress|i vilken lokal)\b",
            re.I,
        ),
    ),
    (
        Asked.REASON,
        re.compile(r"^\s*(varför|why)\b|\b(vad beror|av vilken anledning|vad är orsaken)\b", re.I),
    ),
    (
        Asked.YES_NO,
        re.compile(
            r"^\s*(finns|fanns|har|hade|är|var|ska|skulle|kommer|kan|kunde|får|fick|gör|"
            r"gjorde|blev|går|gick|erbjuds|erbjuder|ingår|planerar|stämmer|"
            r"do|does|did|is|are|was|were|has|have|can|will)\b",
            re.I,
        ),
    ),
]

PAST = re.compile(
    r"\b(fick|blev|var|hade|gick|kom|tog|fanns|gav|gjorde|hann|lyckades|ökade|minskade|"
    r"startade|uppgick|landade|slutade|nådde|klarade|hamnade|genomförde|öppnade|stängde|delade|"
    r"valde|införde|beslutade|använde|anställde|byggde|satsade|betalade|hölls|nådde|"
    r"vann|köpte|sålde|såg|sade|skrev|hittade|träffade|besökte|ordnade|anordnade|"
    r"[a-zåäö]{3,}(ades|des|tes))\b|\b(faktiskt|till slut|i slutändan)\b|"
    r"^\s*[a-zåäö]{2,}(ade|dde|tte)\b",
    re.I,
)
"""A finite verb in the past tense (irregular and common forms, and the passive -ades/-des/-tes;
not every -ade, which is as often an adjective: "placerade barn", but a question's first word
in -ade, which is its verb: "Hittade man ..."), or "faktiskt", "till slut": the question asks
what happened, not what was planned."""
NOT_PAST = frozenset({"andes", "endes"})
MONTHS = (
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
)
MONTH = re.compile(rf"\b({'|'.join(MONTHS)})\b", re.I)
TOPIC_SHARE = 0.5
"""Key words weighing at least this share of the rarest one name the question's topic."""
COUNTED_WORDS = 4
"""At most this many key words after "hur många" name what is counted ("samordnade
individuella planer (SIP)")."""
GENERIC = frozenset(
    {
        "stadsdel",
        "stadsdelsförvaltning",
        "stadsdelsnämnd",
        "förvaltning",
        "nämnd",
        "rapport",
        "rapporterna",
        "stockholm",
        "stad",
        "staden",
        "egentlig",
        "faktiskt",
        "ungefär",
        "totalt",
        "sammanlagt",
        "riktigt",
        "idag",
        "nu",
        "numera",
        "fortfarande",
        "just",
    }
)
"""Words that place a question (in the organisation, in time) rather than name its topic."""
LIGHT_VERBS = frozenset(
    {
        "fick",
        "fått",
        "få",
        "kom",
        "kommit",
        "gick",
        "gått",
        "gjorde",
        "gjort",
        "gjordes",
        "görs",
        "gör",
        "göra",
        "tog",
        "tagit",
        "blivit",
        "varit",
        "finnas",
        "fanns",
        "funnits",
        "ge",
        "ger",
        "gav",
        "givit",
        "gett",
        "dra",
        "drar",
        "drog",
        "dragit",
        "ihop",
        "igång",
        "iväg",
        "per",
        "sitt",
        "sin",
        "sina",
    }
)
"""Verbs that carry tense or aspect, the particles of phrasal verbs ("dra igång", "slå
ihop", "barn per anställd") and possessives ("sitt barn"): not topic."""


COUNT_VERBS = frozenset(
    {
        "går",
        "gick",
        "kom",
        "kommer",
        "deltog",
        "deltar",
        "bor",
        "bodde",
        "jobbar",
        "arbetar",
        "söker",
        "sökte",
        "besöker",
        "besökte",
        "använder",
        "använde",
        "väljer",
        "valde",
    }
)
"""Verbs right after "hur många" ("hur många går dit?"): the counted noun is left out, so
nothing is counted by name."""


@dataclass(frozen=True)
class KeyTerm:
    """A topic word of the question: its form as written, the terms that count as it (its
    own stems and parts, and the report words it maps to), and its weight (rarer weighs more)."""

    word: str
    terms: frozenset[str]
    weight: float


@dataclass(frozen=True)
class QuestionAnalysis:
    text: str
    asked: Asked
    past: bool
    years: tuple[int, ...]
    months: tuple[str, ...]
    """Months the question names: an answer must name one too."""
    districts: tuple[str, ...]
    """Stockholm districts the question names (in the index or not)."""
    key_terms: tuple[KeyTerm, ...] = field(default_factory=tuple)
    names: tuple[str, ...] = ()
    """Proper names and acronyms the question uses ("Gröna Lund", "Openlab", "SIP"), other
    than districts and the city: an answer's passage must name them too."""
    unknown: tuple[str, ...] = ()
    """Topic words the reports never use (nor any synonym of them): not counted in coverage."""
    counted: tuple[KeyTerm, ...] = ()
    """For "hur många X Y": the counted words (the key words among the next three)."""

    @property
    def total_weight(self) -> float:
        return sum(k.weight for k in self.key_terms)

    @property
    def topical(self) -> tuple[KeyTerm, ...]:
        """The key words that name the topic: those weighing at least TOPIC_SHARE of the
        rarest one (common words such as "hög", "fler" do not)."""
        heaviest = max((k.weight for k in self.key_terms), default=0.0)
        return tuple(k for k in self.key_terms if k.weight >= TOPIC_SHARE * heaviest)


class Frequencies:
    """What the analysis needs to know about the corpus (a BM25 index gives it)."""

    def __init__(
        self, analyzer: Analyzer, document_frequency: Callable[[str], int], size: int
    ) -> None:
        self.analyzer = analyzer
        self._df = document_frequency
        self.size = size

    def df(self, term: str) -> int:
        return int(self._df(term))

    def idf(self, term: str) -> float:
        return math.log((self.size + 1) / (self.df(term) + 1))


def analyse(
    question: str,
    expansion: Expansion,
    corpus: Frequencies,
    synonyms: Callable[[str], tuple[str, ...]] | None = None,
) -> QuestionAnalysis:
    """`synonyms` gives report words for any question word (the thesaurus, filtered to the
    corpus): a sentence that says "medel" covers a question's "pengar"."""
    asked = next((kind for kind, p in ASKED_PATTERNS if p.search(question)), Asked.DESCRIPTION)
    past = any(
        m.group(0).lower() not in NOT_PAST and not (m.group(0).lower() == "var" and _first(m))
        for m in PAST.finditer(question)
    )
    years = tuple(sorted({int(y) for y in YEAR.findall(question)}))
    districts = _districts(question)
    mapped = {fold(m.word): m.report_words for m in expansion.mappings}
    placed = _place_words(question, districts)
    keys: list[KeyTerm] = []
    unknown: list[str] = []
    for _, _, token in words(question):
        lower = token.lower()
        if fold(lower) in placed or lower.isdigit():
            continue
        own = corpus.analyzer.token_terms(token)
        if not own or own[0] in GENERIC or lower in GENERIC or lower in LIGHT_VERBS:
            continue
        terms = set(own)
        report_words = mapped.get(fold(token)) or (synonyms(token) if synonyms else ())
        for report_word in report_words:
            terms.update(corpus.analyzer.terms(report_word))
        if not any(corpus.df(t) for t in terms):
            unknown.append(token)
            continue
        weight = max(corpus.idf(t) for t in own[:1])
        keys.append(KeyTerm(token, frozenset(terms), weight))
    return QuestionAnalysis(
        text=question,
        asked=asked,
        past=past,
        years=years,
        months=tuple(dict.fromkeys(m.lower() for m in MONTH.findall(question))),
        districts=districts,
        key_terms=tuple(_merge(keys)),
        names=_names(question, placed),
        unknown=tuple(dict.fromkeys(unknown)),
        counted=_counted(question, keys) if asked is Asked.COUNT else (),
    )


NAME_WORD = re.compile(r"(?<![\w-])[A-ZÅÄÖ][\wåäöÅÄÖé+]*(?:-[A-ZÅÄÖ][\wåäöÅÄÖé+]*)*")
NOT_NAMES = frozenset({"kf", "kfs", "vb", "vp", "t1", "t2", "i", "en", "ett"})
CITY = frozenset({"stockholm", "stockholms", "sverige", "sweden", "swedish"})


def _names(question: str, placed: set[str]) -> tuple[str, ...]:
    """Capitalised words after the first word, and acronyms ("SiS" of "SiS-hem"), that are not
    districts (those are filters) or the city."""
    out: list[str] = []
    for match in NAME_WORD.finditer(question):
        if not question[: match.start()].strip():
            continue  # the question's first word is capitalised anyway
        name = match.group(0)
        folded = fold(name)
        parts = re.split(r"[\s-]+", folded)
        if all(p in placed or p in NOT_NAMES or p in CITY for p in parts) or folded in placed:
            continue
        out.append(name)
    return tuple(dict.fromkeys(out))


def _first(match: re.Match[str]) -> bool:
    """The match is the question's first word ("Var ..." asks where, it is not "was")."""
    return not match.string[: match.start()].strip()


def _merge(keys: list[KeyTerm]) -> list[KeyTerm]:
    """One key term per word (a word written twice counts once)."""
    seen: dict[frozenset[str], KeyTerm] = {}
    for key in keys:
        seen.setdefault(key.terms, key)
    return list(seen.values())


def _counted(question: str, keys: list[KeyTerm]) -> tuple[KeyTerm, ...]:
    match = re.search(r"\b(hur många|hur stort antal|antalet|how many)\b", question, re.I)
    if not match:
        return ()
    by_word = {k.word.lower(): k for k in keys}
    counted: list[KeyTerm] = []
    for _, _, word in words(question[match.end() :])[:COUNTED_WORDS]:
        key = by_word.get(word.lower())
        if key is None or word.lower() in COUNT_VERBS:
            break  # the counted words end at the first that is not a key word ("ska", "fick")
        counted.append(key)
    return tuple(counted)


def _districts(question: str) -> tuple[str, ...]:
    folded = f" {fold(question)} "
    found = [d for d in DISTRICTS if re.search(rf"\W{re.escape(fold(d))}s?\W", folded)]
    for alias, district in DISTRICT_ALIASES.items():
        if re.search(rf"\W{alias}s?\W", folded) and district not in found:
            found.append(district)
    return tuple(found)


def _place_words(question: str, districts: tuple[str, ...]) -> set[str]:
    """Folded words that name a district, a year or a report type: constraints, not topic."""
    out: set[str] = set()
    for district in districts:
        out.update(fold(district).replace("-", " ").split())
        out.add(fold(district))
    out.update(fold(a) for a in DISTRICT_ALIASES)
    lower = question.lower()
    for pattern, _ in DOC_TYPE_WORDS:
        for match in re.finditer(pattern, lower):
            out.update(fold(match.group(0)).split())
    for district in DISTRICTS:
        folded = fold(district)
        out.update({f"{folded}s", folded})
    return out
