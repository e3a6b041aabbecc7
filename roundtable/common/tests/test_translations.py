"""Chinese is the default language: every string in the code and templates has a translation."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PO = Path("locale/zh_Hans/LC_MESSAGES/django.po")


def untranslated(po_text):
    """msgids whose msgstr is empty or marked fuzzy (the header entry excluded)."""
    missing = []
    for block in po_text.split("\n\n"):
        msgid = re.search(r'^msgid "(.*)"', block, re.M)
        if not msgid or (msgid.group(1) == "" and 'msgid ""\nmsgstr ""\n"' in block):
            continue
        strs = re.findall(r'^msgstr(?:\[\d\])? "(.*)"((?:\n".*")*)', block, re.M)
        empty = not strs or any(first == "" and not rest for first, rest in strs)
        if empty or "#, fuzzy" in block:
            missing.append(msgid.group(1) or block.splitlines()[1])
    return missing


def test_parser_finds_gaps():
    text = (
        'msgid ""\nmsgstr ""\n"Language: zh\\n"\n\nmsgid "a"\nmsgstr ""\n\nmsgid "b"\nmsgstr "乙"\n'
    )
    assert untranslated(text) == ["a"]


def test_catalogue_is_complete_and_current(tmp_path):
    copy = tmp_path / "repo"
    for name in ["roundtable", "templates", "locale"]:
        shutil.copytree(ROOT / name, copy / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "manage.py", copy / "manage.py")
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", "--no-location"],
        cwd=copy,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "VAR_DIR": str(tmp_path / "var")},
    )
    assert result.returncode == 0, result.stderr
    missing = untranslated((copy / PO).read_text(encoding="utf-8"))
    assert missing == [], f"run `make messages` and translate: {missing}"
