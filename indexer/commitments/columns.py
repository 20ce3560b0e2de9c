"""Which column of a report table holds what: column headers mapped to record fields.

Headers vary between reports and come out of PDFs broken inside words ("Perio dens utfall VB
2020", "Utfall kvinn or/ flickor", "Progno s helår", "Arsmål"), so they are compared folded:
lowercase, without diacritics, spaces or punctuation.
"""

from __future__ import annotations

import re

from indexer.structure.metadata import fold

DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def header_key(text: str) -> str:
    """'Utfall kvinn or/ flickor' -> 'utfallkvinnorflickor'."""
    return fold(text).replace(" ", "")


def table_kind(header: list[str]) -> str | None:
    """'indicator', 'activity', 'budget' or None, from a table's column headers."""
    keys = [header_key(h) for h in header]
    if any(k.startswith("indikator") for k in keys[:2]):
        return "indicator"
    if any(k.startswith("aktivitet") for k in keys[:2]):
        return "activity"
    fields = set(budget_columns(header, None).values())
    if any("mnkr" in k for k in keys) or {"costs", "income"} <= fields:
        return "budget"
    return None


def indicator_columns(header: list[str]) -> dict[int, str]:
    """Column index -> field for an indicator table (plan or follow-up)."""
    out: dict[int, str] = {}
    for index, text in enumerate(header):
        name = _indicator_field(header_key(text))
        if name and name not in out.values():
            out[index] = name
    return out


def _indicator_field(key: str) -> str | None:
    if key.startswith("indikator"):
        return "name"
    if key.startswith("kfs") and "arsmal" in key:
        return "kf_target"
    if "arsmal" in key:
        return "target"
    if "pojkar" in key or key.startswith("utfallman"):
        return "outcome_men"
    if "flickor" in key or "kvinn" in key:
        return "outcome_women"
    if key.startswith("prognos"):
        return "forecast"
    if "utfall" in key and (re.search(r"vb\d{4}", key) or "foregaende" in key):
        return "previous"
    if "utfall" in key:
        return "outcome"
    if key.startswith("periodicitet"):
        return "periodicity"
    if key.startswith("period"):
        return "period"
    return None


def activity_columns(header: list[str]) -> dict[int, str]:
    """Column index -> field for an activity table."""
    out: dict[int, str] = {}
    for index, text in enumerate(header):
        key = header_key(text)
        for prefix, name in (
            ("aktivitet", "name"),
            ("startdatum", "start"),
            ("slutdatum", "end"),
            ("avvikelse", "deviation"),
        ):
            if key.startswith(prefix) and name not in out.values():
                out[index] = name
    return out


def budget_columns(header: list[str], year: int | None) -> dict[int, str]:
    """Column index -> field for a budget table; the first column names the lines."""
    out: dict[int, str] = {}
    for index, text in enumerate(header):
        if index == 0:
            continue
        name = _budget_field(header_key(text), year)
        if name and name not in out.values():
            out[index] = name
    return out


def _budget_field(key: str, year: int | None) -> str | None:
    if key.startswith(("kostnad", "utgift")):
        return "costs"
    if key.startswith(("intakt", "inkomst")):
        return "income"
    if key.startswith("prognos"):
        return "forecast_after_transfers" if "efterresultat" in key else "forecast"
    if key.startswith("avvikelse"):
        return "deviation"
    if key.startswith(("begardabudgetjustering", "budgetjustering")):
        return "adjustments"
    if key.startswith(("prestations", "omslutning")):
        return "volume_changes"
    if key.startswith("budget"):
        return "budget"
    if "netto" in key:
        return _net_field(key, year)
    if "utfall" in key:
        return "outcome"
    if key == "mnkr":
        return "amount"
    return None


def _net_field(key: str, year: int | None) -> str:
    """'VP 2021 Netto' is this year's net and 'VP 2020* Netto' last year's."""
    if "utfall" in key:
        return "outcome"
    match = re.search(r"(19|20)\d{2}", key)
    if match and year and int(match.group(0)) < year:
        return "previous_net"
    return "net"


def is_date(text: str) -> bool:
    return bool(DATE.match(text.strip()))
