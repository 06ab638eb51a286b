"""Write datasets/read/last_resort.ttf: a 1 KiB font whose one box glyph stands for
every code point (cmap format 13, as Apple's and Unicode's last-resort fonts do).

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

OUT = Path(__file__).resolve().parent.parent / "datasets" / "read" / "last_resort.ttf"


def _box():
    pen = TTGlyphPen(None)
    pen.moveTo((50, -120))
    pen.lineTo((50, 880))
    pen.lineTo((950, 880))
    pen.lineTo((950, -120))
    pen.closePath()
    return pen.glyph()


def main() -> None:
    fb = FontBuilder(1000, isTTF=True)
    fb.setupGlyphOrder([".notdef", "box"])
    fb.setupGlyf({".notdef": _box(), "box": _box()})
    fb.setupCharacterMap({0x41: "box"})
    fb.setupHorizontalMetrics({".notdef": (1000, 50), "box": (1000, 50)})
    fb.setupHorizontalHeader(ascent=880, descent=-120)
    fb.setupNameTable({"familyName": "AnomalyLastResort", "styleName": "Regular"})
    fb.setupOS2(sTypoAscender=880, sTypoDescender=-120, usWinAscent=880, usWinDescent=120)
    fb.setupPost()
    cmap = CmapSubtable.newSubtable(13)  # many-to-one ranges: all of Unicode in one record
    cmap.platformID, cmap.platEncID, cmap.language = 3, 10, 0
    cmap.cmap = {cp: "box" for cp in range(0x20, 0x110000) if not 0xD800 <= cp <= 0xDFFF}
    fb.font["cmap"].tables = [cmap]
    fb.font.save(OUT)
    print(f"{OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
