"""English is the second language: every interface string has a translation, and the compiled catalogue is current."""

import gettext
import re
from pathlib import Path

from django.conf import settings

PO = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


def entries(po=PO):
    text = po.read_text(encoding="utf-8")
    for block in text.split("\n\n")[1:]:
        msgid = "".join(re.findall(r'"(.*)"', block.split("msgid ", 1)[1].split("\nmsg", 1)[0]))
        strs = re.findall(r'msgstr(?:\[\d\])? ((?:".*"\n?)+)', block)
        values = ["".join(re.findall(r'"(.*)"', s)) for s in strs]
        yield msgid, values, "#, fuzzy" in block


def test_every_interface_string_is_translated_and_none_is_fuzzy():
    missing = [msgid for msgid, values, fuzzy in entries() if fuzzy or not all(values)]
    assert missing == []


def test_the_compiled_catalogue_matches_the_source():
    catalogue = gettext.GNUTranslations(MO.open("rb"))
    stale = []
    for msgid, values, _fuzzy in entries():
        if "\\" in msgid or "\\" in values[0]:
            continue  # escapes: compared by msgfmt itself
        if len(values) == 1 and catalogue.gettext(msgid) != values[0]:
            stale.append(msgid)
    assert stale == [], "run: manage.py compilemessages"


def test_every_string_in_the_code_is_in_the_catalogue(tmp_path):
    """makemessages on a copy of the sources finds no message the English catalogue lacks."""
    import shutil
    import subprocess
    import sys

    root = Path(settings.BASE_DIR)
    for name in ["manage.py", "portal", "programs", "districts", "templates", "locale"]:
        source = root / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
        else:
            shutil.copy(source, tmp_path / name)
    (tmp_path / "locale" / "en" / "LC_MESSAGES" / "django.po").unlink()
    env = {**__import__("os").environ, "DEBUG": "1", "VAR_DIR": str(tmp_path / "var")}
    done = subprocess.run([sys.executable, "manage.py", "makemessages", "-l", "en", "--no-obsolete"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    in_code = {msgid for msgid, _values, _fuzzy in entries(tmp_path / "locale" / "en" / "LC_MESSAGES" / "django.po")}
    known = {msgid for msgid, _values, _fuzzy in entries()}
    assert sorted(in_code - known) == [], "run makemessages -l en and translate the new strings"
