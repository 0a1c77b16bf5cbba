"""Build the one KRDS stylesheet the pages link, and the Pretendard GOV slices it points at.

KRDS ships 590 KB of stylesheets (tokens, common, components) for every component it has; a phone on a slow network
should download only the rules our pages use. So: tokens + common + components (concatenated in that order, which
is what common.css's `@import` of the tokens did, so no request is chained), then PurgeCSS keeps the selectors that
our templates, Python forms and scripts name (plus a safelist for classes put together at run time) and the design
tokens that some kept rule or our own CSS reads, then lightningcss minifies. whitenoise writes the .br/.gz at
collectstatic.

The font is Pretendard GOV from the `pretendard-gov` package, cut by the characters our pages use. For each weight
our CSS asks for (400, 500, 700), three files made with fontTools from the package's full font: `latin` (ASCII and
the Latin-1 letters and punctuation our text has), `chrome` (the few Hangul every page shows in any language: 맘,
한국어; with `latin`, all an English page needs) and `core` (every other character in our templates, translations,
Python messages and the seed catalogue: ~600 Hangul syllables). Each `@font-face` names its
characters in `unicode-range`, so a page downloads only the files holding characters it shows in that weight, once
for the whole visit, with the kerning between any two of them intact. A character outside them (a program an officer
adds with a syllable no page had) falls to the second family, "Pretendard GOV Variable": the package's own
dynamic-subset build (120 unicode-range slices of the variable font), so it too shows in Pretendard GOV. Every face
has `font-display: swap`: the text shows at once in the fallback font, never invisible. The package's slices alone
cost a Korean page 290-380 KB (27-30 slices over three weights); these ~55 KB a weight (README, "Page weight").
Subsetting takes ~10 s a weight, so it runs only when the characters or the package change (a stamp beside the
files).

Everything goes under var/build/krds (static prefix `krds/`), beside KRDS's own images, so relative URLs resolve.
"""

import hashlib
import json
import re
import shutil
import subprocess
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

BASE = Path(settings.BASE_DIR)
NODE_MODULES = BASE / "node_modules"
KRDS = NODE_MODULES / "krds-uiux" / "resources"
PRETENDARD = NODE_MODULES / "pretendard-gov" / "dist" / "web"
BUILD = Path(settings.VAR_DIR) / "build" / "krds"
OUT = BUILD / "css" / "portal" / "krds.css"
FALLBACK_OUT = BUILD / "css" / "portal" / "fonts-fallback.css"  # linked at the end of <body>: blocks no paint
FONTS_OUT = BUILD / "fonts" / "pretendard-gov"
FONT_URL = "../../fonts/pretendard-gov/"  # from krds/css/portal/ to krds/fonts/pretendard-gov/
WEIGHTS = {"Regular": 400, "Medium": 500, "Bold": 700}  # the weights our CSS and KRDS's kept rules ask for
FONT_VERSION = 2  # bump when the subsetting below changes, to rebuild the files
# Where the characters our pages show are written.
TEXT = ["templates/**/*.html", "locale/*/LC_MESSAGES/django.po", "fixtures/*.json", "portal/**/*.py",
        "programs/**/*.py", "districts/**/*.py"]  # fmt: skip
# The latin file: ASCII and whichever Latin-1 letters and general punctuation (· — ‘’ “” … ₩ →) our text has.
ASCII = set(range(0x20, 0x7F))
LATIN_BLOCKS = set(range(0xA0, 0x100)) | set(range(0x2010, 0x2028)) | set(range(0x20A0, 0x20C0)) | {0x2190, 0x2192}

KRDS_SOURCES = ["css/token/krds_tokens.css", "css/common/common.css", "css/component/component.css"]
OUR_CSS = ["static/css/site.css", "static/css/print.css", "static/css/stats.css", "static/css/open-data.css"]
# Where class names are written: templates, Python (form widgets' attrs) and our scripts.
CONTENT = ["templates/**/*.html", "portal/**/*.py", "programs/**/*.py", "districts/**/*.py", "static/js/**/*.js"]
# Classes no file spells out whole: KRDS's state classes, which a template may add from a variable.
VAR_USE = re.compile(r"var\(\s*(--[\w-]+)")
SAFELIST = {
    "standard": ["html", "body", "active", "on", "disabled", "is-error", "is-success", "is-info", "sr-only"],
    "deep": [],
    "greedy": [],
}


