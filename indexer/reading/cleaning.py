"""Clean one line of extracted text: the same rules for the text layer and for OCR."""

from __future__ import annotations

import re
import unicodedata

STRAY_MARKUP = re.compile(r"</?(?:p|br|b|i|u|em|strong|span|div|li|ul|ol)\s*/?>", re.I)
# bullets drawn in Symbol or Wingdings fonts come through as private-use code points
SYMBOL_BULLETS = re.compile(r"[\uf0a7\uf0b7\uf06e\uf076\uf0d8\uf0fc\uf0a8]")
CONTROL_CHARS = re.compile(r"[\u0000-\u0008\u000b\u000e-\u001f\u007f\u00ad\u200b\ufeff]")


def clean_text(text: str) -> str:
    """Unicode-normalise a line and drop markup and control characters PDFs leave behind."""
    text = unicodedata.normalize("NFC", text)
    text = STRAY_MARKUP.sub("", text)
    text = CONTROL_CHARS.sub("", text)
    text = SYMBOL_BULLETS.sub("•", text)
    text = text.replace("\u00a0", " ").replace("\t", " ")
    return re.sub(r" {2,}", " ", text).strip()
