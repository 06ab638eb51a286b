"""Write datasets/read/pdf/last_resort.ttf: a 1 KiB font whose two box glyphs stand for
every code point (cmap format 13, as Apple's and Unicode's last-resort fonts do): a
half-width box for Latin letters, digits and punctuation, a full-width box for CJK
and the full-width forms, so that pdfium's character boxes come out about as wide as
the printed characters (it measures them with the font it was given).

The PDF reader hands it to pdfium for every font a PDF does not embed, instead of
letting pdfium search the system's fonts: the search costs 5-8 ms a page where CJK
fonts are installed, and where none are, pdfium drops rotated lines whose glyphs it
cannot find. Reading text needs only the PDF's own character maps and widths, and
some glyph to measure. Needs fontTools (`pip install fonttools`); run once.
"""

from pathlib import Path

from fontTools.fontBuilder import FontBuilder
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib.tables._c_m_a_p import CmapSubtable

OUT = Path(__file__).resolve().parent.parent / "datasets" / "read" / "pdf" / "last_resort.ttf"


def _box(width: int):
    pen = TTGlyphPen(None)
    pen.moveTo((25, -120))
    pen.lineTo((25, 880))
    pen.lineTo((width - 25, 880))
    pen.lineTo((width - 25, -120))
    pen.closePath()
    return pen.glyph()


def _full_width(cp: int) -> bool:
    """CJK scripts and symbols, and the full-width forms (not the half-width ones)."""
    return (
        0x2E80 <= cp <= 0xD7FF
        or 0xF900 <= cp <= 0xFAFF
        or 0xFE30 <= cp <= 0xFE4F
        or 0xFF01 <= cp <= 0xFF60
        or 0xFFE0 <= cp <= 0xFFE6
        or cp >= 0x20000
    )


def main() -> None:
    fb = FontBuilder(1000, isTTF=True)
    fb.setupGlyphOrder([".notdef", "half", "full"])
    fb.setupGlyf({".notdef": _box(500), "half": _box(500), "full": _box(1000)})
    fb.setupCharacterMap({0x41: "half"})
    fb.setupHorizontalMetrics({".notdef": (500, 25), "half": (500, 25), "full": (1000, 25)})
    fb.setupHorizontalHeader(ascent=880, descent=-120)
    fb.setupNameTable({"familyName": "AnomalyLastResort", "styleName": "Regular"})
    fb.setupOS2(sTypoAscender=880, sTypoDescender=-120, usWinAscent=880, usWinDescent=120)
    fb.setupPost()
    cmap = CmapSubtable.newSubtable(13)  # many-to-one ranges: all of Unicode in one record
    cmap.platformID, cmap.platEncID, cmap.language = 3, 10, 0
    cmap.cmap = {
        cp: "full" if _full_width(cp) else "half" for cp in range(0x20, 0x110000) if not 0xD800 <= cp <= 0xDFFF
    }
    fb.font["cmap"].tables = [cmap]
    fb.font.save(OUT)
    print(f"{OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
