"""What bench/pages.py serves: the site itself, plus one page that renders nothing but the layout
(header, menu, bell, footer) for the logged-in member. That page does what every page of the
site does and nothing else (session, the member and their unread count loaded in one statement,
CSRF token, navigation, the transaction's BEGIN and COMMIT), so its throughput is the ceiling
any page can reach on the machine of the run: the reference between the bare Flask route and the
real pages."""
import sys
from pathlib import Path

from flask import render_template
from flask_login import login_required

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import LAYOUT_PATH  # noqa: E402
from wsgi import app  # noqa: E402


@login_required
def layout():
    return render_template("base.html")


app.add_url_rule(LAYOUT_PATH, "bench_layout", layout)
