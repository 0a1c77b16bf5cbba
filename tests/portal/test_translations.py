"""English is the second language: every interface string has a translation, and the compiled catalogue is current."""

import gettext
import re
from pathlib import Path

from django.conf import settings

PO = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


def entries():
    text = PO.read_text(encoding="utf-8")
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
