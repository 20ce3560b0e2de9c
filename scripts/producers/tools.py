"""The programs each producer needs, found on PATH or where Debian puts them."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess

NEEDS = {
    "libreoffice": {"soffice": "libreoffice-writer-nogui"},
    "chromium": {"chromium": "chromium"},
    "typst": {},  # the compiler is the typst wheel: see MODULES
    "scanned": {
        "soffice": "libreoffice-writer-nogui",
        "pdftoppm": "poppler-utils",
        "img2pdf": "img2pdf",
    },
}
MODULES = {"typst": ("typst", "pip install -e '.[producers]'")}
CANDIDATES = {
    "soffice": ("soffice", "libreoffice", "/usr/lib/libreoffice/program/soffice"),
    "chromium": ("chromium", "chromium-browser", "google-chrome", "/usr/bin/chromium"),
    "pdftoppm": ("pdftoppm",),
    "img2pdf": ("img2pdf",),
}


def run(command: list[str], timeout: float) -> None:
    """Runs one of the tools with its output captured; a failure raises CalledProcessError."""
    subprocess.run(command, check=True, capture_output=True, timeout=timeout)


def find(tool: str) -> str | None:
    for candidate in CANDIDATES[tool]:
        path = shutil.which(candidate)
        if path:
            return path
    return None


def require(producers: list[str]) -> dict[str, str]:
    """Paths of the tools the chosen producers need; ToolMissing names what to install."""
    from scripts.producers.__main__ import ToolMissing

    found: dict[str, str] = {}
    missing: list[str] = []
    for producer in producers:
        for tool, package in NEEDS[producer].items():
            path = find(tool)
            if path:
                found[tool] = path
            else:
                missing.append(f"{tool} (Debian package {package}, for {producer})")
        if producer in MODULES and importlib.util.find_spec(MODULES[producer][0]) is None:
            module, install = MODULES[producer]
            missing.append(f"the Python module {module} ({install}, for {producer})")
    if missing:
        raise ToolMissing(
            "missing " + "; ".join(dict.fromkeys(missing)) + ". Run `make producers` as root "
            "to install them, or install them with your package manager."
        )
    return found
