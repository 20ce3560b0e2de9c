"""What a question asks for, and whether a sentence answers it (no model, a tiny corpus)."""

from __future__ import annotations

import math

from indexer.lexical.analysis import Analyzer
from indexer.models import Chunk, DocumentInfo
from service.answers.fit import Fit, FitChecker, refusal_message
from service.answers.question import Asked, Frequencies, QuestionAnalysis, analyse
from service.language.expansion import Expansion, Mapping

CORPUS = [
    "Under sommaren 2024 ska 300 ungdomar erbjudas feriejobb.",
    "Stadsdelsdirektör Anna Berg leder förvaltningen.",
    "Förskolan har 40 platser i Vällingby.",
    "Nämnden prognostiserar ett överskott om 20 mnkr.",
    "Andelen ekologiska livsmedel var 60 procent.",
    "Fritidsgården har öppet tre kvällar i veckan.",
    "Sjukfrånvaron har minskat.",
] * 3 + ["kommunal verksamhet", "skatt och avgifter"] * 2


def corpus(extra: tuple[str, ...] = ()) -> Frequencies:
    analyzer = Analyzer()
    counts: dict[str, int] = {}
    texts = CORPUS + list(extra)
    for text in texts:
        for term in set(analyzer.terms(text)):
            counts[term] = counts.get(term, 0) + 1
    return Frequencies(analyzer, lambda t: counts.get(t, 0), len(texts))


def doc(year: int, doc_type: str = "verksamhetsplan") -> DocumentInfo:
    return DocumentInfo("d", "d.pdf", "0", "Rapport", "Hässelby-Vällingby", year, doc_type)


def chunk(text: str, section: str = "") -> Chunk:
    return Chunk("d", text, text, "prose", [1], section, [], None, "h")


def check(question: str, sentence: str, year: int = 2024, **kwargs: object) -> Fit:
    freq = corpus()
    q = analyse(question, Expansion(), freq)
    return FitChecker(freq).fit(q, sentence, chunk(sentence), doc(year, **kwargs))  # type: ignore[arg-type]


def test_what_is_asked() -> None:
    freq = corpus()
    asked = {
        "Vem leder förvaltningen?": Asked.PERSON,
        "Hur många ungdomar fick feriejobb?": Asked.COUNT,
        "Vad kostade upprustningen?": Asked.AMOUNT,
        "Hur stor andel av livsmedlen är ekologiska?": Asked.SHARE,
        "Hur hög är sjukfrånvaron?": Asked.QUANTITY,
        "När öppnar fritidsgården?": Asked.DATE,
        "Var ligger förskolan?": Asked.PLACE,
        "Varför minskade sjukfrånvaron?": Asked.REASON,
        "Finns det feriejobb?": Asked.YES_NO,
        "Vad gör förskolan?": Asked.DESCRIPTION,
    }
    for question, kind in asked.items():
        assert analyse(question, Expansion(), freq).asked is kind, question


def test_constraints_and_key_words() -> None:
    q = analyse(
        "Hur många ungdomar fick feriejobb i Rinkeby-Kista i december 2024?", Expansion(), corpus()
    )
    assert q.past and q.years == (2024,) and q.months == ("december",)
    assert q.districts == ("Rinkeby-Kista",)
    assert {k.word for k in q.key_terms} == {"ungdomar", "feriejobb"}
    assert [k.word for k in q.counted] == ["ungdomar"], "counted words end at 'fick'"
    where = analyse("Var finns förskolan?", Expansion(), corpus())
    assert not where.past, "a question's first 'Var' asks where, it is not 'was'"


def test_a_plans_target_does_not_answer_what_happened() -> None:
    target = "Under sommaren 2024 ska 300 ungdomar erbjudas feriejobb."
    assert not check("Hur många ungdomar fick feriejobb 2024?", target).ok(0.1)
    assert check("Hur många ungdomar ska få feriejobb 2024?", target).ok(0.1)


def test_a_count_must_stand_by_the_counted_word() -> None:
    assert check("Hur många platser har förskolan?", "Förskolan har 40 platser i Vällingby.").kind
    assert not check(
        "Hur många ungdomar har förskolan?", "Förskolan har 40 platser i Vällingby."
    ).kind
    assert not check("Hur många platser har förskolan?", "Andelen var 60 procent platser.").kind


