"""Text conversions (.txt, .md): decoding bytes into text.

Disclosures arrive as UTF-8 (with or without BOM), GB18030/GBK and sometimes UTF-16.
Decoding never guesses silently: a file that is binary or undecodable raises
``UnreadableFile`` with a reason an analyst can act on.
"""

from __future__ import annotations

import codecs

from datasets.read.document import UnreadableFile


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding name) for a file's bytes, or raise UnreadableFile."""
    if not data.strip():
        raise UnreadableFile("空文件 / empty file")
    if data.startswith(codecs.BOM_UTF8):
        return _strict(data[3:], "utf-8", "utf-8-sig")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _strict(data, "utf-16", "utf-16")
    nul = data.count(0)
    if nul:
        # UTF-16 without a BOM has a NUL in every other byte of ASCII text; anything
        # else with NULs is a binary file (a PDF, an image, a spreadsheet).
        even, odd = data[0::2].count(0), data[1::2].count(0)
        if nul > len(data) // 8 and max(even, odd) > 0.9 * nul:
            return _strict(data, "utf-16-le" if odd > even else "utf-16-be", "utf-16")
        raise UnreadableFile("二进制文件，不是文本 / binary file, not text")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError as exc:
        raise UnreadableFile(
            f"无法识别的编码（第 {exc.start} 字节）/ undecodable bytes at offset {exc.start}: not UTF-8, GB18030 or UTF-16"
        ) from None


def _strict(data: bytes, codec: str, name: str) -> tuple[str, str]:
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:
        raise UnreadableFile(f"{name} 解码失败（第 {exc.start} 字节）/ invalid {name} at offset {exc.start}") from None
    return text.lstrip("\ufeff"), name
