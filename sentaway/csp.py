"""A Content-Security-Policy for every built page: nothing loads from outside the site, no eval.

The theme writes a few inline scripts and two inline event handlers; each is allowed by its sha256 hash
(computed from the built page), so no 'unsafe-inline' is needed for scripts. Data blocks
(application/json chart specs, ld+json ClaimReviews) are not scripts and need nothing.
"""

import base64
import hashlib
import re
from pathlib import Path

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)([^>]*)>(.*?)</script>", re.S)
HANDLER = re.compile(r"""\son[a-z]+="([^"]*)\"""")
DATA_TYPES = ("application/json", "application/ld+json")


def _hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


def policy(page: str) -> str:
    scripts = {_hash(body) for attrs, body in INLINE_SCRIPT.findall(page)
               if not any(kind in attrs for kind in DATA_TYPES)}
    handlers = {_hash(code) for code in HANDLER.findall(page)}
    script_src = " ".join(["'self'"] + sorted(scripts) + (["'unsafe-hashes'"] + sorted(handlers) if handlers else []))
    return ("default-src 'self'; script-src " + script_src + "; style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; "
            "form-action 'self'")


def add_policy(path: Path) -> None:
    page = path.read_text(encoding="utf-8")
    if 'http-equiv="Content-Security-Policy"' in page or "<head>" not in page:
        return
    meta = f'<meta http-equiv="Content-Security-Policy" content="{policy(page)}">'
    path.write_text(page.replace("<head>", "<head>\n    " + meta, 1), encoding="utf-8")


def add_to_site(outdir: Path) -> None:
    for path in outdir.rglob("*.html"):
        if "_static" not in path.parts:
            add_policy(path)
