"""The command line's language: Chinese, or English where a command is given `--lang en`
or $ANOMALY_LANG is `en`. Help is written before any option is parsed, so the choice is
read from the command line itself; click's own words (Usage, Options, its errors) follow
it, through the gettext functions its modules call."""

from __future__ import annotations

import os
import re
import sys
import unicodedata

import click

ENV = "ANOMALY_LANG"


def language(argv: list[str] | None = None, environ: dict | None = None) -> str:
    """ "en" or "zh": the last `--lang` of the command line (before a `--`, after which
    every word is an input), else $ANOMALY_LANG, else zh."""
    argv = sys.argv[1:] if argv is None else argv
    argv = argv[: argv.index("--")] if "--" in argv else argv
    environ = os.environ if environ is None else environ
    chosen = None
    for a, b in zip(argv, [*argv[1:], ""]):
        if a == "--lang":
            chosen = b
        elif a.startswith("--lang="):
            chosen = a.partition("=")[2]
    chosen = chosen or environ.get(ENV, "")
    return "en" if chosen.strip().lower().startswith("en") else "zh"


LANG = language()


_LINE_BREAK_IN_CHINESE = re.compile(r"(?<=[^\x00-\x7f])\n[ \t]*(?=[^\x00-\x7f])")


def text(zh: str, en: str) -> str:
    """The help or message text in the command line's language (a line break written
    between two Chinese characters is no space)."""
    return en if LANG == "en" else _LINE_BREAK_IN_CHINESE.sub("", zh)


# click's words as its help and errors print them (click 8.x gettext message ids).
CLICK_ZH = {
    "Usage:": "用法:",
    "Options": "选项",
    "Commands": "命令",
    "Positional arguments": "参数",
    "Show this message and exit.": "显示本帮助并退出。",
    "Show the version and exit.": "显示版本并退出。",
    "%(prog)s, version %(version)s": "%(prog)s，版本 %(version)s",
    "default: {default}": "默认：{default}",
    "Error: {message}": "错误：{message}",
    "Try '{command} {option}' for help.": "用 '{command} {option}' 查看帮助。",
    "Invalid value: {message}": "取值无效：{message}",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的取值无效：{message}",
    "Missing argument": "缺少参数",
    "Missing option": "缺少选项",
    "Missing parameter": "缺少参数",
    "Missing command.": "缺少命令。",
    "Missing parameter: {param_name}": "缺少参数：{param_name}",
    "No such option {name!r}.": "没有选项 {name!r}。",
    "No such command {name!r}.": "没有命令 {name!r}。",
    "Option {name!r} requires an argument.": "选项 {name!r} 需要一个值。",
    "Option {name!r} requires {nargs} arguments.": "选项 {name!r} 需要 {nargs} 个值。",
    "Option {name!r} does not take a value.": "选项 {name!r} 不带值。",
    "Got unexpected extra argument ({args})": "多余的参数（{args}）",
    "Got unexpected extra arguments ({args})": "多余的参数（{args}）",
    "{value!r} is not {choice}.": "{value!r} 不是 {choice}。",
    "{value!r} is not one of {choices}.": "{value!r} 不在 {choices} 之中。",
    "{value!r} is not a valid {number_type}.": "{value!r} 不是有效的数（{number_type}）。",
    "{value} is not in the range {range}.": "{value} 不在范围 {range} 内。",
    "{name} {filename!r} does not exist.": "{name} {filename!r} 不存在。",
    "{name} {filename!r} is a file.": "{name} {filename!r} 是文件，应为文件夹。",
    "{name} {filename!r} is a directory.": "{name} {filename!r} 是文件夹，应为文件。",
    "Did you mean {possibility}?": "是否想用 {possibility}？",
    "(Did you mean one of: {possibilities}?)": "（是否想用其中之一：{possibilities}？）",
    "file": "文件",
    "directory": "文件夹",
    "path": "路径",
    "Aborted!": "已中止。",
    "Repeat for confirmation": "再输入一次以确认",
    "Error: The two entered values do not match.": "错误：两次输入不一致。",
}


_OPEN, _CLOSE = "（《「『【“‘", "，。、；：！？）》」』】”’…"
# What a line may not be broken within: a Chinese character with the punctuation that may
# not start (or end) a line beside it, and the word written right after it (输出/triage
# .sqlite, 默认：anomaly-out); or a run of anything else (a word, a path, an option).
_HAN = "\u2e80-\u9fff\uf900-\ufaff"
_OTHER = rf"[^\s{_HAN}{_OPEN}{_CLOSE}]"
_PIECES = re.compile(
    rf"[{_OPEN}]*(?:[{_HAN}{_OPEN}{_CLOSE}][{_CLOSE}]*(?:{_OTHER}+[{_CLOSE}]*)?|[^{_HAN}{_OPEN}{_CLOSE}]+[{_CLOSE}]*)"
)


def display_width(s: str) -> int:
    """Columns a terminal gives a text: a Chinese character two."""
    s = click.unstyle(s)
    return len(s) + sum(unicodedata.east_asian_width(c) in "WF" for c in s)


def _wrap_by_display_width() -> None:
    """click's help wrapped and aligned by display width, a line broken between any two
    Chinese characters (click counts characters and breaks at spaces only)."""
    from click import _textwrap, formatting

    class Wrapper(_textwrap.TextWrapper):
        def _split(self, text: str) -> list[str]:
            return [p for chunk in super()._split(text) for p in _PIECES.findall(chunk)]

    _textwrap.TextWrapper = Wrapper
    _textwrap.term_len = formatting.term_len = display_width


def click_in(lang: str) -> None:
    """Make click wrap its help by display width (English help quotes Chinese words
    too) and, for Chinese, print its own words in Chinese (this process only)."""
    _wrap_by_display_width()
    if lang == "zh":
        _click_words_in_chinese()


def _click_words_in_chinese() -> None:
    def gettext(message: str) -> str:
        return CLICK_ZH.get(message, message)

    def ngettext(singular: str, plural: str, n: int) -> str:
        return gettext(singular if n == 1 else plural)

    for module in (
        click.core,
        click.decorators,
        click.exceptions,
        click.formatting,
        click.parser,
        click.termui,
        click.types,
    ):
        if hasattr(module, "_"):
            module._ = gettext
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext
