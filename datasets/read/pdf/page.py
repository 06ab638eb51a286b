"""What a PDF page holds: pieces of text with their boxes, the drawn lines, lines of
text (display coordinates: /Rotate turned upright, y growing downwards)."""

from __future__ import annotations

import ctypes
import re
from bisect import bisect_right
from dataclasses import dataclass, field

import pypdfium2 as pdfium
import pypdfium2.raw as raw

_TOL = 2.0  # points: drawn lines closer than this are one
_NUMERIC = re.compile(r"^[-+]?[\d,，.]+%?$")
_STARTS_BLOCK = re.compile(r"^\s*(?:表\s*[\d一二三四五六七八九十]|附表|目\s*录|单位\s*[:：]|注\s*[:：])")
_PIECE = re.compile(r"\S+")
_GARBLED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ue000-\uf8ff\ufffd]")


@dataclass
class Line:
    """A line of text outside ruled tables: its runs (x0, x1, text) left to right."""

    top: float
    bottom: float
    runs: list[tuple[float, float, str]]
    page: int
    height: float = 0.0
    pieces: list = field(default_factory=list)

    @property
    def x0(self) -> float:
        return self.runs[0][0]

    @property
    def x1(self) -> float:
        return self.runs[-1][1]

    @property
    def text(self) -> str:
        return "".join(r[2] for r in self.runs)


@dataclass
class Block:
    """What a page holds, top to bottom: a paragraph (lines) or a table (rows)."""

    kind: str  # "text" | "table"
    top: float
    page: int
    lines: list[Line] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    margin: bool = False  # a text line in the page's top or bottom margin
    cols: list | None = None  # a table without rules: its columns' x-ranges


def _pieces(
    page: pdfium.PdfPage, tp: pdfium.PdfTextPage, cuts: list[tuple[float, float, float]]
) -> tuple[list, bool, bool]:
    """(pieces of text as (text, x0, top, x1, bottom) in display coordinates, garbled,
    has images; a piece also says whether white space preceded it in the text layer).
    A piece is a run of characters without white space; its box comes
    from its first and last character (two pdfium calls, not one per character),
    except where a piece crosses one of the `cuts` (the vertical lines of ruled
    tables: cells printed without a gap) or does not run left to right: then each
    character is a piece of its own."""
    out: list[tuple] = []
    if True:
        h = tp.raw
        n = raw.FPDFText_CountChars(h)
        text = tp.get_text_range() if n else ""
        bad = len(_GARBLED.findall(text))
        if text:
            to_display = _display(page)
            rect = raw.FS_RECTF()
            box = raw.FPDFText_GetLooseCharBox
            generated = raw.FPDFText_IsGenerated

            if page.get_rotation() % 360 == 0:  # the usual page: only y turns over
                page_height = page.get_height()

                def char_box(i: int) -> tuple[float, float, float, float]:
                    box(h, i, rect)
                    return rect.left, page_height - rect.top, rect.right, page_height - rect.bottom

            else:

                def char_box(i: int) -> tuple[float, float, float, float]:
                    box(h, i, rect)
                    return to_display(rect.left, rect.top, rect.right, rect.bottom)

            cut_xs = [c[0] for c in cuts]
            for m in _PIECE.finditer(text):
                a, b = m.span()
                piece = m.group()
                # Printed apart from what precedes it (pdfium's own inserted spaces do not count).
                spaced = a > 0 and text[a - 1] in " \u3000" and not generated(h, a - 1)
                first = char_box(a)
                if b - a == 1:
                    out.append((piece, *first, spaced, a, b))
                    continue
                last = char_box(b - 1)
                x0, top, x1, bottom = first[0], min(first[1], last[1]), last[2], max(first[3], last[3])
                mid, height = (top + bottom) / 2, bottom - top
                straight = last[0] >= first[0] - 1 and abs((last[1] + last[3]) - (first[1] + first[3])) < height
                if straight and not _crosses(cuts, cut_xs, x0, x1, mid):
                    out.append((piece, x0, top, x1, bottom, spaced, a, b))
                    continue
                for i in range(a, b):  # the rare piece that needs every character
                    out.append((text[i], *char_box(i), spaced and i == a, i, i + 1))
        garbled = bad > 20 and bad > 0.2 * len(text)
        if bad:
            out = [(_GARBLED.sub("", p[0]), *p[1:]) for p in out if _GARBLED.sub("", p[0])]
    handle = page.raw
    images = not out and any(
        raw.FPDFPageObj_GetType(raw.FPDFPage_GetObject(handle, k)) == raw.FPDF_PAGEOBJ_IMAGE
        for k in range(raw.FPDFPage_CountObjects(handle))
    )
    return out, garbled, images


