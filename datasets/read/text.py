"""Text conversions (.txt, .md): decoding bytes into text, salvaging damaged files.

Disclosures arrive as UTF-8 (with or without BOM), GB18030/GBK and sometimes UTF-16.
A clean file decodes strictly. A damaged one (a few corrupt bytes, stray NULs, a last
character cut off, mojibake) is read for what it holds: the encoding that reads the
most ordinary disclosure text wins, undecodable bytes become U+FFFD and are counted,
mojibake is undone (ftfy for Latin-1/Windows-1252; UTF-8 read as GBK by re-encoding),
and what was done is said in ``problems`` (the file becomes ``partial``). A file that is
binary, or mostly undecodable, raises ``UnreadableFile`` with a reason an analyst can
act on.
"""

from __future__ import annotations

import codecs
import re

from datasets.read.document import Document, UnreadableFile

# Characters on nearly every line of a disclosure; rare in any wrong decoding of it.
_COMMON = ("年", "元", "的", "预算", "支出")
_REPLACED = "\ufffd"


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding name) for a file's bytes, or raise UnreadableFile."""
    doc = read_text(data)
    return doc.text, doc.encoding or ""


def read_text(data: bytes) -> Document:
    """The Document of a text file's bytes, salvaged if damaged (see the module doc)."""
    if not data.strip():
        raise UnreadableFile("空文件 / empty file")
    problems: list[str] = []
    if data.startswith(codecs.BOM_UTF8):
        text, name = _utf8(data[3:]), "utf-8-sig"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text, name = data.decode("utf-16", "replace"), "utf-16"
    else:
        nul = data.count(0)
        # UTF-16 without a BOM has a NUL in every other byte of ASCII text.
        even, odd = (data[0::2].count(0), data[1::2].count(0)) if nul else (0, 0)
        if nul > len(data) // 8 and max(even, odd) > 0.9 * nul:
            text, name = data.decode("utf-16-le" if odd > even else "utf-16-be", "replace"), "utf-16"
        elif nul * 20 > len(data):
            raise UnreadableFile("二进制文件，不是文本 / binary file, not text")
        else:
            if nul:  # stray NULs in a text file: dropped, and said
                data = data.replace(b"\x00", b"")
                problems.append(f"已删除 {nul} 个空字符（NUL） / {nul} stray NUL bytes removed")
            text, name = _best_of(data)
    text = text.lstrip("\ufeff")
    text, repair = _unmojibake(text)
    if repair:
        problems.append(repair)
    bad = text.count(_REPLACED)
    # Replaced bytes are counted, however many, as long as what remains reads as a
    # disclosure (UTF-8 read as GBK loses a byte in every few characters).
    if (bad or problems) and (_binary(text) or (bad and not _plausible(text))):
        raise UnreadableFile(
            f"无法识别的编码或二进制文件（{bad} 处无法解码）/ undecodable bytes ({bad}) or binary: not UTF-8, GB18030 or UTF-16"
        )
    if bad:
        problems.append(f"文件有损坏：{bad} 处字节无法解码，已替换 / damaged file: {bad} undecodable bytes replaced")
    return Document(text=text, format="txt", encoding=name, problems=problems)


def _utf8(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("utf-8", "replace")


def _best_of(data: bytes) -> tuple[str, str]:
    """UTF-8 when it decodes; else whichever of UTF-8 and GB18030 reads more ordinary
    disclosure text (UTF-8 with a few corrupt bytes decodes as GB18030 without an error,
    into nonsense, so an error-free decoding is not proof)."""
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    gb = data.decode("gb18030", "replace")
    # UTF-8 reads no more of the common words than the bytes hold in UTF-8: a GB18030
    # file (none of them) is told without decoding it again.
    if _score(gb) > sum(data.count(w.encode()) for w in _COMMON):
        return gb, "gb18030"
    candidates = [(gb, "gb18030"), (data.decode("utf-8", "replace"), "utf-8")]
    return max(candidates, key=lambda c: (_score(c[0]), -c[0].count(_REPLACED)))


def _score(text: str) -> int:
    return sum(text.count(w) for w in _COMMON)


def _plausible(text: str) -> bool:
    # A disclosure has one of these in every few dozen characters. Its first pages
    # mostly have enough of them for the whole: the rest is then not counted.
    head, found = text[:4096], 0
    for w in _COMMON:
        found += head.count(w)
        if found * 200 >= len(text):
            return True
    return _score(text) * 200 >= len(text)


def _unmojibake(text: str) -> tuple[str, str | None]:
    """The text with mojibake undone, and what was done (None when nothing was)."""
    if _plausible(text):
        return text, None
    import ftfy  # loads only for a file that needs it
    import ftfy.bad_codecs  # noqa: F401  (registers sloppy-windows-1252)

    # UTF-8 bytes read as GBK and saved again: GBK-encode back and read as UTF-8. A byte
    # GBK could not read became U+FFFD; it stays one undecodable byte.
    raw = b"\xff".join(part.encode("gb18030", "replace") for part in text.split(_REPLACED))
    candidates = [(raw.decode("utf-8", "replace"), "GBK"), (ftfy.fix_encoding(text), "Latin-1/Windows-1252")]
    # Any bytes (a GB18030 file too) read one byte a character: encode back and decode again.
    for codec in ("latin-1", "sloppy-windows-1252"):
        try:
            raw = text.encode(codec)
        except UnicodeEncodeError:
            continue
        candidates.append((_best_of(raw)[0], codec))
        break
    best, how = max(candidates, key=lambda c: (_score(c[0]), -c[0].count(_REPLACED)))
    if _score(best) <= 2 * _score(text) + 10:
        return text, None
    return best, f"已修复乱码（UTF-8 被按 {how} 读取后另存）/ mojibake repaired (UTF-8 read as {how} and saved again)"


def _binary(text: str) -> bool:
    """Control characters (other than tab, line ends and form feed) in more than 1 of
    100 characters: not text."""
    return len(_CONTROLS.findall(text)) * 100 > len(text)


_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f]")
