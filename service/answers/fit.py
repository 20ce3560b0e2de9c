"""Does a sentence answer what the question asks? And if nothing does, what do the reports hold?

A sentence fits when it holds the kind of fact asked for (a name for "vem", a number beside
the counted word for "hur många", an amount, a share, a time, a place, a reason), comes from
or names the year asked for, is not a plan's target offered for an outcome, and carries
enough of the question's key words (or the report words they map to) in itself or in its
section. The refusal message names what the reports do say about the topic.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from indexer.labels import DOC_TYPE_NAMES
from indexer.lexical.analysis import normalise_numbers, words
from indexer.models import Chunk, DocumentInfo
from indexer.structure.metadata import DISTRICTS, fold
from service.answers.question import (
    CITY,
    MONTHS,
    Asked,
    Frequencies,
    KeyTerm,
    QuestionAnalysis,
)
from service.search.lexical import looks_english
from service.search.query import DISTRICT_ALIASES

NUMBER = re.compile(
    r"(?<![\d.,])\d+(?:[ ,.]\d+)*(?![\d.])|\b(två|tre|fyra|fem|sex|sju|åtta|nio|tio|"
    r"elva|tolv|tjugo|hundra|tusen|hälften|dubbelt|samtliga|alla|ingen|inga)\b",
    re.I,
)
"""A count: digits or a number word ("en"/"ett" are left out: as often articles)."""
WHOLE_WORDS = frozenset({"samtliga", "alla", "ingen", "inga", "hälften", "dubbelt"})
"""Number words that count only beside the counted word ("alla hyresgäster" counts
hyresgäster, not the participants asked about)."""
COUNTERS = frozenset({"gång", "gang", "tillfäll", "ställ", "plats"})
"""Stems of counted words that any number answers: "hur många gånger" is answered by "vid 24
polisförhör", "på hur många ställen" by "på två platser"."""
MONEY_AFTER = re.compile(r"\s*(kr\b|kronor|mnkr|tkr|miljon|miljard)", re.I)
MONEY_LABEL = re.compile(r"^[^:]*\b(kr|kronor|mnkr|tkr|pengbelopp)\b[^:]*:", re.I)
"""A table row whose label names a money unit: its figures are amounts, not counts."""
DIGITS = re.compile(r"\d+(?:[.,]\d+)*")
MONTH_NAMES = "|".join(MONTHS)
DATE = re.compile(rf"\d{{4}}-\d{{2}}-\d{{2}}|\b\d{{1,2}}\s+({MONTH_NAMES})\b", re.I)
"""Dates, whose digits are no quantity."""
YEAR_OR_GOAL = re.compile(r"^(19|20)\d{2}$|^\d+(\.\d+)+$")
AMOUNT = re.compile(r"\d[\d ,.]*\s*(mnkr|tkr|kr\b|kronor|miljon|miljoner|miljard)|\bmnkr\b", re.I)
SHARE = re.compile(
    r"%|\bprocent\b|\bhälften\b|\bvar (annan|tredje|fjärde|femte|tionde)\b|\d+ av \d+|"
    r"\b(en|två) (tredjedel|fjärdedel|femtedel)(ar)?\b|\bmajoriteten\b|\bflertalet\b",
    re.I,
)
"""A share stated as a figure: "andelen ska öka" names the share but does not give it."""
TIME = re.compile(
    rf"\b(19|20)\d{{2}}\b|\b({MONTH_NAMES}|våren|hösten|sommaren|vintern|sommarlovet|jullovet|"
    r"sportlovet|tertial|kvartal|vecka|veckan|dagligen|kvällar|helger)\b|\d{4}-\d{2}-\d{2}",
    re.I,
)
CLOCK_Q = re.compile(r"\b(öppettider(na)?|vilka tider|hur dags|vilken tid|klockan)\b", re.I)
CLOCK = re.compile(
    r"\b(kl\.?|klockan|\d{1,2}[.:]\d{2}|måndag(ar)?|tisdag(ar)?|onsdag(ar)?|torsdag(ar)?|"
    r"fredag(ar)?|lördag(ar)?|söndag(ar)?|vardagar|helger(na)?|kvällar|kvällstid|eftermiddag(ar)?|"
    r"förmiddag(ar)?|dygnet runt|dagligen|öppet)\b",
    re.I,
)
"""For "öppettider", "hur dags": a time of day or week, not just a year."""
WEEKDAY_Q = re.compile(
    r"\b(vilken veckodag|vilka (vecko)?dagar|vilka kvällar|vilken kväll|which days?|what days?|"
    r"which evenings?)\b",
    re.I,
)
WEEKDAY = re.compile(
    r"\b(måndag|tisdag|onsdag|torsdag|fredag|lördag|söndag)(ar|en|arna)?\b|\bvardagar\b", re.I
)
MAX_CONTEXTS = 4096
"""Analysed chunk contexts kept per build (the cache starts over when full)."""
COUNT_WINDOW = 8
"""A count must stand within this many words of the counted word."""
NAME = re.compile(r"(?<!^)(?<![.:!?]\s)\b[A-ZÅÄÖ][a-zåäöé]+(?:[ -][A-ZÅÄÖ][a-zåäöé]+)*")
AGENT = re.compile(
    r"\b(\w*(direktör|chef|ordförande|samordnare|handläggare|sekreterare|assistent|ansvarig|"
    r"ledare|församling|förening|polis|region|myndighet|organisation|föreningar|enhet(en)?|"
    r"förvaltning(en)?|nämnd(en)?|skola|skolor|aktör|aktörer|partner|personal|medarbetare))\b",
    re.I,
)
PLACE = re.compile(
    r"\b(\w*(lokal|plats|adress|torg|centrum|gata|park|bibliotek|gård|hus|område|skola|träff|"
    r"mötesplats|station|strand)\w*)\b",
    re.I,
)
ADDRESS_Q = re.compile(r"\b(adress(en)?|vilken gata|på vilken gata)\b", re.I)
ADDRESS = re.compile(
    r"\b[A-ZÅÄÖ]\w*(gatan|vägen|gränd|plan|backe|torg|allé|stigen|platsen)\b(\s+\d+)?|\badress",
)
"""For "vilken adress": a street, a square or the word itself, not just any place word."""
FREQUENCY_Q = re.compile(r"\bhur ofta\b|\bhow often\b", re.I)
FREQUENCY = re.compile(
    r"\d|%|\b(procent|andel|hälften|(i|per|om)\s+(dagen|veckan|månaden|året|terminen)|"
    r"gång(er)?\s+(i|per|om)\s+(dagen|veckan|månaden|året|terminen)|varje\s+(dag|vecka|"
    r"månad|år|termin)|dagligen|veckovis|varannan|\d+\s*(ggr|gånger)|en gång|två gånger|"
    r"(måndag|tisdag|onsdag|torsdag|fredag|lördag|söndag)(ar)?)\b",
    re.I,
)
"""For "hur ofta": how many times per period, the days it happens, or a figure (a rate)."""
NAME_Q = re.compile(
    r"\bvad heter\b|\bvilken (förening|organisation|aktör|myndighet|skola|förskola|firma|"
    r"företag|person|partner)\b|\bwhat is the name\b",
    re.I,
)
"""Questions that want a proper name, not a description."""
PLANNED = re.compile(
    r"\b(ska|skall|planera(s|r)|kommer (inte )?att|målet|mål(et)? är|årsmål|avser|beräknas|"
    r"förväntat|förväntas|prognos)\b|"
    r"\bkommer (förvaltningen|enheten|nämnden|staden|verksamheten|man|vi|de|den|det) "
    r"(inte )?(att )?\w+",
    re.I,
)
OUTCOME = re.compile(
    r"\b(utfall(et)?|blev|uppgick|uppgår|landade|har (ökat|minskat|genomförts)|ökade|minskade|"
    r"genomfördes|hade)\b",
    re.I,
)
"""A result stated beside a target (an indicator row with its outcome) is an outcome."""
ROLE_WORDS = re.compile(
    r"\w*(direktör|chef|ordförande|samordnare|handläggare|rektor|borgarråd)\w*", re.I
)
ROLE_NAME_WINDOW = 3
"""A person's name stands within this many words of their role ("Stadsdelsdirektör Anna
Berg", "Anna Berg, socialborgarråd"): a name elsewhere in the sentence is someone else."""