class Command(BaseCommand):
    help = "Build var/build/krds/css/portal/krds.css and the Pretendard GOV slices (run after npm ci)."

    def handle(self, *args, **options):
        for needed in [KRDS, PRETENDARD, NODE_MODULES / "purgecss", NODE_MODULES / ".bin" / "lightningcss"]:
            if not needed.exists():
                raise CommandError(f"{needed} is missing: run `npm ci` first.")
        faces, covered = site_fonts(self.stdout)
        fallback, slices = fallback_faces(covered)
        css = minify(purge(krds_css()) + "\n" + faces)
        if "@import" in css:
            raise CommandError("the built stylesheet still has an @import (a chained request)")
        copied = copy_slices(slices)
        for path, text in [(OUT, css), (FALLBACK_OUT, minify(fallback))]:
            path.parent.mkdir(parents=True, exist_ok=True)
            if path.exists() and path.read_text(encoding="utf-8") == text:
                self.stdout.write(f"build_assets: {path} is up to date")
                continue
            path.write_text(text, encoding="utf-8")
            self.stdout.write(f"build_assets: wrote {path} ({len(text.encode()) // 1024} KB)")
        self.stdout.write(f"build_assets: {copied} font slices copied")


def krds_css() -> str:
    parts = []
    for name in KRDS_SOURCES:
        text = (KRDS / name).read_text(encoding="utf-8")
        # common.css pulls the tokens in with @import; they are already first here.
        text = re.sub(r'^@import\s+"[^"]*krds_tokens\.css";\s*$', "", text, flags=re.MULTILINE)
        text = re.sub(r'^@charset\s+"[^"]*";\s*$', "", text, flags=re.MULTILINE)
        parts.append(f"/* krds-uiux {name} */\n{text}")
    css = "\n".join(parts)
    # krds-uiux 1.1.0's component.css points at img/img/...; the icons live in img/component/.
    return css.replace("../../img/img/component/", "../../img/component/")


def purge(css: str) -> str:
    # The tokens our own stylesheets read, as one rule PurgeCSS keeps (`html` is safelisted), so that they and the
    # tokens they are made of stay. (Our stylesheets themselves are not purged, and passing them whole would count
    # only the uses in rules whose classes a template spells out, not `cond--{{ status }}`.)
    uses = sorted({name for path in OUR_CSS for name in VAR_USE.findall((BASE / path).read_text(encoding="utf-8"))})
    ours = "html{" + "".join(f"color:var({name});" for name in uses) + "}"
    request = {
        "css": [{"name": "our-css-uses.css", "text": ours}, {"name": "krds.css", "text": css}],
        "content": [str(BASE / pattern) for pattern in CONTENT],
        "safelist": SAFELIST,
    }
    script = Path(__file__).with_name("purge_css.mjs")
    result = subprocess.run(  # noqa: S603 (our script, our node_modules)
        ["node", str(script)],  # noqa: S607 (the machine's Node.js, as npm ci uses)
        input=json.dumps(request), capture_output=True, text=True, cwd=BASE, check=False,
    )  # fmt: skip
    if result.returncode != 0:
        raise CommandError(f"PurgeCSS failed: {result.stderr.strip()}")
    return result.stdout


def minify(css: str) -> str:
    tmp = OUT.parent / "unminified.css"
    tmp.parent.mkdir(parents=True, exist_ok=True)
    tmp.write_text(css, encoding="utf-8")
    result = subprocess.run(  # noqa: S603
        [str(NODE_MODULES / ".bin" / "lightningcss"), "--minify", str(tmp)],
        capture_output=True, text=True, cwd=BASE, check=False,
    )  # fmt: skip
    tmp.unlink()
    if result.returncode != 0:
        raise CommandError(f"lightningcss failed: {result.stderr.strip()}")
    return "/* made by manage.py build_assets from krds-uiux and pretendard-gov */\n" + result.stdout.strip() + "\n"


def site_text() -> set[int]:
    chars: set[int] = set()
    for pattern in TEXT:
        for path in BASE.glob(pattern):
            chars.update(ord(ch) for ch in path.read_text(encoding="utf-8") if ord(ch) > 0x7E)
    return chars


def chrome_text() -> set[int]:
    """The characters every page shows whatever its language: base.html's words that are not translated (the logo's
    맘, the language switch's 한국어). An English page needs only these of Hangul, in their own small file."""
    base = (BASE / "templates" / "base.html").read_text(encoding="utf-8")
    base = re.sub(r"\{#.*?#\}|\{%\s*translate\s+(\"[^\"]*\"|'[^']*').*?%\}", "", base)
    return {ord(ch) for ch in base if ord(ch) > 0x7E}


def ranges(codepoints: list[int]) -> str:
    """U+AC00-AC01,U+AC04: unicode-range of sorted code points."""
    parts, start = [], None
    for i, cp in enumerate(codepoints):
        if start is None:
            start = cp
        if i + 1 == len(codepoints) or codepoints[i + 1] != cp + 1:
            parts.append(f"U+{start:X}" if start == cp else f"U+{start:X}-{cp:X}")
            start = None
    return ",".join(parts)