def test_names_amounts_shares_times() -> None:
    assert check(
        "Vem är stadsdelsdirektör?", "Stadsdelsdirektör Anna Berg leder förvaltningen."
    ).kind
    assert not check(
        "Vem är stadsdelsdirektör?", "Förvaltningen leds av en stadsdelsdirektör."
    ).kind
    assert check("Vad kostade det?", "Nämnden prognostiserar ett överskott om 20 mnkr.").kind
    assert not check("Vad kostade det?", "Sjukfrånvaron har minskat.").kind
    assert check(
        "Hur stor andel är ekologiska?", "Andelen ekologiska livsmedel var 60 procent."
    ).kind
    opening = "Fritidsgården har öppet tre kvällar i veckan."
    assert check("Vilka öppettider har fritidsgården?", opening).kind
    assert not check("Vilka öppettider har fritidsgården?", "Fritidsgården öppnade 2024.").kind
    assert not check("Hur hög är sjukfrånvaron?", "Aktivitet: Startdatum 2024-01-01.").kind


def test_the_year_asked_for() -> None:
    sentence = "Stadsdelsdirektör Anna Berg leder förvaltningen."
    assert check("Vem var stadsdelsdirektör 2024?", sentence, year=2024).year
    assert not check("Vem var stadsdelsdirektör 2021?", sentence, year=2024).year
    assert check("Vem var stadsdelsdirektör 2021?", sentence + " Så var det 2021.", year=2024).year


def test_everyday_words_count_through_their_mapping() -> None:
    freq = corpus()
    mapped = Expansion((Mapping("dagis", ("förskola",)),))
    q = analyse("Hur många platser har dagis?", mapped, freq)
    fit = FitChecker(freq).fit(q, "Förskolan har 40 platser i Vällingby.", chunk("x"), doc(2024))
    assert math.isclose(fit.coverage, 1.0) and fit.kind


def test_refusals_say_what_the_reports_hold() -> None:
    freq = corpus()
    held = frozenset({"Hässelby-Vällingby"})

    def message(question: str, sentence: str) -> str:
        q: QuestionAnalysis = analyse(question, Expansion(), freq)
        fit = FitChecker(freq).fit(q, sentence, chunk(sentence), doc(2024))
        return refusal_message(q, [(fit, doc(2024))], held)

    assert message("Hur många fältassistenter finns i Rinkeby-Kista?", "x") == (
        "Rapporterna gäller Hässelby-Vällingby, inte Rinkeby-Kista."
    )
    summer = message(
        "Hur många ungdomar fick feriejobb 2024?",
        "Under sommaren 2024 ska 300 ungdomar erbjudas feriejobb.",
    )
    assert summer.startswith("Rapporterna nämner ungdomar, feriejobb (Hässelby-Vällingby")
    assert summer.endswith("men anger bara målet, inte utfallet.")
    assert message("Vad säger bussarna om tunnelbanan?", "Sjukfrånvaron har minskat.").startswith(
        "Rapporterna säger inget om"
    )


def test_a_copy_in_another_unit_has_its_own_context() -> None:
    checker = FitChecker(corpus())
    text = "Förskolan har 40 platser i Vällingby."
    one = Chunk("d", text, text, "prose", [1], "", [], "Familjeenheten", "same-hash")
    other = Chunk("d", text, text, "prose", [1], "", [], "Vuxenenheten", "same-hash")
    assert checker.context(one) is checker.context(one)
    assert checker.context(one).squashed != checker.context(other).squashed


def test_a_count_is_no_amount_and_a_whole_word_counts_beside_its_noun() -> None:
    peng = "Förskolebarn (Pengbelopp kr per barn och år): Peng per år 145 062."
    assert not check("Hur många barn per anställd har förskolan?", peng).kind
    assert not check("Hur många platser har förskolan?", "Förskolan har 40 mnkr för platser.").kind
    far = "Samtliga förskolor gav plats åt sommarens feriejobb för ungdomar."
    assert not check("Hur många ungdomar fick feriejobb?", far).kind
    assert check("Hur många ungdomar fick feriejobb?", "Samtliga ungdomar fick feriejobb.").kind


def test_times_and_places_are_counted_by_any_number() -> None:
    freq = corpus(("Det hände två gånger.", "Det hände flera gånger."))
    q = analyse("Hur många gånger har fritidsgården öppet?", Expansion(), freq)
    assert [k.word for k in q.counted] == ["gånger"]
    opening = "Fritidsgården har öppet tre kvällar i veckan."
    assert FitChecker(freq).fit(q, opening, chunk(opening), doc(2024)).kind


def test_phrasal_verb_particles_are_no_topic() -> None:
    freq = corpus(("Vi drar igång ihop med dra igång.",) * 2)
    q = analyse("Hur många ungdomar skulle dra igång ihop feriejobb?", Expansion(), freq)
    assert {k.word for k in q.key_terms} == {"ungdomar", "feriejobb"}