TOPIC_BOUND = frozenset({Asked.COUNT, Asked.AMOUNT, Asked.SHARE, Asked.QUANTITY, Asked.YES_NO})
"""Questions whose answer is only an answer about the question's own topic."""
ASKED_NAMES = {
    Asked.PERSON: "någon person",
    Asked.COUNT: "något antal",
    Asked.AMOUNT: "något belopp",
    Asked.SHARE: "någon andel",
    Asked.QUANTITY: "någon siffra",
    Asked.DATE: "någon tidpunkt",
    Asked.PLACE: "någon plats",
    Asked.REASON: "något skäl",
}


@dataclass(frozen=True)
class Fit:
    """How a sentence meets the question: each failed check named."""

    coverage: float
    """Share of the key-term weight the sentence or its section carries."""
    kind: bool
    year: bool
    outcome: bool
    """False when the question asks what happened and the sentence is a plan's target."""
    covered: tuple[str, ...]
    names: bool = True
    """False when the passage lacks a name the question uses."""
    topic: bool = True
    """False when a figure or a yes/no is asked and the passage lacks the question's topic."""

    def ok(self, min_coverage: float) -> bool:
        return (
            self.kind
            and self.year
            and self.outcome
            and self.names
            and self.topic
            and self.coverage >= min_coverage
        )


