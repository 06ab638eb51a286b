"""Legacy binary Word files (.doc, Word 97–2003) into the Document shape: the main text in
order, each table row one line of tab-separated cells.

No maintained permissive reader exists; the format is documented ([MS-DOC]) and the
little a disclosure needs is read here from the OLE container (olefile):

- the text: the FIB (at the WordDocument stream's start) gives the main text's length
  and where the piece table (Clx) is in the table stream (0Table or 1Table); each piece
  is a run of characters stored as cp1252 bytes ("compressed") or UTF-16;
- the tables: every cell's text ends with a mark (\\x07), and so does every row, in a
  paragraph whose properties say it ends the row (sprmPFTtp, or sprmPFInnerTtp in a
  nested table). Those properties are in the paragraph property pages (PapxFkp) the
  FIB's PlcBtePapx lists, looked up by each mark's file position (a wide row's, too
  large for its page, in the Data stream behind sprmPHugePapx);
- fields keep what they show (the text between the separator and the end), not their
  code; pictures, footnote marks and other special characters are dropped.

Not read: character properties (hidden text is read like the rest), cell widths (a
merged cell is one cell, not a span as in a .docx), text boxes. Encrypted files, and
files older than Word 97 (no FIB of that shape), are refused.
"""

from __future__ import annotations

import io

import olefile

from datasets.read.cells import clean
from datasets.read.document import Document, UnreadableFile

LEGACY_BROKEN = "旧版 Word (.doc) 已损坏，请另存为 .docx 或 PDF / corrupt legacy Word .doc: save as .docx or PDF"
LEGACY_REFUSED = "旧版 Word (.doc) 无法读取，请另存为 .docx 或 PDF / legacy Word .doc unreadable: save as .docx or PDF"
_CELL, _PARAGRAPH = "\x07", "\r"
_TTP = {0x2417, 0x244C}  # sprmPFTtp, sprmPFInnerTtp: the paragraph ends a table row
_HUGE = 0x6646  # sprmPHugePapx: the properties are in the Data stream
_IN_TABLE = {0x2416, 0x244B}  # sprmPFInTable, sprmPFInnerTableCell: the paragraph is in a cell
_OPERAND = {0: 1, 1: 1, 2: 2, 3: 4, 4: 2, 5: 2, 7: 3}  # bytes by a sprm's spra; 6: variable
_DROPPED = dict.fromkeys(map(ord, "\x01\x02\x03\x04\x05\x06\x08\x0e\x0f\x10\x11\x12\x16\x17\x18\x19\x1a\x1b"))
_SPACES = str.maketrans({"\x0b": "\n", "\x0c": "\n", "\x1e": "-", "\x1f": "", "\xa0": " "})


def read_doc(data: bytes) -> Document:
    """A .doc's text as lines (see the module's doc)."""
    try:
        word, table, data_stream = _streams(data)
        text, positions = _main_text(word, table)
        in_table, row_ends = _table_marks(word, table, data_stream)
    except UnreadableFile:
        raise
    except Exception as exc:  # a damaged container or stream: whatever it breaks
        raise UnreadableFile(f"{LEGACY_BROKEN} ({type(exc).__name__})") from None
    return Document(text="\n".join(_lines(text, positions, in_table, row_ends)), format="doc")


def _streams(data: bytes) -> tuple[bytes, bytes, bytes]:
    """The WordDocument, table (0Table or 1Table) and Data streams."""
    with olefile.OleFileIO(io.BytesIO(data)) as ole:
        if not ole.exists("WordDocument"):
            raise UnreadableFile(LEGACY_REFUSED)
        word = ole.openstream("WordDocument").read()
        if len(word) < 0x200 or _u16(word, 0) != 0xA5EC:
            raise UnreadableFile(LEGACY_REFUSED)
        flags = _u16(word, 0x0A)
        if flags & 0x0100:  # fEncrypted
            raise UnreadableFile("Word 文件已加密，需要密码 / password-protected Word file")
        name = "1Table" if flags & 0x0200 else "0Table"
        if not ole.exists(name):
            raise UnreadableFile(LEGACY_REFUSED)
        table = ole.openstream(name).read()
        data_stream = ole.openstream("Data").read() if ole.exists("Data") else b""
    return word, table, data_stream


def _u16(b: bytes, at: int) -> int:
    return int.from_bytes(b[at : at + 2], "little")


def _u32(b: bytes, at: int) -> int:
    return int.from_bytes(b[at : at + 4], "little")


def _fib(word: bytes) -> tuple[int, int, int, int, int]:
    """(ccpText, fcClx, lcbClx, fcPlcfBtePapx, lcbPlcfBtePapx) from the FIB."""
    csw = _u16(word, 32)
    lw = 32 + 2 + 2 * csw  # cslw, then fibRgLw
    cslw = _u16(word, lw)
    rg = lw + 2 + 4 * cslw + 2  # fibRgFcLcbBlob
    ccp_text = _u32(word, lw + 2 + 3 * 4)

    def pair(i: int) -> tuple[int, int]:
        return _u32(word, rg + 8 * i), _u32(word, rg + 8 * i + 4)

    clx, papx = pair(33), pair(13)
    return ccp_text, clx[0], clx[1], papx[0], papx[1]


