"""Build the one KRDS stylesheet the pages link, and the Pretendard GOV slices it points at.

KRDS ships 590 KB of stylesheets (tokens, common, components) for every component it has; a phone on a slow network
should download only the rules our pages use. So: tokens + common + components (concatenated in that order, which
is what common.css's `@import` of the tokens did, so no request is chained), then PurgeCSS keeps the selectors that
our templates, Python forms and scripts name (plus a safelist for classes put together at run time) and the design
tokens that some kept rule or our own CSS reads, then lightningcss minifies. whitenoise writes the .br/.gz at
collectstatic.

The font is Pretendard GOV from the `pretendard-gov` package's dynamic-subset build: per weight, 120 slices, each
with an `@font-face` whose `unicode-range` names its characters, so a browser downloads only the slices holding the
characters a page shows in that weight (an English page: a few; a Korean page: the ones its syllables fall in),
and shows the text at once in the fallback font meanwhile (`font-display: swap`). Only the three weights our CSS
uses (400, 500, 700) are copied; the static weights rather than the variable font because a page showing three
weights downloads fewer bytes with them (see README, "Page weight").

Everything goes under var/build/krds (static prefix `krds/`), beside KRDS's own images, so relative URLs resolve.
"""

import json
import re
import shutil
import subprocess
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

BASE = Path(settings.BASE_DIR)
NODE_MODULES = BASE / "node_modules"
KRDS = NODE_MODULES / "krds-uiux" / "resources"
PRETENDARD = NODE_MODULES / "pretendard-gov" / "dist" / "web" / "static"
BUILD = Path(settings.VAR_DIR) / "build" / "krds"
OUT = BUILD / "css" / "portal" / "krds.css"
FONTS_OUT = BUILD / "fonts" / "pretendard-gov"
FONT_URL = "../../fonts/pretendard-gov/"  # from krds/css/portal/ to krds/fonts/pretendard-gov/
WEIGHTS = ["Regular", "Medium", "Bold"]  # 400, 500, 700: the weights our CSS and KRDS's kept rules ask for

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
        faces, slices = font_faces()
        css = minify(purge(krds_css()) + "\n" + faces)
        if "@import" in css:
            raise CommandError("the built stylesheet still has an @import (a chained request)")
        copied = copy_slices(slices)
        OUT.parent.mkdir(parents=True, exist_ok=True)
        if OUT.exists() and OUT.read_text(encoding="utf-8") == css:
            self.stdout.write(f"build_assets: {OUT} is up to date ({copied} font slices copied)")
            return
        OUT.write_text(css, encoding="utf-8")
        self.stdout.write(f"build_assets: wrote {OUT} ({len(css.encode()) // 1024} KB, {copied} font slices copied)")


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
    tmp = OUT.parent / "krds.unminified.css"
    tmp.parent.mkdir(parents=True, exist_ok=True)
    tmp.write_text(css, encoding="utf-8")
    result = subprocess.run(  # noqa: S603
        [str(NODE_MODULES / ".bin" / "lightningcss"), "--minify", str(tmp)],
        capture_output=True, text=True, cwd=BASE, check=False,
    )  # fmt: skip
    tmp.unlink()
    if result.returncode != 0:
        raise CommandError(f"lightningcss failed: {result.stderr.strip()}")
    return "/* KRDS (krds-uiux) rules the portal uses and Pretendard GOV; generated by manage.py build_assets */\n" + (
        result.stdout.strip() + "\n"
    )


FACE = re.compile(r"@font-face\s*\{[^}]*\}")
SRC = re.compile(r"src:\s*url\(\./woff2-dynamic-subset/([^)]+\.woff2)\)\s*format\('woff2'\)[^;]*;")


def font_faces() -> tuple[str, list[str]]:
    """The package's @font-face rules for our weights, each slice as woff2 only (every browser that shows the
    pages reads woff2), pointing at the copies under krds/fonts/pretendard-gov/."""
    faces, slices = [], []
    for weight in WEIGHTS:
        for face in FACE.findall((PRETENDARD / f"PretendardGOV-{weight}.css").read_text(encoding="utf-8")):
            match = SRC.search(face)
            if not match or "unicode-range" not in face or "font-display: swap" not in face:
                raise CommandError(f"pretendard-gov's {weight} @font-face changed shape: {face[:200]}")
            slices.append(match.group(1))
            faces.append(SRC.sub(f"src: url({FONT_URL}{match.group(1)}) format('woff2');", face))
    return "\n".join(faces), slices


def copy_slices(slices: list[str]) -> int:
    FONTS_OUT.mkdir(parents=True, exist_ok=True)
    copied = 0
    for name in slices:
        source, target = PRETENDARD / "woff2-dynamic-subset" / name, FONTS_OUT / name
        if not target.exists() or target.stat().st_size != source.stat().st_size:
            shutil.copyfile(source, target)
            copied += 1
    return copied
