"""The command line speaks Chinese unless told otherwise (--lang en, $ANOMALY_LANG=en),
its help and click's own words included, wrapped to the terminal's width in columns."""

import os
import subprocess
import sys

from click.testing import CliRunner

from anomaly.cli import main
from anomaly.cli_language import display_width, language


def test_the_language_is_the_last_lang_given_else_the_environments_else_chinese():
    assert language([], {}) == "zh"
    assert language(["screen", "--lang", "en"], {}) == "en"
    assert language(["screen", "--lang=en", "--help"], {}) == "en"
    assert language(["screen", "--lang", "en", "--lang", "zh"], {"ANOMALY_LANG": "en"}) == "zh"
    assert language(["triage", "OUT", "--list"], {"ANOMALY_LANG": "en"}) == "en"
    assert language(["screen"], {"ANOMALY_LANG": "fr"}) == "zh"
    # After --, every word is an input (a file named --lang, another named en).
    assert language(["screen", "--", "--lang", "en"], {}) == "zh"


def test_every_command_takes_lang():
    for command in (["triage"], ["parse"], ["serve"], ["users", "add"], ["evaluate"], ["generate"], []):
        assert CliRunner().invoke(main, [*command, "--lang", "en", "--help"]).exit_code == 0, command


def test_the_command_list_gives_each_command_a_whole_short_help():
    out = CliRunner().invoke(main, ["--help"], terminal_width=60).output
    listed = out[out.index("命令:") :].splitlines()[1:]
    assert len(listed) == 9 and not any("..." in line for line in listed)
    assert max(map(display_width, listed)) <= 60
    # The overview's lines are laid out by display width: each fits 80 columns.
    out = CliRunner().invoke(main, ["--help"], terminal_width=80).output
    assert max(map(display_width, out.splitlines())) <= 80


def test_help_is_chinese_and_fits_the_terminal_in_display_columns():
    result = CliRunner().invoke(main, ["screen", "--help"], terminal_width=80)
    assert result.exit_code == 0
    out = result.output
    assert out.startswith("用法:") and "选项:" in out and "筛查公开说明" in out and "显示本帮助并退出" in out
    # A Chinese character takes two columns: click alone counted one and overran 80.
    assert max(map(display_width, out.splitlines())) <= 80
    # No line starts with a closing mark, and a line break written in the source between
    # two Chinese characters is no space in the help.
    assert not any(line.lstrip().startswith(("，", "。", "、", "）")) for line in out.splitlines())
    assert "；同一单位" in out.replace("\n  ", "")


def test_click_errors_are_chinese():
    result = CliRunner().invoke(main, ["screen", "--lang", "xx"])
    assert result.exit_code == 2
    assert "错误：" in result.output and "取值无效" in result.output


def _cli(*args: str, env: dict | None = None) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "anomaly.cli", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_help_is_english_with_lang_en_or_the_environment():
    assert _cli("screen", "--lang", "en", "--help").startswith("Usage: anomaly screen")
    out = _cli("--help", env={"ANOMALY_LANG": "en"})
    assert "Screen budget disclosures" in out and "Options:" in out and "Show this message and exit." in out
