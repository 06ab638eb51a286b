"""The fonts pdfium is given for fonts a PDF does not embed."""

from __future__ import annotations

import ctypes
from pathlib import Path

import pypdfium2.raw as raw

_LAST_RESORT = Path(__file__).with_name("last_resort.ttf")
_FONT_INFO = None  # kept alive while pdfium holds it


def last_resort_fonts() -> None:
    """Give pdfium one tiny font (scripts/make_last_resort_font.py) for every font a PDF
    does not embed, instead of a search of the system's fonts. Reading text needs only
    the PDF's own character maps and widths; the search costs 5-8 ms a page where CJK
    fonts are installed, and where none are, pdfium drops rotated lines whose glyphs it
    cannot find. Rendering (anomaly show) wants real glyphs: call system_fonts() first."""
    global _FONT_INFO
    if _FONT_INFO is not None:
        return
    data = _LAST_RESORT.read_bytes()
    buffer = ctypes.create_string_buffer(data, len(data))

    def font_data(this, font, table, out, size):
        if table:
            return 0  # pdfium asks for the whole file (table 0)
        if out and size >= len(data):
            ctypes.memmove(out, buffer, len(data))
        return len(data)

    kinds = dict(raw.FPDF_SYSFONTINFO._fields_)
    info = raw.FPDF_SYSFONTINFO()
    info.version = 1
    callbacks = {
        "Release": lambda *a: None,
        "EnumFonts": lambda *a: None,
        "MapFont": lambda *a: 1,
        "GetFont": lambda *a: 1,
        "GetFontData": font_data,
        "GetFaceName": lambda *a: 0,
        "GetFontCharset": lambda *a: 0,
        "DeleteFont": lambda *a: None,
    }
    for name, fn in callbacks.items():
        setattr(info, name, kinds[name](fn))
    _FONT_INFO = (info, buffer, callbacks)
    raw.FPDF_SetSystemFontInfo(ctypes.byref(info))


def system_fonts() -> None:
    """pdfium's own search of the system's fonts again (for rendering pages)."""
    global _FONT_INFO
    if _FONT_INFO is not None:
        raw.FPDF_SetSystemFontInfo(raw.FPDF_GetDefaultSystemFontInfo())
        _FONT_INFO = None
