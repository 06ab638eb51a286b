"""Workbooks (.xlsx, .xls) into the Document shape: every visible sheet a table.

Built on python-calamine (MIT; Rust calamine in a wheel, no system packages): one
reader for both .xlsx and the legacy binary .xls, many times faster than the pure
Python readers (openpyxl reads .xlsx only, xlrd .xls only), and it gives the cached
values of formulas, the sheets' visibility and the merged cell ranges. Polars'
read_excel uses the same engine but makes a frame with one header row, which loses the
title, the 单位 line and the merged header cells a disclosure's table needs.

What calamine does not expose is read from the .xlsx package's XML with lxml (which
python-docx brings), a few XPath queries over each sheet (an .xlsx is a zip of XML
parts):

- hidden rows, columns and sheets (skipped, and said in the Document's notes when they
  hold anything: the publisher hid them, reading lost nothing),
- each number's cell format, for its printed decimals (a 0.00 format prints 6106713
  as 6106713.00; a percentage format 0.125 as 12.5%),
- formulas without a cached value: no <v>, an empty one, or a 0 in a workbook that asks
  to be recalculated when opened (fullCalcOnLoad, what xlsxwriter writes for every
  formula it was given no value for). They are reported, never read as 0.

In a .xls (BIFF) the hidden rows and columns are read from its Workbook stream's ROW and
COLINFO records (olefile opens the OLE container; BIFF8, what Excel since 97 and
LibreOffice write); the formats of numbers are not: numbers are written as stored.
Numbers are written without
thousands separators; a number without a format that fixes its decimals is written as
an integer when it is one and otherwise with at most 15 significant digits, as Excel
shows it (0.1 + 0.2 as 0.3, not 0.30000000000000004). Numbers stored as text are written
as their text, which the parser reads as a number like any other. Merged ranges come
from calamine (from the sheet's XML where an older calamine lacks them).

A sheet is laid out by datasets.read.cells: its title rows and 单位 line become the
context lines above the rows, the sheet's name gives the table id (表1, 表一, 附表1-1)
or title when its rows do not, and a sheet holding several tables one under another is
split at their captions. Hidden sheets with content are skipped and noted, empty sheets
skipped. A password-protected .xlsx (an OLE container holding an EncryptedPackage), a
truncated zip, and text named .xlsx are refused with the reason.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import pickle
import posixpath
import re
import select
import signal
import time
import zipfile
from functools import partial

import olefile
import python_calamine as calamine
from lxml import etree

from datasets.read.cells import clean, column_letters, table_lines
from datasets.read.document import Document, UnreadableFile

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
MAX_CELLS = 2_000_000  # per sheet read; a disclosure's tables have hundreds
MAX_EXTENT = 8_000_000  # cells between a sheet's first and last value, beyond which calamine is not asked
MAX_SECONDS = 60.0  # per .xls (read in a child process)
MAX_UNPACKED = 512 * 2**20  # bytes of XML in an .xlsx, against zip bombs
_MONEY = ("亿元", "万元", "千元", "元")
_BUILTIN_FORMATS = {
    1: "0",
    2: "0.00",
    3: "#,##0",
    4: "#,##0.00",
    9: "0%",
    10: "0.00%",
    37: "#,##0 ;(#,##0)",
    38: "#,##0 ;[Red](#,##0)",
    39: "#,##0.00;(#,##0.00)",
    40: "#,##0.00;[Red](#,##0.00)",
}
_QUOTED = re.compile(r'"([^"]*)"')
_FORMAT_NOISE = re.compile(r'\\.|_.|\*.|\[[^\]]*\]|"[^"]*"')
_DATE_PART = re.compile(r"[yYmMdDhHsSeE]|AM|PM|上午|下午|年|月|日")
_CELL_REF = re.compile(r"([A-Z]+)(\d+)")
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


def encrypted_ooxml(data: bytes) -> bool:
    """A password-protected .xlsx/.docx: an OLE container holding an EncryptedPackage."""
    return data.startswith(OLE_MAGIC) and "EncryptedPackage".encode("utf-16-le") in data


def read_workbook(data: bytes) -> Document:
    if data.startswith(OLE_MAGIC) and not encrypted_ooxml(data):
        # calamine parses a whole .xls when it opens it and, on some corrupt ones,
        # asks for tens of gigabytes: Rust aborts the process on that, which no
        # exception handler sees. A child process takes that risk instead of the run.
        return _in_child(_read_workbook, data)
    return _read_workbook(data)


def _read_workbook(data: bytes) -> Document:
    if not data.strip():
        raise UnreadableFile("空文件 / empty file")
    if data.startswith(OLE_MAGIC):
        if encrypted_ooxml(data):
            raise UnreadableFile("工作簿已加密，需要密码 / password-protected workbook")
        fmt, package = "xls", None
    elif data.startswith(ZIP_MAGIC) or data.startswith(b"PK\x05\x06"):
        package = _package(data)
        fmt = "xlsb" if "xl/workbook.bin" in package.namelist() else "xlsx"
    else:
        raise UnreadableFile(_not_a_workbook(data))
    try:
        book = calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except calamine.PasswordError:
        raise UnreadableFile("工作簿已加密，需要密码 / password-protected workbook") from None
    except BaseException as exc:  # calamine's errors (zip, XML, BIFF) and its panics alike
        _reraise_interrupts(exc)
        raise UnreadableFile(f"工作簿已损坏，无法打开 / corrupt workbook, cannot be opened ({_short(exc)})") from None
    problems: list[str] = []
    notes: list[str] = []  # what the publisher hid: skipped, said, but nothing was lost to reading
    xml = _XlsxParts(package, problems) if fmt == "xlsx" else None
    biff = _biff_hidden(data, notes) if fmt == "xls" else {}
    lines: list[str] = []
    places: list[str | None] = []  # "sheet!row" of each line
    try:
        sheets = book.sheets_metadata
    except BaseException as exc:
        _reraise_interrupts(exc)
        raise UnreadableFile(f"工作簿已损坏，无法打开 / corrupt workbook, cannot be opened ({_short(exc)})") from None
    for index, meta in enumerate(sheets):
        if meta.typ != calamine.SheetTypeEnum.WorkSheet:
            continue
        # One odd sheet must not lose the others: calamine's errors, its Rust panics (a
        # BaseException) and our own slips are each the sheet's problem.
        try:
            if xml and not xml.fits(meta.name, problems):
                continue
            sheet = book.get_sheet_by_index(index)
            grid = _values(sheet, meta.name, problems)
            if not any(any(v != "" for v in row) for row in grid):
                continue  # an empty sheet
            if meta.visible != calamine.SheetVisibleEnum.Visible:
                notes.append(f"隐藏的工作表「{meta.name}」未读取 / hidden sheet {meta.name} not read")
                continue
            info = xml.sheet(meta.name, problems) if xml else biff.get(meta.name)
            rows, numbers = _rows(grid, getattr(sheet, "merged_cell_ranges", None), info, meta.name, problems, notes)
            table = table_lines(rows, meta.name)
        except BaseException as exc:
            _reraise_interrupts(exc)
            problems.append(f"工作表「{meta.name}」无法读取 / sheet {meta.name} unreadable ({_short(exc)})")
            continue
        if table:
            if lines:
                lines.append("")
                places.append(None)
            lines.extend(table)
            places.extend(_places(table, rows, numbers, meta.name))
    try:
        book.close()
    except BaseException as exc:
        _reraise_interrupts(exc)
    if not lines:
        if problems:
            raise UnreadableFile("工作簿中没有可读的内容 / nothing readable in the workbook: " + "; ".join(problems))
        raise UnreadableFile("工作簿是空的 / empty workbook: no sheet holds anything")
    return Document(text="\n".join(lines), format=fmt, problems=problems, notes=notes, line_places=places)


def _in_child(fn, data: bytes) -> Document:
    """fn(data) in a forked child process; its Document (or its UnreadableFile) comes
    back through a pipe. A child that dies, or runs past MAX_SECONDS, makes the file
    unreadable with that reason. Without fork (Windows) fn runs here."""
    if not hasattr(os, "fork"):
        return fn(data)
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: no return from here, whatever happens
        code = 0
        try:
            os.close(read_end)
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 2)  # a Rust abort's message and backtrace: the reason says it
            try:
                result = ("ok", fn(data))
            except UnreadableFile as exc:
                result = ("unreadable", str(exc))
            except BaseException as exc:
                result = ("unreadable", f"工作簿已损坏，无法读取 / corrupt workbook, cannot be read ({_short(exc)})")
            with os.fdopen(write_end, "wb") as out:
                out.write(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
        except BaseException:
            code = 1
        finally:
            os._exit(code)
    os.close(write_end)
    chunks: list[bytes] = []
    deadline = time.monotonic() + MAX_SECONDS
    timed_out = False
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([read_end], [], [], left)[0]:
                timed_out = True
                os.kill(pid, signal.SIGKILL)
                break
            chunk = os.read(read_end, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(read_end)
        _, status = os.waitpid(pid, 0)
    if timed_out:
        raise UnreadableFile(f"读取超时（{MAX_SECONDS:.0f} 秒）/ time limit: not read within {MAX_SECONDS:.0f} s")
    if not chunks or not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 0:
        raise UnreadableFile("工作簿已损坏，读取程序崩溃 / corrupt workbook: the reader crashed on it")
    kind, value = pickle.loads(b"".join(chunks))
    if kind == "unreadable":
        raise UnreadableFile(value)
    return value


def _reraise_interrupts(exc: BaseException) -> None:
    if isinstance(exc, (KeyboardInterrupt, SystemExit, GeneratorExit, MemoryError)):
        raise exc


def _short(exc: BaseException) -> str:
    return (str(exc) or type(exc).__name__).splitlines()[0][:200]


def _not_a_workbook(data: bytes) -> str:
    if looks_like_text(data[:4096]):
        return "内容是文本（CSV？），不是 Excel 工作簿 / a text file (CSV?), not an Excel workbook"
    return "不是 Excel 工作簿（文件头不对）/ not an Excel workbook (unknown file header)"


def looks_like_text(head: bytes) -> bool:
    """Whether the first bytes of a file are text (UTF-8 or GB18030, no NUL)."""
    if b"\x00" in head:
        return False
    for codec in ("utf-8", "gb18030"):
        try:
            head.decode(codec)
            return True
        except UnicodeDecodeError as exc:
            if exc.start >= len(head) - 4:  # a character cut by the end of the sample
                return True
    return False


def _package(data: bytes) -> zipfile.ZipFile:
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
        infos = package.infolist()
    except Exception:  # BadZipFile, NotImplementedError, … (zipfile's many)
        raise UnreadableFile("工作簿已损坏或不完整 / corrupt or truncated workbook (broken zip)") from None
    names = {i.filename for i in infos}
    if "xl/workbook.xml" not in names and "xl/workbook.bin" not in names:
        raise UnreadableFile("压缩包里没有工作簿 / a zip archive without a workbook in it, not an Excel file")
    if sum(i.file_size for i in infos) > MAX_UNPACKED:
        raise UnreadableFile("工作簿解压后过大 / workbook too large when unpacked")
    return package


def _values(sheet, name: str, problems: list[str]) -> list[list]:
    """The sheet's values in absolute coordinates (row 0 is the sheet's first row)."""
    end = sheet.end
    if end is None:
        return []
    width = end[1] + 1
    nrows = end[0] + 1
    if nrows * width > MAX_CELLS:
        nrows = max(1, MAX_CELLS // width)
        problems.append(
            f"工作表「{name}」过大，只读了前 {nrows} 行 / sheet {name} too large: read the first {nrows} rows"
        )
    return sheet.to_python(skip_empty_area=False, nrows=nrows)


def _rows(
    grid: list[list], merged, info: dict | None, name: str, problems: list[str], notes: list[str]
) -> tuple[list[list[str]], list[int]]:
    """The sheet's cells as printed texts, merged cells blank after their first cell,
    hidden rows and columns left out; and each row's number on the sheet (1-based)."""
    formats = info["formats"] if info else {}
    missing = info["missing"] if info else set()
    hidden_rows = info["hidden_rows"] if info else set()
    hidden_cols = info["hidden_cols"] if info else set()
    if merged is None and info:
        merged = info["merged"]
    rows = [
        [(clean(v) if v else "") if isinstance(v, str) else _text(v, formats.get((r, c))) for c, v in enumerate(row)]
        for r, row in enumerate(grid)
    ]
    if missing:
        cells = sorted(missing)
        for r, c in cells:
            if r < len(rows) and c < len(rows[r]):
                rows[r][c] = ""
        refs = ", ".join(_ref(r, c) for r, c in cells[:5]) + (f" 等 {len(cells)} 个" if len(cells) > 5 else "")
        problems.append(
            f"工作表「{name}」公式无计算结果，未读取：{refs} / sheet {name}: formulas without a cached value not read ({refs})"
        )
    for (r0, c0), (r1, c1) in merged or []:
        if r0 >= len(rows):
            continue
        text = rows[r0][c0] if c0 < len(rows[r0]) else ""
        for r in range(r0, min(r1, len(rows) - 1) + 1):
            for c in range(c0, min(c1, len(rows[r]) - 1) + 1):
                rows[r][c] = ""
        # The text goes to the first cell of the span that is shown.
        r = next((r for r in range(r0, r1 + 1) if r not in hidden_rows), None)
        c = next((c for c in range(c0, c1 + 1) if c not in hidden_cols), None)
        if r is not None and c is not None and r < len(rows):
            rows[r].extend([""] * (c + 1 - len(rows[r])))
            rows[r][c] = text
    if hidden_rows or hidden_cols:
        lost_rows = [r + 1 for r in sorted(hidden_rows) if r < len(rows) and any(rows[r])]
        lost_cols = sorted(
            {c for c in hidden_cols for r, row in enumerate(rows) if r not in hidden_rows and c < len(row) and row[c]}
        )
        if lost_rows:
            notes.append(
                f"工作表「{name}」隐藏行未读取：第 {_list(lost_rows)} 行 / sheet {name}: hidden rows not read ({_list(lost_rows)})"
            )
        if lost_cols:
            letters = _list([column_letters(c) for c in lost_cols])
            notes.append(
                f"工作表「{name}」隐藏列未读取：{letters} 列 / sheet {name}: hidden columns not read ({letters})"
            )
        numbers = [r + 1 for r in range(len(rows)) if r not in hidden_rows]
        rows = [
            [v for c, v in enumerate(row) if c not in hidden_cols] for r, row in enumerate(rows) if r not in hidden_rows
        ]
        return rows, numbers
    return rows, list(range(1, len(rows) + 1))