@dataclass(frozen=True)
class PassageContext:
    """A chunk's heading, goals, unit and text: as terms, and squashed for finding names."""

    terms: frozenset[str]
    squashed: str


class FitChecker:
    def __init__(self, frequencies: Frequencies) -> None:
        self.frequencies = frequencies
        self.analyzer = frequencies.analyzer
        self._contexts: dict[str, PassageContext] = {}

    def context(self, chunk: Chunk) -> PassageContext:
        """Analysed once per chunk: an answer checks every sentence of a few chunks."""
        text = _context(chunk)  # the key: copies of a text in other units differ in unit
        found = self._contexts.get(text)
        if found is None:
            if len(self._contexts) >= MAX_CONTEXTS:
                self._contexts.clear()
            found = PassageContext(frozenset(self.analyzer.terms(text)), _squashed(text))
            self._contexts[text] = found
        return found

    def fit(self, q: QuestionAnalysis, sentence: str, chunk: Chunk, document: DocumentInfo) -> Fit:
        sentence_terms = set(self.analyzer.terms(sentence))
        passage = self.context(chunk)
        context_terms = sentence_terms | passage.terms
        covered = [k for k in q.key_terms if k.terms & context_terms]
        weight = q.total_weight
        coverage = sum(k.weight for k in covered) / weight if weight else 1.0
        return Fit(
            coverage=coverage,
            kind=self._kind(q, sentence, chunk, sentence_terms, context_terms),
            year=_year_fits(q, sentence, document) and _month_fits(q, sentence),
            outcome=not (q.past and _planned(sentence, chunk)),
            covered=tuple(k.word for k in covered),
            names=self._names_fit(q, sentence, passage),
            topic=self._topic_fits(q, context_terms),
        )

    def _names_fit(self, q: QuestionAnalysis, sentence: str, passage: PassageContext) -> bool:
        """Each name the question uses is in the passage (its text, heading, goals, unit); for
        an English question, in the corpus at all (its names may be translated in the text)."""
        if looks_english(q.text):
            return all(all(self.frequencies.df(t) for t in self.analyzer.terms(n)) for n in q.names)
        squashed = _squashed(sentence) + passage.squashed
        return all(_squashed(n) in squashed for n in q.names)

    def _names_the_topic(self, q: QuestionAnalysis, terms: set[str]) -> bool:
        """The sentence itself holds one of the question's rarest key words (an amount is only
        an answer in a sentence that says what it is for)."""
        if not q.key_terms or looks_english(q.text):
            return True
        return any(k.terms & terms for k in q.topical)

    def _topic_fits(self, q: QuestionAnalysis, context_terms: set[str]) -> bool:
        """For a figure or a yes/no, the question's topic (its rarest key words) must be in the
        passage: a figure, or a "yes", about something else is no answer."""
        if q.asked not in TOPIC_BOUND or not q.key_terms or looks_english(q.text):
            return True
        return any(k.terms & context_terms for k in q.topical)

    def _kind(
        self,
        q: QuestionAnalysis,
        sentence: str,
        chunk: Chunk,
        terms: set[str],
        context_terms: set[str],
    ) -> bool:
        role = ROLE_WORDS.search(q.text) if q.asked is Asked.PERSON else None
        if role:
            return self._named_role(q.text, role.group(0), sentence)
        if NAME_Q.search(q.text):
            return _has_new_name(q.text, sentence)
        if ADDRESS_Q.search(q.text):
            return bool(ADDRESS.search(sentence))
        if FREQUENCY_Q.search(q.text):
            return bool(FREQUENCY.search(DATE.sub(" ", sentence)))
        if q.asked is Asked.COUNT:
            return self._count_fits(q, sentence, context_terms)
        if q.asked is Asked.AMOUNT:
            money = AMOUNT.search(sentence) or (_money_table(chunk) and DIGITS.search(sentence))
            return bool(money) and self._names_the_topic(q, terms)
        if q.asked is Asked.SHARE:
            return bool(SHARE.search(sentence))
        if q.asked is Asked.QUANTITY:
            undated = DATE.sub(" ", sentence)
            given = _given_numbers(q.text)
            return any(
                not YEAR_OR_GOAL.match(m.group(0)) and m.group(0) not in given
                for m in DIGITS.finditer(undated)
            )
        if WEEKDAY_Q.search(q.text):
            return bool(WEEKDAY.search(sentence))
        if q.asked is Asked.DATE:
            pattern = CLOCK if CLOCK_Q.search(q.text) else TIME
            return bool(pattern.search(sentence))
        if q.asked is Asked.PERSON:
            return _has_new_name(q.text, sentence) or _has_new_agent(q.text, sentence)
        if q.asked is Asked.PLACE:
            return bool(NAME.search(sentence) or PLACE.search(sentence))
        return True

    def _named_role(self, question: str, role: str, sentence: str) -> bool:
        """The role asked about, with a name the question does not say beside it."""
        wanted = set(self.analyzer.terms(role))
        tokens = words(sentence)
        at = [i for i, (_, _, t) in enumerate(tokens) if wanted & set(self.analyzer.token_terms(t))]
        starts = [start for start, _, _ in tokens]
        for match in _new_names(question, sentence):
            i = next((n for n, start in enumerate(starts) if start >= match.start()), 0)
            if any(abs(i - j) <= ROLE_NAME_WINDOW for j in at):
                return True
        return False

    def _count_fits(self, q: QuestionAnalysis, sentence: str, context_terms: set[str]) -> bool:
        """A number (not a year, a goal number or a percentage) near a counted word, or, when
        the sentence does not repeat the counted word, in a passage about it."""
        text = normalise_numbers(sentence)
        tokens = words(text)
        counted = () if looks_english(q.text) else q.counted  # English words are not the reports'
        wanted: set[str] = set().union(*(k.terms for k in counted)) if counted else set()
        any_number = bool(counted) and all(k.terms & COUNTERS for k in counted)
        label = MONEY_LABEL.match(text)
        near = [
            i
            for i, (_, _, token) in enumerate(tokens)
            if wanted & set(self.analyzer.token_terms(token))
        ]
        given = _given_numbers(q.text)
        for i, (start, end, token) in enumerate(tokens):
            if not NUMBER.fullmatch(token) or YEAR_OR_GOAL.match(token) or token in given:
                continue
            if PERCENT_AFTER.match(text[end:]) or MONEY_AFTER.match(text[end:]):
                continue
            if label and start >= label.end():
                continue
            is_near = any(abs(i - j) <= COUNT_WINDOW for j in near)
            if token.lower() in WHOLE_WORDS:
                if any(abs(i - j) <= 2 for j in near):
                    return True
                continue
            if not counted or is_near or any_number:
                return True
            if not near and wanted & context_terms:
                return True
        return False