def _exploder(page: pdfium.PdfPage, tp: pdfium.PdfTextPage):
    """A function from a piece to its characters, each a piece of its own."""
    to_display = _display(page)
    rect = raw.FS_RECTF()
    h = tp.raw

    def explode(piece: tuple) -> list[tuple]:
        text, a, b = piece[0], piece[6], piece[7]
        if b - a <= 1 or len(text) != b - a:
            return [piece]
        out = []
        for i in range(a, b):
            raw.FPDFText_GetLooseCharBox(h, i, rect)
            out.append(
                (text[i - a], *to_display(rect.left, rect.top, rect.right, rect.bottom), piece[5] and i == a, i, i + 1)
            )
        return out

    return explode


def _crosses(cuts, cut_xs: list[float], x0: float, x1: float, mid: float) -> bool:
    """Whether a vertical cut lies inside (x0, x1) at height `mid`."""
    k = bisect_right(cut_xs, x0 + 1)
    while k < len(cuts) and cuts[k][0] < x1 - 1:
        if cuts[k][1] <= mid <= cuts[k][2]:
            return True
        k += 1
    return False


def _display(page: pdfium.PdfPage):
    """A function from a PDF box (left, top, right, bottom; y up) to display coordinates
    (x0, top, x1, bottom; y down), honouring the page's /Rotate."""
    w, h = page.get_width(), page.get_height()
    rot = page.get_rotation() % 360
    # get_width/height are of the displayed page: for 90/270 the media box is h x w.
    if rot == 0:
        return lambda left, top, right, bottom: (left, h - top, right, h - bottom)
    if rot == 90:  # shown turned clockwise: user x runs down, user y runs left to right
        return lambda left, top, right, bottom: (bottom, left, top, right)
    if rot == 180:
        return lambda left, top, right, bottom: (w - right, bottom, w - left, top)
    return lambda left, top, right, bottom: (w - top, h - right, w - bottom, h - left)  # 270


def _rulings(page: pdfium.PdfPage) -> tuple[list[tuple[float, float, float]], list[tuple[float, float, float]]]:
    """Drawn horizontal lines (y, x0, x1) and vertical lines (x, y0, y1), display coordinates.

    Lines come as stroked paths, thin filled rectangles, or rectangle outlines (a cell
    border drawn with `re`): all three are reduced to segments."""
    transform = _display(page)
    height = page.get_height() if page.get_rotation() % 360 == 0 else None  # the fast case
    hs, vs = [], []
    x, y = ctypes.c_float(), ctypes.c_float()
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    matrix = raw.FS_MATRIX()
    # The raw API: pypdfium2's object wrappers cost more than the rest of the page.
    page_handle = page.raw
    for k in range(raw.FPDFPage_CountObjects(page_handle)):
        handle = raw.FPDFPage_GetObject(page_handle, k)
        if raw.FPDFPageObj_GetType(handle) != raw.FPDF_PAGEOBJ_PATH:
            continue
        raw.FPDFPageObj_GetBounds(handle, left, bottom, right, top)
        x0, t, x1, b = transform(left.value, top.value, right.value, bottom.value)
        w, hgt = x1 - x0, b - t
        if w < 0.5 and hgt < 0.5:
            continue
        if hgt <= 3 and w > 3:
            hs.append(((t + b) / 2, x0, x1))
            continue
        if w <= 3 and hgt > 3:
            vs.append(((x0 + x1) / 2, t, b))
            continue
        # A larger path: its straight segments (cell outlines, polylines, a whole grid).
        raw.FPDFPageObj_GetMatrix(handle, matrix)
        _path_segments(handle, matrix, transform, hs, vs, x, y, height)
    return _joined(hs), _joined(vs)


def _joined(segments: list[tuple[float, float, float]]) -> list[tuple[float, float, float]]:
    """Collinear segments that touch or overlap merged into one (a producer that draws
    every cell's border separately gives thousands of short ones). Segments within half
    a point of each other are on one line; along it they merge where they meet."""
    out: list[tuple[float, float, float]] = []
    line: list[tuple[float, float, float]] = []
    for seg in sorted(segments) + [(float("inf"), 0.0, 0.0)]:
        if line and seg[0] - line[0][0] > 0.5:  # a new line: merge the last one's pieces
            pos = sum(s[0] for s in line) / len(line)
            lo = hi = None
            for _, a, b in sorted(line, key=lambda s: s[1]):
                if hi is not None and a <= hi + _TOL:
                    hi = max(hi, b)
                    continue
                if hi is not None:
                    out.append((pos, lo, hi))
                lo, hi = a, b
            out.append((pos, lo, hi))
            line = []
        line.append(seg)
    return out