def _places(lines: list[str], rows: list[list[str]], numbers: list[int], sheet: str) -> list[str]:
    """ "sheet!row" for each line of a sheet's tables: a line's cells are the filled
    cells of the next sheet row that has them (rows keep their order); a caption line
    (表N, title, 单位) gets the sheet alone."""
    filled = [[c for c in row if c] for row in rows]
    out, k = [], 0
    for line in lines:
        cells = [c for c in line.split("\t") if c]
        j = next((j for j in range(k, len(filled)) if filled[j] == cells), None) if len(cells) > 1 else None
        if j is None:
            out.append(f"{sheet}!")
        else:
            out.append(f"{sheet}!{numbers[j]}")
            k = j + 1
    return out


def _list(items: list) -> str:
    return ", ".join(map(str, items[:10])) + (" …" if len(items) > 10 else "")


def _ref(r: int, c: int) -> str:
    return f"{column_letters(c)}{r + 1}"


def _text(v, fmt: tuple[int | None, bool, str] | None) -> str:
    """A cell's value as printed."""
    if isinstance(v, str):
        return clean(v)
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, (int, float)):
        if fmt is not None and fmt[0] is not None and v == v and abs(v) < 1e15:
            decimals, percent, unit = fmt
            s = f"{v * 100 if percent else v:.{decimals}f}"
            if s.lstrip("-").strip("0.") == "":
                s = s.lstrip("-")  # -0.00 prints as 0.00
            return s + ("%" if percent else "") + unit
        return _number(v)
    if isinstance(v, (dt.datetime, dt.date, dt.time)):
        return v.isoformat()
    return clean(str(v))


