"""Light on a phone (issue 20): the one built KRDS stylesheet (no @import chain, only the rules our templates use,
Pretendard GOV cut to our characters by unicode-range, shown with font-display: swap), pages compressed in the app,
and valid hreflang links between the Korean and English pages. The weights are measured by `./run bench pages`."""

import gzip
import re
from pathlib import Path

import pytest
from django.conf import settings

BUILT = Path(settings.VAR_DIR) / "build" / "krds" / "css" / "portal" / "krds.css"
FACE = re.compile(r"@font-face\{([^}]*)\}")


@pytest.fixture(scope="module")
def built_css() -> str:
    # ./run builds it before the tests (manage.py build_assets); a stale or missing file fails here, not silently.
    return BUILT.read_text(encoding="utf-8")


def test_the_built_stylesheet_chains_nothing_and_is_a_fraction_of_krds(built_css):
    assert "@import" not in built_css
    assert "img/img/" not in built_css
    rules = built_css[: built_css.index("@font-face")]  # the KRDS rules (the site's font faces follow them)
    full = sum((settings.KRDS_DIR / "css" / part).stat().st_size for part in
               ["token/krds_tokens.css", "common/common.css", "component/component.css"])  # fmt: skip
    assert len(rules.encode()) < full * 0.2
    assert "\n" not in rules.split("\n", 1)[1]  # minified: one line after the header comment


def test_purgecss_keeps_what_the_templates_use_and_drops_what_they_do_not(built_css):
    for kept in [".krds-btn", ".krds-breadcrumb", ".krds-pagination", ".krds-form-select", "#krds-masthead",
                 ".krds-step-wrap", ".krds-badge"]:  # fmt: skip
        assert kept in built_css, kept
    for dropped in [".krds-calendar", ".krds-modal", ".krds-tab-area", ".swiper"]:  # components we never show
        assert dropped not in built_css, dropped
    # A token only our own CSS reads (for a class a template builds: cond--{{ status }}) stays, with what it is made of.
    assert "--krds-light-color-element-warning:var(--krds-color-light-warning-30)" in built_css
    assert "--krds-color-light-warning-30:" in built_css
    # The KRDS typography token still names the font.
    assert re.search(r"--krds-typo-font-type:\s*Pretendard GOV", built_css)


def faces_of(css: str) -> list[dict[str, str]]:
    return [dict(re.findall(r"([a-z-]+):((?:url\([^)]*\)|[^;])+)", body)) for body in FACE.findall(css)]


def test_pretendard_gov_cut_to_our_characters_with_unicode_range_and_swap(built_css):
    faces = faces_of(built_css)
    fonts = Path(settings.VAR_DIR) / "build" / "krds" / "fonts" / "pretendard-gov"
    assert {(face["font-weight"], face["src"].split("PretendardGOV-")[1].split(".")[1]) for face in faces} == {
        (weight, part) for weight in ("400", "500", "700") for part in ("latin", "chrome", "core")
    }
    for face in faces:
        assert face["font-family"].strip('"') == "Pretendard GOV" and face["font-display"] == "swap"
        assert face["unicode-range"].startswith("U+")
        name = re.search(r"url\(([^)]+)\)", face["src"]).group(1).strip("\"'").rsplit("/", 1)[1]
        assert (fonts / name).is_file() and (fonts / name).stat().st_size < 60_000
    # Every character of the page chrome and the seed catalogue is in a core or latin range: 간 (U+AC04), 광 (U+AD11).
    core = next(face for face in faces if face["font-weight"] == "400" and ".core." in face["src"])
    assert "U+AC04" in core["unicode-range"] and "U+AD11" in core["unicode-range"]
    # What an English page shows of Hangul (the logo's 맘, the switch's 한국어) is in the small chrome file.
    chrome = next(face for face in faces if face["font-weight"] == "700" and ".chrome." in face["src"])
    assert set(chrome["unicode-range"].split(",")) == {"U+AD6D", "U+B9D8", "U+C5B4", "U+D55C"}


def test_the_fallback_family_is_the_packages_dynamic_subset_and_blocks_no_paint():
    fallback = (BUILT.parent / "fonts-fallback.css").read_text(encoding="utf-8")
    faces = faces_of(fallback)
    assert 100 <= len(faces) <= 120  # pretendard-gov's dynamic-subset build of the variable font: 120 slices
    slices = Path(settings.VAR_DIR) / "build" / "krds" / "fonts" / "pretendard-gov"
    for face in faces:
        assert face["font-family"].strip('"') == "Pretendard GOV Variable" and face["font-display"] == "swap"
        assert "unicode-range" in face
        assert (slices / re.search(r"url\(([^)]+)\)", face["src"]).group(1).strip("\"'").rsplit("/", 1)[1]).is_file()
    # No fallback slice claims a character our own files hold (간, U+AC04): the interim text during swap fetches none.
    assert not any(re.search(r"U\+AC04\b|U\+AC0[0-3]-AC(0[4-9A-F]|[1-9A-F])", face["unicode-range"]) for face in faces)
    site = (Path(settings.BASE_DIR) / "static" / "css" / "site.css").read_text(encoding="utf-8")
    assert 'font-family: "Pretendard GOV", "Pretendard GOV Variable", "Noto Sans CJK KR", sans-serif' in site


@pytest.mark.django_db
def test_base_template_links_stylesheets_directly_and_preloads_no_font(client, catalogue):
    body = client.get("/").text
    links = re.findall(r'<link rel="stylesheet" href="([^"]+)"', body)
    assert [link.rsplit("/", 1)[1].split(".")[0] for link in links] == ["krds", "site", "print", "fonts-fallback"]
    assert body.index("fonts-fallback") > body.index("</footer>")  # at the end of <body>: it delays no paint
    assert 'rel="preload"' not in body  # which slices a page needs depends on its text: the browser knows


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/en/", "/programs/birth-childrearing-allowance/", "/screener/"])
def test_pages_are_gzip_compressed_when_the_browser_accepts_it(client, catalogue, url):
    plain = client.get(url)
    assert plain.status_code == 200 and not plain.has_header("Content-Encoding")
    compressed = client.get(url, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert compressed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in compressed["Vary"]
    assert gzip.decompress(compressed.content) == plain.content
    assert len(compressed.content) < len(plain.content) / 2


@pytest.mark.django_db
def test_static_files_do_not_pass_through_the_page_compressor(client):
    # Served by whitenoise (finders in tests) above GZipMiddleware: fonts are not compressed again on every request.
    response = client.get("/static/krds/fonts/pretendard-gov/PretendardGOV-Regular.core.woff2",
                          headers={"Accept-Encoding": "gzip"})  # fmt: skip
    assert response.status_code == 200 and not response.has_header("Content-Encoding")


def alternates(body: str) -> dict[str, str]:
    return dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', body))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("ko", "en"),
    [
        ("/", "/en/"),
        ("/stages/birth/", "/en/stages/birth/"),
        ("/programs/?stage=birth&district=seo-gu", "/en/programs/?stage=birth&district=seo-gu"),
        ("/programs/birth-childrearing-allowance/", "/en/programs/birth-childrearing-allowance/"),
    ],
)
def test_hreflang_links_are_absolute_and_point_both_ways(client, catalogue, ko, en):
    expected = {"ko": "http://testserver" + ko, "en": "http://testserver" + en, "x-default": "http://testserver" + ko}
    expected = {lang: url.replace("&", "&amp;") for lang, url in expected.items()}
    assert alternates(client.get(ko).text) == expected
    assert alternates(client.get(en).text) == expected