PERCENT_AFTER = re.compile(r"\s*(%|procent|procentenheter)", re.I)


MONEY_UNIT = re.compile(r"\b(mnkr|tkr|kr|kronor|miljoner kronor)\b", re.I)


def _money_table(chunk: Chunk) -> bool:
    """A table whose header names a money unit ("Budget 2024 (mnkr)", "Mnkr, netto"): its
    rows' figures are amounts even though no row says "mnkr"."""
    return bool(chunk.table_rows) and bool(MONEY_UNIT.search(" ".join(chunk.table_header or [])))


def _context(chunk: Chunk) -> str:
    """The sentence's section: its heading, its goals' titles, its unit and its passage."""
    goals = " ".join(g.title or "" for g in chunk.goals)
    return f"{chunk.section} {goals} {chunk.unit or ''} {chunk.text}"


def _year_fits(q: QuestionAnalysis, sentence: str, document: DocumentInfo) -> bool:
    if not q.years or len(q.years) > 1:
        return True
    year = q.years[0]
    return document.year == year or str(year) in sentence


def _month_fits(q: QuestionAnalysis, sentence: str) -> bool:
    lower = sentence.lower()
    return not q.months or any(m in lower for m in q.months)


def _squashed(text: str) -> str:
    """Lower case without spaces and hyphens: 'Bank ID' and 'BankID' are one name."""
    return re.sub(r"[\s-]+", "", text.lower())


def _planned(sentence: str, chunk: Chunk) -> bool:
    """A sentence stating a target, an intention or a forecast and no result: a row of an
    activity table, an expected result, or a sentence that says so."""
    header = " ".join(chunk.table_header or [])[:40].lower()
    if chunk.section.endswith("Förväntat resultat"):
        return True  # "har genomförts" in an expected result is what should have happened
    if header.startswith("aktivitet") or "Startdatum" in sentence:
        return not OUTCOME.search(sentence)
    return bool(PLANNED.search(sentence)) and not OUTCOME.search(sentence)