def _number(v: float) -> str:
    if v != v or v in (float("inf"), float("-inf")):
        return ""
    if float(v).is_integer() and abs(v) < 1e15:
        return str(int(v))
    s = f"{v:.15g}"
    return repr(float(v)) if "e" in s else s


def number_format(code: str) -> tuple[int | None, bool, str]:
    """(decimals or None when the format does not fix them, is a percentage, the money
    unit printed after the number) for an Excel number format code such as
    '#,##0.00_);[Red](#,##0.00)' or '0.00"万元"'."""
    section = _first_section(code)
    literal = "".join(_QUOTED.findall(section)).strip()
    bare = _FORMAT_NOISE.sub("", section)
    if not re.search(r"[0#?]", bare) or "general" in bare.lower() or _DATE_PART.search(bare):
        return None, False, ""
    dot = bare.find(".")
    decimals = len(re.match(r"[0#?]*", bare[dot + 1 :]).group()) if dot >= 0 else 0
    return decimals, "%" in bare, literal if literal in _MONEY else ""


def _first_section(code: str) -> str:
    quoted = False
    for i, ch in enumerate(code):
        if ch == '"':
            quoted = not quoted
        elif ch == ";" and not quoted:
            return code[:i]
    return code


def _sheet_info(merged: list | None) -> dict:
    """What a sheet says beyond its values (see _XlsxParts.sheet), nothing yet."""
    return {"formats": {}, "missing": set(), "hidden_rows": set(), "hidden_cols": set(), "merged": merged}


