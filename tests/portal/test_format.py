import datetime

from django.utils import translation

from portal.templatetags.portal import kdate, won


def test_money_and_dates_in_korean_and_english():
    with translation.override("ko"):
        assert won(30000) == "30,000원"
        assert kdate(datetime.date(2026, 11, 29)) == "2026. 11. 29."
    with translation.override("en"):
        assert won(30000) == "30,000 won"
        assert kdate(datetime.date(2026, 11, 29)) == "Nov 29, 2026"
    assert won(None) == "" and kdate(None) == ""


def test_kdate_gives_the_day_in_seoul_for_a_moment():
    import datetime

    from portal.templatetags.portal import kdate

    late_utc = datetime.datetime(2026, 11, 29, 16, 31, tzinfo=datetime.UTC)  # 01:31 on the 30th in Seoul
    assert kdate(late_utc) == "2026. 11. 30."


def test_one_answer_to_is_this_english_and_no_copy_of_it_elsewhere():
    from pathlib import Path

    from portal.i18n import in_english

    with translation.override("en"):
        assert in_english()
    with translation.override("ko"):
        assert not in_english()
    with translation.override(None):
        assert not in_english()  # no language active: Korean first
    root = Path(__file__).resolve().parents[2]
    sources = [p for app in ("portal", "programs", "districts") for p in (root / app).rglob("*.py")]
    copies = [str(p.relative_to(root)) for p in sources if '.startswith("en")' in p.read_text(encoding="utf-8")]
    assert copies == ["portal/i18n.py"]