COLUMN_WORDS = frozenset(
    {
        "startdatum",
        "slutdatum",
        "årsmål",
        "periodicitet",
        "utfall",
        "prognos",
        "period",
        "avvikelse",
        "kommentar",
        "tertial",
        "indikator",
        "aktivitet",
        "periodens",
    }
)
"""Column names in table-row sentences: capitalised, but no names."""
PLACE_WORDS = (
    CITY
    | {part for d in DISTRICTS for part in re.split(r"[\s-]+", fold(d))}
    | {f"{part}s" for d in DISTRICTS for part in re.split(r"[\s-]+", fold(d))}
    | {part for alias in DISTRICT_ALIASES for part in alias.split()}
)
"""Folded words of the city's and the districts' names: places, not the name asked for."""


def _has_new_agent(question: str, sentence: str) -> bool:
    """A word for someone who acts (a unit, a role, an organisation) that the question does not
    already say: "Vem ..." is not answered by the question's own subject."""
    asked = {fold(w.lower()) for _, _, w in words(question)}
    return any(fold(m.group(0).lower()) not in asked for m in AGENT.finditer(sentence))


def _given_numbers(question: str) -> frozenset[str]:
    """Numbers the question itself states ("av de 31 barnen"): repeating them answers nothing."""
    return frozenset(m.group(0) for m in DIGITS.finditer(normalise_numbers(question)))


def _new_names(question: str, sentence: str) -> list[re.Match[str]]:
    """Proper names in the sentence that the question does not already say (and that are not
    the city's or a district's name, nor a table's column names)."""
    asked = {w.lower() for _, _, w in words(question)}
    out: list[re.Match[str]] = []
    for match in NAME.finditer(sentence):
        if match.group(0).lower() in COLUMN_WORDS or sentence[: match.start()].endswith(", "):
            continue
        parts = [p.lower() for p in re.split(r"[ -]", match.group(0))]
        if any(p not in asked and fold(p) not in PLACE_WORDS for p in parts):
            out.append(match)
    return out


def _has_new_name(question: str, sentence: str) -> bool:
    return bool(_new_names(question, sentence))


def refusal_message(
    q: QuestionAnalysis,
    closest: list[tuple[Fit, DocumentInfo]],
    districts_held: frozenset[str],
) -> str:
    """What the reports hold about the question's topic, and what they lack."""
    foreign = [d for d in q.districts if d not in districts_held]
    if foreign:
        held = " och ".join(sorted(districts_held)) or "inga stadsdelar"
        return f"Rapporterna gäller {held}, inte {' eller '.join(foreign)}."
    topical = {k.word for k in q.topical}
    best = max(closest, key=lambda fd: fd[0].coverage, default=None)
    if best is None or not topical & set(best[0].covered):
        topic = _join(list(q.unknown[:3])) or _words(q.key_terms) or "det du frågar om"
        return f"Rapporterna säger inget om {topic}."
    fit, document = best
    topic = ", ".join(w for w in dict.fromkeys(fit.covered) if w in topical)
    where = _label(document)
    missing = [k for k in q.key_terms if k.word not in fit.covered]
    if fit.coverage >= 0.5 and not fit.outcome:
        return f"Rapporterna nämner {topic} ({where}) men anger bara målet, inte utfallet."
    if fit.coverage >= 0.5 and not fit.year and q.years:
        return f"Rapporterna nämner {topic} ({where}) men inte för {q.years[0]}."
    if fit.coverage >= 0.5 and not fit.kind and q.asked in ASKED_NAMES:
        return f"Rapporterna nämner {topic} ({where}) men anger inte {ASKED_NAMES[q.asked]}."
    if q.unknown:
        return f"Rapporterna nämner {topic} ({where}) men inget om {_join(list(q.unknown[:3]))}."
    if missing:
        return f"Rapporterna nämner {topic} ({where}) men inget om {_words(tuple(missing))}."
    return f"Rapporterna nämner {topic} ({where}) men svarar inte på just den frågan."


def _label(document: DocumentInfo) -> str:
    name = DOC_TYPE_NAMES.get(document.doc_type or "", document.title)
    return " ".join(str(p) for p in (document.district, name, document.year) if p)


def _words(keys: tuple[KeyTerm, ...]) -> str:
    return _join([k.word for k in sorted(keys, key=lambda k: -k.weight)[:3]])


def _join(names: list[str]) -> str:
    """'a', 'a och b', 'a, b och c'."""
    return " och ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)