class _XlsxParts:
    """What the .xlsx package says beyond calamine's values, read sheet by sheet."""

    def __init__(self, package: zipfile.ZipFile, problems: list[str]):
        self.package = package
        self.paths: dict[str, str] = {}
        self.full_calc = False
        self.styles: list[tuple[int | None, bool, str] | None] = []
        self._roots: dict = {}  # a sheet's parsed XML, from fits() to sheet()
        try:
            self._workbook()
            self._styles()
        except Exception as exc:  # a broken part (zip or XML): calamine read the values
            problems.append(f"工作簿格式信息读取不全 / workbook formats partly unread ({_short(exc)})")

    def _parse(self, path: str):
        with self.package.open(path) as f:
            return etree.parse(f, _PARSER).getroot()

    def _workbook(self) -> None:
        rels = {}
        with_rels = "xl/_rels/workbook.xml.rels"
        if with_rels in self.package.namelist():
            for rel in self._parse(with_rels):
                target = rel.get("Target", "")
                path = target.lstrip("/") if target.startswith("/") else posixpath.normpath("xl/" + target)
                rels[rel.get("Id")] = path
        for el in self._parse("xl/workbook.xml").iter():
            tag = _local(el.tag)
            if tag == "sheet":
                rid = next((v for k, v in el.attrib.items() if _local(k) == "id"), None)
                if rid in rels:
                    self.paths[el.get("name")] = rels[rid]
            elif tag == "calcPr":
                self.full_calc = el.get("fullCalcOnLoad") in ("1", "true")

    def _styles(self) -> None:
        if "xl/styles.xml" not in self.package.namelist():
            return
        root = self._parse("xl/styles.xml")
        codes = dict(_BUILTIN_FORMATS)
        for el in root.iter():
            if _local(el.tag) == "numFmt":
                codes[int(el.get("numFmtId"))] = el.get("formatCode", "")
        for el in root:
            if _local(el.tag) == "cellXfs":
                for xf in el:
                    code = codes.get(int(xf.get("numFmtId", "0")))
                    fmt = number_format(code) if code else None
                    self.styles.append(fmt if fmt and fmt[0] is not None else None)

    def sheet(self, name: str, problems: list[str]) -> dict | None:
        """Hidden rows and columns, formulas without a value, the formats of numbers
        and the merged ranges of one sheet: XPath over its XML (the loops in C; a sheet
        written by LibreOffice has a styled element for every empty cell)."""
        path = self.paths.get(name)
        if path is None or path not in self.package.namelist():
            return None
        info = _sheet_info(merged=[])
        try:
            root = self._roots.pop(name, None)
            if root is None:
                root = self._parse(path)
            ns = {"x": root.tag[1:].split("}")[0]} if root.tag.startswith("{") else {"x": ""}
            q = partial(root.xpath, namespaces=ns, smart_strings=False)
            for row in q("x:sheetData/x:row[@hidden='1' or @hidden='true']"):
                info["hidden_rows"].add(_row_index(row))
            for col in q("x:cols/x:col[@hidden='1' or @hidden='true']"):
                lo, hi = int(col.get("min", "1")), min(int(col.get("max", "1")), 16384)
                info["hidden_cols"].update(range(lo - 1, hi))
            for c in q("x:sheetData/x:row/x:c[x:f]"):
                v = c.find(c.tag[: -len("c")] + "v")
                v = v.text if v is not None else None
                if not v or (self.full_calc and v == "0"):
                    info["missing"].add(_cell_index(c))
            useful = [str(i) for i, f in enumerate(self.styles) if f is not None]
            if useful:  # only the cells whose style fixes the decimals
                wanted = set(useful)
                for c in q("x:sheetData/x:row/x:c[@s and x:v and (not(@t) or @t='n')]"):
                    s = c.get("s")
                    if s in wanted:
                        info["formats"][_cell_index(c)] = self.styles[int(s)]
            for ref in q("x:mergeCells/x:mergeCell/@ref"):
                a, _, b = ref.partition(":")
                ma, mb = _CELL_REF.match(a), _CELL_REF.match(b)
                if ma and mb:
                    start = (int(ma.group(2)) - 1, _col_index(ma.group(1)))
                    info["merged"].append((start, (int(mb.group(2)) - 1, _col_index(mb.group(1)))))
        except Exception as exc:  # a broken part (zip or XML): the values stand, formats are lost
            problems.append(
                f"工作表「{name}」格式信息读取不全 / sheet {name}: cell formats partly unread ({_short(exc)})"
            )
        return info

    def fits(self, name: str, problems: list[str]) -> bool:
        """Whether the sheet's values span few enough cells for calamine, which makes
        one dense grid from the first to the last value of a sheet: a stray value in
        XFD1048576 would ask for half a terabyte, and Rust aborts on that."""
        path = self.paths.get(name)
        if path is None or path not in self.package.namelist():
            return True
        try:
            root = self._roots[name] = self._parse(path)
            ns = {"x": root.tag[1:].split("}")[0]} if root.tag.startswith("{") else {"x": ""}
            refs = root.xpath(
                "x:sheetData/x:row/x:c[x:v or x:is][1]/@r | x:sheetData/x:row/x:c[x:v or x:is][last()]/@r",
                namespaces=ns,
                smart_strings=False,
            )
        except Exception:
            return True  # the sheet's own reading reports it
        cells = [(int(m.group(2)), _col_index(m.group(1))) for m in map(_CELL_REF.match, refs) if m]
        if not cells:
            return True
        rows = max(r for r, _ in cells) - min(r for r, _ in cells) + 1
        cols = max(c for _, c in cells) - min(c for _, c in cells) + 1
        if rows * cols <= MAX_EXTENT:
            return True
        last = max(cells, key=lambda rc: rc[0] * 16384 + rc[1])
        problems.append(
            f"工作表「{name}」的内容散布到 {_ref(last[0] - 1, last[1])}，过大未读取 / sheet {name} spans {rows} x {cols} cells: not read"
        )
        return False


