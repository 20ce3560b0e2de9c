"""Figures as the reports write them: "3,2 %", "2 279,8", "-28,4", "750 st", "Tas fram av nämnd".

A cell becomes a number only when it is a number (with an optional unit) and nothing else, so a
target such as "Max 10 personer", "+/- 1 %" or "öka" keeps its words and no number is guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_NUMBER = r"(?P<sign>[-−–+]?)\s*(?P<int>\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+)(?:[,.](?P<frac>\d+))?"
_UNIT = r"(?P<unit>%|[A-Za-zÅÄÖåäö][\wÅÄÖåäö/.₂ ]{0,40}?)"
NUMBER_CELL = re.compile(rf"^{_NUMBER}\s*(?:{_UNIT})?\.?$")


@dataclass(frozen=True)
class Value:
    """A cell as written (`text`), and its number and unit when it is a plain figure."""

    text: str
    number: float | None = None
    unit: str | None = None

    def as_dict(self) -> dict[str, object]:
        return {"text": self.text, "value": self.number, "unit": self.unit}

    @staticmethod
    def from_dict(data: dict[str, object]) -> Value:
        number = data.get("value")
        unit = data.get("unit")
        return Value(
            text=str(data.get("text", "")),
            number=float(number) if isinstance(number, int | float) else None,
            unit=str(unit) if unit else None,
        )


MARKS = " ●•◆◇▪◦·—✓✔♀♂■◼□◾"
"""Symbols PDFs put in table cells (status marks, bullets) that are not part of the text."""
BROKEN_PHRASES = [
    (re.compile(r"nämnd\s*/\s*s\s*t\s*y\s*r\s*e\s*l\s*s\s*e", re.I), "nämnd/styrelse"),
]
"""Words a narrow column breaks apart ("nämnd/s tyrelse", "nämnd/styrel se")."""


def clean_cell(text: str) -> str:
    """Whitespace collapsed, marks and bullets dropped, words broken by narrow columns mended."""
    text = text.replace("\u00a0", " ").replace("♀", " ").replace("♂", " ")
    text = re.sub(r"\s+", " ", text).strip(MARKS)
    for pattern, whole in BROKEN_PHRASES:
        text = pattern.sub(whole, text)
    return text


def is_mark(text: str) -> bool:
    """Whether a cell holds only marks (or nothing)."""
    return not text.strip(MARKS + "\u00a0")


def parse_value(text: str) -> Value | None:
    """The value of a table cell; None for an empty cell or a lone dash."""
    cleaned = clean_cell(text)
    if not cleaned or cleaned in {"-", "–", "—"}:
        return None
    match = NUMBER_CELL.match(cleaned)
    if match is None:
        return Value(text=cleaned)
    number = float(re.sub(r"\D", "", match.group("int")) + "." + (match.group("frac") or "0"))
    if match.group("sign") in ("-", "−", "–"):
        number = -number
    unit = (match.group("unit") or "").strip() or None
    return Value(text=cleaned, number=number, unit=unit)


def split_trailing_numbers(text: str) -> tuple[str, list[str]]:
    """'varav vuxna 56,6 -7,4 49,2' -> ('varav vuxna', ['56,6', '-7,4', '49,2']).

    Budget sub-rows ("varav ...") often arrive inside their parent's name cell with their
    figures written after the name; this takes the figures off the end.
    """
    words = text.split()
    figures: list[str] = []
    while words:
        last = words[-1]
        if re.fullmatch(r"[-−–]?\d+(?:,\d+)?", last):
            if (
                len(words) >= 2
                and re.fullmatch(r"\d{1,3}", words[-2])
                and re.fullmatch(r"\d{3}(?:,\d+)?", last)
                and _looks_like_thousands(words, figures)
            ):
                figures.insert(0, f"{words[-2]} {last}")
                words = words[:-2]
                continue
            figures.insert(0, last)
            words = words[:-1]
            continue
        break
    return " ".join(words), figures


def _looks_like_thousands(words: list[str], figures: list[str]) -> bool:
    """'2 279,8' is one figure when the rest of the row's figures carry decimals too."""
    return words[-1].count(",") == 1 and all("," in f for f in figures)