_MOVETO, _LINETO = raw.FPDF_SEGMENT_MOVETO, raw.FPDF_SEGMENT_LINETO


def _path_segments(handle, m, transform, hs, vs, x, y, height: float | None = None) -> None:
    """The straight horizontal and vertical segments of a path (one producer draws a
    whole grid as one path of a thousand segments: this loop is kept lean). Segments
    are found in the page's own coordinates and turned to display ones at the end."""
    get_segment, get_point = raw.FPDFPath_GetPathSegment, raw.FPDFPathSegment_GetPoint
    get_type, get_close = raw.FPDFPathSegment_GetType, raw.FPDFPathSegment_GetClose
    a, b, c, d, e, f = m.a, m.b, m.c, m.d, m.e, m.f
    found: list[tuple[float, float, float, float]] = []
    start = prev = last = None
    for k in range(raw.FPDFPath_CountSegments(handle)):
        seg = get_segment(handle, k)
        get_point(seg, x, y)
        u, v = x.value, y.value
        px, py = a * u + c * v + e, b * u + d * v + f
        if get_type(seg) == _MOVETO:
            if last is not None and get_close(last):  # the subpath before was closed (a rectangle)
                found.append((*prev, *start))
            start = prev = (px, py)
            last = None
            continue
        if prev is not None:
            found.append((prev[0], prev[1], px, py))
            last = seg
        prev = (px, py)
    if last is not None and start is not None and get_close(last):
        found.append((*prev, *start))
    if height is not None:  # an unrotated page: display y is the height less the page's y
        for x0, y0, x1, y1 in found:
            if -1 <= y1 - y0 <= 1:
                if x1 - x0 > 3:
                    hs.append((height - (y0 + y1) / 2, x0, x1))
                elif x0 - x1 > 3:
                    hs.append((height - (y0 + y1) / 2, x1, x0))
            elif -1 <= x1 - x0 <= 1:
                if y1 - y0 > 3:
                    vs.append(((x0 + x1) / 2, height - y1, height - y0))
                elif y0 - y1 > 3:
                    vs.append(((x0 + x1) / 2, height - y0, height - y1))
        return
    for x0, y0, x1, y1 in found:
        if abs(y1 - y0) <= 1 and abs(x1 - x0) > 3 or abs(x1 - x0) <= 1 and abs(y1 - y0) > 3:
            _segment((x0, y0), (x1, y1), transform, hs, vs)


def _segment(a, b, transform, hs, vs) -> None:
    x0, t, x1, bt = transform(min(a[0], b[0]), max(a[1], b[1]), max(a[0], b[0]), min(a[1], b[1]))
    if abs(bt - t) <= 1 and x1 - x0 > 3:
        hs.append(((t + bt) / 2, x0, x1))
    elif abs(x1 - x0) <= 1 and bt - t > 3:
        vs.append(((x0 + x1) / 2, t, bt))


def _group_lines(chars: list) -> list[list]:
    """Characters grouped into lines (by vertical overlap), each sorted left to right."""
    out: list[list] = []
    last_mid = last_h = None
    for ch in sorted(chars, key=lambda c: ((c[2] + c[4]) / 2, c[1])):
        mid, h = (ch[2] + ch[4]) / 2, ch[4] - ch[2]
        if out and abs(mid - last_mid) <= 0.45 * max(h, last_h):
            out[-1].append(ch)
        else:
            out.append([ch])
            last_mid, last_h = mid, h
    for line in out:
        line.sort(key=lambda c: c[1])
    return out


def _lines(pieces: list, page: int) -> list[Line]:
    out = []
    for group in _group_lines(pieces):
        heights = sorted(p[4] - p[2] for p in group)
        h = heights[len(heights) // 2] or 1.0
        runs: list[tuple[float, float, str]] = []
        x0, x1, text = group[0][1], group[0][3], group[0][0]
        for p in group[1:]:
            gap = p[1] - x1
            if gap > 0.9 * h:  # a wide gap: a new run (a table cell)
                runs.append((x0, x1, text))
                x0, text = p[1], p[0]
            else:
                text += (" " if p[5] or gap > 0.4 * h else "") + p[0]
            x1 = max(x1, p[3])
        runs.append((x0, x1, text))
        out.append(Line(min(p[2] for p in group), max(p[4] for p in group), runs, page, h, group))
    return out