_BOUNDSHEET, _EOF, _COLINFO, _ROW = 0x0085, 0x000A, 0x007D, 0x0208


def _biff_hidden(data: bytes, notes: list[str]) -> dict[str, dict]:
    """Each sheet's hidden rows and columns (0-based) in a .xls, by sheet name, in the
    shape of _XlsxParts.sheet: BOUNDSHEET records give each sheet's name and the offset of
    its records, where ROW records (fDyZero, bit 5 of their flags) and COLINFO records
    (fHidden, bit 0) say what is hidden. Empty where the stream is not BIFF8 or is broken:
    calamine read the values, the hidden cells are then read like the others, as before,
    and a note says so (nothing was lost to reading: no problem)."""
    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            name = next((n for n in ("Workbook", "Book") if ole.exists(n)), None)
            stream = ole.openstream(name).read() if name == "Workbook" else b""
    except Exception as exc:
        notes.append(
            f"未能识别隐藏的行列，按普通单元格读取 / hidden rows and columns not known, read like the others ({_short(exc)})"
        )
        return {}
    out: dict[str, dict] = {}
    try:
        for offset, sheet in _boundsheets(stream):
            info = _sheet_info(merged=None)  # calamine gives a .xls's merged ranges
            for kind, body in _records(stream, offset):
                if kind == _EOF:
                    break
                if kind == _ROW and len(body) >= 14 and body[12] & 0x20:
                    info["hidden_rows"].add(int.from_bytes(body[0:2], "little"))
                elif kind == _COLINFO and len(body) >= 10 and body[8] & 0x01:
                    lo, hi = int.from_bytes(body[0:2], "little"), int.from_bytes(body[2:4], "little")
                    info["hidden_cols"].update(range(lo, min(hi, 16383) + 1))
            out[sheet] = info
    except Exception as exc:
        notes.append(
            f"未能识别隐藏的行列，按普通单元格读取 / hidden rows and columns not known, read like the others ({_short(exc)})"
        )
        return {}
    return out