def site_fonts(stdout) -> tuple[str, set[int]]:
    """The latin and core files of each weight (made again only when the characters or the package changed), and
    their @font-face rules."""
    from fontTools.ttLib import TTFont

    with TTFont(PRETENDARD / "static" / "woff2" / "PretendardGOV-Regular.woff2", lazy=True) as font:
        in_font = set(font.getBestCmap())
    text = site_text() & in_font
    latin = ASCII | (text & LATIN_BLOCKS)
    chrome = chrome_text() - latin
    sets = {"latin": sorted(latin & in_font), "chrome": sorted(chrome & in_font), "core": sorted(text - latin - chrome)}
    stamp = hashlib.sha256(json.dumps([FONT_VERSION, sets, package_version("pretendard-gov")]).encode()).hexdigest()
    stamp_file = FONTS_OUT / "site-fonts.stamp"
    if not (stamp_file.exists() and stamp_file.read_text() == stamp):
        FONTS_OUT.mkdir(parents=True, exist_ok=True)
        with ProcessPoolExecutor(max_workers=2) as pool:
            list(pool.map(subset_weight, WEIGHTS, [sets] * len(WEIGHTS)))
        stamp_file.write_text(stamp)
        stdout.write(f"build_assets: Pretendard GOV cut to {len(sets['core'])} + {len(sets['latin'])} characters")
    faces = []
    for name, weight in WEIGHTS.items():
        for part, codepoints in sets.items():
            faces.append(
                f'@font-face{{font-family:"Pretendard GOV";font-style:normal;font-weight:{weight};font-display:swap;'
                f'src:url({FONT_URL}PretendardGOV-{name}.{part}.woff2) format("woff2");'
                f"unicode-range:{ranges(codepoints)}}}"
            )
    return "\n".join(faces), {cp for codepoints in sets.values() for cp in codepoints}


def subset_weight(name: str, sets: dict[str, list[int]]) -> None:
    """One weight: the full font cut once to all our characters, then that (small) font to each part."""
    import io
    import logging

    from fontTools.subset import Options, Subsetter
    from fontTools.ttLib import TTFont

    logging.getLogger("fontTools").setLevel(logging.WARNING)  # it reports every table at INFO

    def cut(font, codepoints, flavor=None):
        options = Options()
        options.flavor = flavor
        subsetter = Subsetter(options)
        subsetter.populate(unicodes=codepoints)
        subsetter.subset(font)
        return font

    everything = io.BytesIO()
    with TTFont(PRETENDARD / "static" / "woff2" / f"PretendardGOV-{name}.woff2") as font:
        cut(font, sets["latin"] + sets["core"]).save(everything)
    for part, codepoints in sets.items():
        everything.seek(0)
        with TTFont(everything) as font:
            font.flavor = "woff2"
            cut(font, codepoints, "woff2").save(FONTS_OUT / f"PretendardGOV-{name}.{part}.woff2")


def package_version(name: str) -> str:
    return json.loads((NODE_MODULES / name / "package.json").read_text(encoding="utf-8"))["version"]


FACE = re.compile(r"@font-face\s*\{[^}]*\}")
SRC = re.compile(r"src:\s*url\(\./woff2-dynamic-subset/([^)]+\.woff2)\)\s*format\('woff2-variations'\);")


RANGE = re.compile(r"unicode-range:\s*([^;]+);")


def fallback_faces(covered: set[int]) -> tuple[str, list[str]]:
    """The package's dynamic-subset @font-face rules of the variable font, as the family "Pretendard GOV Variable",
    pointing at the copies under krds/fonts/pretendard-gov/, for characters none of our files holds: each slice's
    unicode-range leaves ours out, so that while our files load (font-display: swap) the browser does not fetch
    slices to draw the interim text."""
    faces, slices = [], []
    css = (PRETENDARD / "variable" / "pretendardvariable-gov-dynamic-subset.css").read_text(encoding="utf-8")
    for face in FACE.findall(css):
        match, unicode_range = SRC.search(face), RANGE.search(face)
        if not match or not unicode_range or "font-display: swap" not in face:
            raise CommandError(f"pretendard-gov's @font-face rules changed shape: {face[:200]}")
        codepoints = set()
        for part in unicode_range.group(1).split(","):
            first, _, last = part.strip().removeprefix("U+").removeprefix("u+").partition("-")
            codepoints.update(range(int(first, 16), int(last or first, 16) + 1))
        left = sorted(codepoints - covered)
        if not left:
            continue
        slices.append(match.group(1))
        face = SRC.sub(f"src: url({FONT_URL}{match.group(1)}) format('woff2');", face)
        faces.append(RANGE.sub(f"unicode-range: {ranges(left)};", face))
    return "\n".join(faces), slices


def copy_slices(slices: list[str]) -> int:
    FONTS_OUT.mkdir(parents=True, exist_ok=True)
    ours = {f"PretendardGOV-{name}.{part}.woff2" for name in WEIGHTS for part in ("latin", "chrome", "core")}
    for stale in FONTS_OUT.glob("*.woff2"):  # what an earlier build left (collectstatic would serve it)
        if stale.name not in ours and stale.name not in slices:
            stale.unlink()
    copied = 0
    for name in slices:
        source, target = PRETENDARD / "variable" / "woff2-dynamic-subset" / name, FONTS_OUT / name
        if not target.exists() or target.stat().st_size != source.stat().st_size:
            shutil.copyfile(source, target)
            copied += 1
    return copied