def test_a_share_is_a_figure() -> None:
    question = "Hur stor andel av livsmedlen är ekologiska?"
    assert not check(question, "Andelen ekologiska livsmedel ska öka.").kind
    assert check(question, "Hälften av livsmedlen var ekologiska.").kind


def test_who_wants_someone_the_question_does_not_name() -> None:
    question = "Vem uppträdde i Gulsippans parklek?"
    assert not check(question, "I Gulsippans parklek uppträdde en trollkarl.").kind
    assert check(question, "I Gulsippans parklek uppträdde Anna Berg från Kulturhuset.").kind
    assert check("Vem leder arbetet?", "Arbetet leds av förvaltningen.").kind
    assert not check("Vem leder förvaltningen?", "Förvaltningen leder arbetet.").kind


def test_a_weekday_for_which_day() -> None:
    question = "Vilken veckodag har fritidsgården öppet?"
    assert not check(question, "Fritidsgården har öppet tre kvällar i veckan.").kind
    assert check(question, "Fritidsgården har öppet på tisdagar.").kind


def test_figures_of_a_money_table_are_amounts() -> None:
    freq = corpus()
    q = analyse("Vad kostar förskolan?", Expansion(), freq)
    row = "Förskolan: Kostnader 7,8, Netto 7,6."

    def table(header: list[str]) -> Chunk:
        return Chunk(
            "d",
            row,
            row,
            "table",
            [1],
            "",
            [],
            None,
            "h",
            table_header=header,
            table_rows=[["Förskolan", "7,8", "7,6"]],
        )

    checker = FitChecker(freq)
    assert checker.fit(q, row, table(["Budget 2024 (mnkr)", "Kostnader", "Netto"]), doc(2024)).kind
    assert not checker.fit(q, row, table(["Verksamhet", "Kostnader", "Netto"]), doc(2024)).kind


def test_what_happened_is_asked_by_any_past_verb() -> None:
    freq = corpus()
    for question in (
        "Hittade man några platser?",
        "Vann förskolan priset?",
        "Hur stor andel ekologisk mat köpte förskolan?",
        "Blev det feriejobb till slut?",
    ):
        assert analyse(question, Expansion(), freq).past, question
    assert not analyse("Hur många placerade barn finns?", Expansion(), freq).past


def test_a_plan_said_in_other_words_is_no_outcome() -> None:
    question = "Blev det feriejobb för ungdomar 2024?"
    for plan in (
        "Feriejobben kommer inte att erbjudas i maj utan kan bli aktuella under hösten.",
        "Under maj kommer förvaltningen ha ett möte om feriejobb för ungdomar.",
    ):
        assert not check(question, plan).outcome, plan
    assert check(question, "Under 2024 fick 300 ungdomar feriejobb.").outcome


def test_the_questions_own_number_is_no_answer() -> None:
    sentence = "Förvaltningen kontaktade 31 ungdomar om feriejobb."
    assert not check("Hur många av de 31 ungdomarna fick feriejobb?", sentence).kind
    assert check("Hur många ungdomar fick feriejobb?", sentence).kind


def test_which_evenings_want_weekdays() -> None:
    question = "Vilka kvällar har fritidsgården öppet?"
    assert not check(question, "Fritidsgården har öppet tre kvällar i veckan.").kind
    assert check(question, "Fritidsgården har öppet måndagar och torsdagar.").kind


def test_a_role_is_named_beside_it() -> None:
    question = "Vad heter stadsdelsdirektören?"
    assert check(question, "Stadsdelsdirektör Anna Berg leder förvaltningen.").kind
    far = "Representanter från Fokusgruppen var med och träffade stadsdelsdirektören på besöket."
    assert not check(question, far).kind


def test_what_one_pays_is_an_amount() -> None:
    freq = corpus()
    q = analyse("Hur mycket får man betala för förskolan i månaden?", Expansion(), freq)
    assert q.asked is Asked.AMOUNT
    assert "sitt" not in {
        k.word for k in analyse("Hur gammalt är sitt barn?", Expansion(), freq).key_terms
    }


def test_a_count_without_its_noun_is_answered_by_any_number() -> None:
    freq = corpus(("Många går dit.", "De går hem."))
    q = analyse("Finns det en fritidsgård, och hur många går dit?", Expansion(), freq)
    assert q.asked is Asked.COUNT and q.counted == ()
    sentence = "Under året hade fritidsgården 193 barn."
    assert FitChecker(freq).fit(q, sentence, chunk(sentence), doc(2024)).kind