def _main_text(word: bytes, table: bytes) -> tuple[str, list[int]]:
    """The main document's characters, and the file position (FC) just after each."""
    ccp_text, fc_clx, lcb_clx, *_ = _fib(word)
    clx = table[fc_clx : fc_clx + lcb_clx]
    at = 0
    while at < len(clx) and clx[at] == 0x01:  # Prc: property modifiers, skipped
        at += 3 + _u16(clx, at + 1)
    if at >= len(clx) or clx[at] != 0x02:
        raise ValueError("no piece table")
    lcb = _u32(clx, at + 1)
    plc = clx[at + 5 : at + 5 + lcb]
    n = (lcb - 4) // 12
    cps = [_u32(plc, 4 * i) for i in range(n + 1)]
    chars: list[str] = []
    positions: list[int] = []
    for i in range(n):
        start, end = cps[i], min(cps[i + 1], ccp_text)
        if start >= end:
            continue
        fc = _u32(plc, 4 * (n + 1) + 8 * i + 2)
        if fc & 0x40000000:  # compressed: one byte a character
            at = (fc & 0x3FFFFFFF) // 2
            piece = word[at : at + end - start].decode("cp1252", errors="replace")
            positions.extend(range(at + 1, at + 1 + len(piece)))
        else:
            piece = word[fc : fc + 2 * (end - start)].decode("utf-16-le", errors="replace")
            positions.extend(range(fc + 2, fc + 2 + 2 * len(piece), 2))
        chars.append(piece)
    return "".join(chars), positions


def _table_marks(word: bytes, table: bytes, data: bytes) -> tuple[set[int], set[int]]:
    """The file positions just after each paragraph mark in a table's cell, and after
    each one that ends a table row."""
    *_, fc_papx, lcb_papx = _fib(word)
    plc = table[fc_papx : fc_papx + lcb_papx]
    n = (len(plc) - 4) // 8
    in_table: set[int] = set()
    row_ends: set[int] = set()
    for i in range(n):
        page = (_u32(plc, 4 * (n + 1) + 4 * i) & 0x3FFFFF) * 512
        fkp = word[page : page + 512]
        if len(fkp) < 512:
            continue
        crun = fkp[511]
        for j in range(crun):
            offset = fkp[4 * (crun + 1) + 13 * j] * 2
            if not offset:
                continue
            cell, row = _cell_and_row(_grpprl(fkp, offset), data)
            end = _u32(fkp, 4 * (j + 1))
            if cell or row:
                in_table.add(end)
            if row:
                row_ends.add(end)
    return in_table, row_ends


def _grpprl(fkp: bytes, at: int) -> bytes:
    """The properties of a PapxInFkp at `at` in its page, without its style index."""
    cb = fkp[at]
    size, start = (2 * fkp[at + 1], at + 2) if cb == 0 else (2 * cb - 1, at + 1)
    return fkp[start + 2 : start + size]


def _cell_and_row(grpprl: bytes, data: bytes) -> tuple[bool, bool]:
    """Whether paragraph properties put the paragraph in a table's cell, and whether
    they make it a row's end. Properties too large for their page (a wide row's table
    definition) are in the Data stream, where sprmPHugePapx points."""
    cell = row = False
    k = 0
    while k + 2 <= len(grpprl):
        sprm = _u16(grpprl, k)
        k += 2
        spra = sprm >> 13
        if spra == 6:
            if sprm in (0xD608, 0xD606):  # sprmTDefTable, sprmTDefTable10: a two-byte size
                width = _u16(grpprl, k) + 1
            else:
                width = grpprl[k] + 1 if k < len(grpprl) else 1
        else:
            width = _OPERAND[spra]
        if sprm == _HUGE and k + 4 <= len(grpprl):
            at = _u32(grpprl, k)
            huge = _cell_and_row(data[at + 2 : at + 2 + _u16(data, at)], b"")
            cell, row = cell or huge[0], row or huge[1]
        on = k < len(grpprl) and grpprl[k] != 0
        cell = cell or (sprm in _IN_TABLE and on)
        row = row or (sprm in _TTP and on)
        k += width
    return cell, row


def _lines(text: str, positions: list[int], in_table: set[int], row_ends: set[int]) -> list[str]:
    """Paragraphs as lines, a table row's cells tab-separated on one line."""
    lines: list[str] = []
    cells: list[str] = []
    current: list[str] = []
    for ch, end in zip(*_shown(text, positions)):
        if ch == _PARAGRAPH and end in in_table:
            current.append("\n")  # a paragraph inside a table's cell (cells.clean joins it)
        elif ch == _PARAGRAPH:
            lines.extend(_clean_lines("".join(current)))
            current = []
        elif ch == _CELL and end in row_ends:
            lines.append("\t".join(clean(c) for c in cells))
            cells, current = [], []
        elif ch == _CELL:
            cells.append("".join(current))
            current = []
        else:
            current.append(ch)
    if cells:
        lines.append("\t".join(clean(c) for c in cells))
    lines.extend(_clean_lines("".join(current)))
    return lines


def _clean_lines(paragraph: str) -> list[str]:
    """A body paragraph's lines (a manual line break starts a new one)."""
    return [line.strip() for line in paragraph.translate(_SPACES).split("\n")]


def _shown(text: str, positions: list[int]) -> tuple[list[str], list[int]]:
    """The characters a reader sees (with their file positions): a field's result, not
    its code (\\x13 code \\x14 result \\x15), special characters dropped."""
    out_chars: list[str] = []
    out_fcs: list[int] = []
    depth_code: list[bool] = []  # per open field: still in its code
    for ch, fc in zip(text, positions):
        if ch == "\x13":
            depth_code.append(True)
            continue
        if ch == "\x14":
            if depth_code:
                depth_code[-1] = False
            continue
        if ch == "\x15":
            if depth_code:
                depth_code.pop()
            continue
        if any(depth_code):
            continue
        if ord(ch) in _DROPPED:
            continue
        out_chars.append(ch)
        out_fcs.append(fc)
    return out_chars, out_fcs