def _records(stream: bytes, at: int):
    """(type, body) of each BIFF record from offset `at` on."""
    while at + 4 <= len(stream):
        kind, size = int.from_bytes(stream[at : at + 2], "little"), int.from_bytes(stream[at + 2 : at + 4], "little")
        yield kind, stream[at + 4 : at + 4 + size]
        at += 4 + size


def _boundsheets(stream: bytes) -> list[tuple[int, str]]:
    """(offset of its BOF, name) of each sheet the workbook globals list."""
    out = []
    for kind, body in _records(stream, 0):
        if kind == _EOF:
            break
        if kind == _BOUNDSHEET and len(body) >= 8:
            n, wide = body[6], body[7] & 0x01
            raw = body[8 : 8 + n * (2 if wide else 1)]
            out.append((int.from_bytes(body[0:4], "little"), raw.decode("utf-16-le" if wide else "latin-1")))
    return out


def _row_index(row) -> int:
    r = row.get("r")
    if r and r.isdigit():
        return int(r) - 1
    return sum(1 for _ in row.itersiblings(row.tag, preceding=True))


def _cell_index(c) -> tuple[int, int]:
    m = _CELL_REF.match(c.get("r") or "")
    if m:
        return int(m.group(2)) - 1, _col_index(m.group(1))
    return _row_index(c.getparent()), sum(1 for _ in c.itersiblings(c.tag, preceding=True))


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1
