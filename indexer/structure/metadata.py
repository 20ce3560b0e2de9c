"""What a report is: district, year, report type, title and units, read from its own text.

The title block ("Verksamhetsplan 2024 för Hässelby-Vällingby stadsdelsnämnd", "Tertialrapport
Tertial 1 2021 för ...", "Verksamhetsberättelse VB 2024 för Vuxenenheten") and the
administration's name in the running header say it; the file name
(district_year_type) is the fallback, and a manifest next to the files may override both.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

from indexer.models import DocumentInfo, RawDocument

DISTRICTS = [
    "Bromma",
    "Enskede-Årsta-Vantör",
    "Farsta",
    "Hägersten-Älvsjö",
    "Hässelby-Vällingby",
    "Kungsholmen",
    "Norrmalm",
    "Rinkeby-Kista",
    "Skarpnäck",
    "Skärholmen",
    "Spånga-Tensta",
    "Södermalm",
    "Östermalm",
    "Norra innerstaden",
]
DOC_TYPE_PATTERNS = [
    (re.compile(r"tertialrapport\s*(?:tertial\s*)?2|\bT2\b", re.I), "tertialrapport-2"),
    (re.compile(r"tertialrapport\s*(?:tertial\s*)?1|\bT1\b", re.I), "tertialrapport-1"),
    (re.compile(r"tertialrapport", re.I), "tertialrapport-1"),
    (re.compile(r"verksamhetsberättelse|\bVB\s*\d{4}", re.I), "verksamhetsberattelse"),
    (re.compile(r"verksamhetsplan|\bVP\s*\d{4}", re.I), "verksamhetsplan"),
]
TITLE_LINE = re.compile(
    r"^(Verksamhetsplan|Tertialrapport|Verksamhetsberättelse)\b.{0,40}?\b(19|20)\d{2}\b", re.I
)
UNIT_TITLE = re.compile(
    r"^(?:Verksamhetsplan|Tertialrapport|Verksamhetsberättelse)\b.*?\b(?:19|20)\d{2}\s+för\s+(.+)$",
    re.I,
)
MANIFEST_NAMES = ("manifest.json", "rapportsok.json")
MANIFEST_FIELDS = {"title", "district", "year", "doc_type", "units"}


class ManifestError(Exception):
    """A corpus manifest that cannot be used."""


def fold(text: str) -> str:
    """Lowercase without diacritics or punctuation: 'Hässelby-Vällingby' -> 'hasselby vallingby'."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", " ", plain).strip()


def find_district(text: str) -> str | None:
    folded = f" {fold(text)} "
    for district in DISTRICTS:
        if f" {fold(district)} " in folded:
            return district
    for district in DISTRICTS:
        first = fold(district).split()[0]
        if len(first) > 5 and re.search(rf" {first}s? ", folded):
            return district
    return None


def find_doc_type(text: str) -> str | None:
    for pattern, doc_type in DOC_TYPE_PATTERNS:
        if pattern.search(text):
            return doc_type
    return None


def find_year(text: str) -> int | None:
    match = re.search(r"\b(20[0-4]\d|19[89]\d)\b", text)
    return int(match.group(1)) if match else None


def unit_from_title(title: str) -> str | None:
    """The unit a title block addresses, or None when it addresses a district council."""
    match = UNIT_TITLE.match(re.sub(r"\s+", " ", title).strip())
    if not match:
        return None
    target = match.group(1).strip().rstrip(".")
    if target.endswith("-"):
        return None  # a name cut at its hyphen ("för Hässelby-"): the rest is on the next line
    if find_district(target) and re.search(r"stadsdels(nämnd|förvaltning)", target, re.I):
        return None
    if re.search(r"stadsdelsnämnd$", target, re.I):
        return None
    return target


def _title_lines(doc: RawDocument) -> list[str]:
    lines: list[str] = []
    for page in doc.pages[:3]:
        texts = [ln.text for ln in page.lines]
        lines.extend(page.margin + texts)
    return lines


def _title(doc: RawDocument, lines: list[str]) -> str:
    if doc.info_title and TITLE_LINE.match(doc.info_title):
        return doc.info_title
    for i, line in enumerate(lines):
        if TITLE_LINE.match(line):
            nxt = lines[i + 1] if i + 1 < len(lines) else ""
            if line.rstrip().endswith("för") or (nxt and nxt[:1].islower()):
                return f"{line} {nxt}".strip()
            return line
    return Path(doc.name).stem.replace("_", " ")


def describe(doc: RawDocument, units: list[str], override: dict[str, Any] | None) -> DocumentInfo:
    """Document metadata from the title block and text, then the file name, then the manifest."""
    lines = _title_lines(doc)
    head = "\n".join(lines)
    title = _title(doc, lines)
    stem = Path(doc.name).stem
    spaced = stem.replace("-", " ").replace("_", " ")
    sources: dict[str, str] = {}
    found: dict[str, Any] = {}
    finders: tuple[tuple[str, Callable[[str], Any], str], ...] = (
        ("district", find_district, spaced),
        ("year", find_year, stem),
        ("doc_type", find_doc_type, spaced),
    )
    for field, find, file_name in finders:
        for source, text in (("title", title), ("text", head), ("file name", file_name)):
            if value := find(text):
                found[field], sources[field] = value, source
                break
    district, year, doc_type = found.get("district"), found.get("year"), found.get("doc_type")
    info = DocumentInfo(
        doc_id=doc_id_for(doc.name),
        name=doc.name,
        sha256=doc.sha256,
        title=title,
        district=district,
        year=year,
        doc_type=doc_type,
        units=units,
        page_count=len(doc.pages),
        sources=sources,
        ocr_pages=[page.number for page in doc.pages if page.ocr],
    )
    if override:
        apply_override(info, override)
    return info


def apply_override(info: DocumentInfo, override: dict[str, Any]) -> None:
    for key, value in override.items():
        if key not in MANIFEST_FIELDS:
            continue
        setattr(info, key, int(value) if key == "year" else value)
        info.sources[key] = "manifest"


def doc_id_for(name: str) -> str:
    """A stable, URL-safe id from the file name."""
    stem = fold(Path(name).stem).replace(" ", "-")
    return stem or "document"


def load_manifest(corpus: Path) -> dict[str, dict[str, Any]]:
    """Per-file overrides from corpus/manifest.json: {"file.pdf": {"district": ..., ...}}."""
    for name in MANIFEST_NAMES:
        path = corpus / name
        if not path.is_file():
            continue
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ManifestError(f"{path.name}: not valid UTF-8 JSON ({exc})") from exc
        files = data.get("files", data) if isinstance(data, dict) else None
        if not isinstance(files, dict):
            raise ManifestError(f"{path.name}: expected an object mapping file names to fields")
        out: dict[str, dict[str, Any]] = {}
        for file_name, fields in files.items():
            if not isinstance(fields, dict):
                raise ManifestError(f"{path.name}: entry for {file_name} must be an object")
            unknown = set(fields) - MANIFEST_FIELDS
            if unknown:
                raise ManifestError(
                    f"{path.name}: unknown field(s) {sorted(unknown)} for {file_name}"
                )
            out[file_name] = fields
        return out
    return {}
