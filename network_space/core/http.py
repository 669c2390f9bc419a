"""Request input hygiene, once for every route.

- Ids in URLs: database integer columns hold at most 2**31 - 1. Flask's ``int`` converter accepts
  any number of digits, and PostgreSQL then fails on the overflow (a 500). The bounded converter
  turns such a URL into a plain 404 before any view runs.
- NUL characters: PostgreSQL refuses them in text, and no legitimate form or link carries one.
  They are stripped from query strings and form fields as the request is parsed, so no view,
  form or query ever sees them (nothing the user meant to type is lost).
- Uploads: each file part is spooled by core.storage.UploadSpool, so a file over the limit is
  refused by the form with the other fields kept (see core/storage.py).
- Behind a reverse proxy, PROXY_HOPS trusted proxies give the client's address (ProxyFix).
- ``int_arg()`` reads an optional id or number from the query string the same defensive way;
  ``int_value()`` is the same parser for a value from elsewhere (a form field's ``coerce``, a
  MultiDict handed to a query object).
"""
from __future__ import annotations

from flask import Request, request
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter
from werkzeug.utils import cached_property

from network_space.core.storage import UploadSpool, max_upload_bytes

DB_INT_MAX = 2**31 - 1


class DatabaseIntConverter(IntegerConverter):
    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", DB_INT_MAX)
        super().__init__(map, *args, **kwargs)


def _without_nul(values: ImmutableMultiDict) -> ImmutableMultiDict:
    if not any("\x00" in key or any("\x00" in v for v in items) for key, items in values.lists()):
        return values
    return ImmutableMultiDict(
        [(key.replace("\x00", ""), value.replace("\x00", "")) for key, value in values.items(multi=True)]
    )


class CleanRequest(Request):
    @cached_property
    def args(self):
        return _without_nul(super().args)

    def _get_file_stream(self, total_content_length, content_type, filename=None, content_length=None):
        return UploadSpool(max_upload_bytes())

    def _load_form_data(self) -> None:
        super()._load_form_data()
        self.__dict__["form"] = _without_nul(self.__dict__["form"])


def int_value(value, default: int | None = None, *, minimum: int = 1, maximum: int = DB_INT_MAX) -> int | None:
    """``value`` (a string, an int or None) as an integer, or ``default`` when absent, malformed or
    out of range. Only ASCII digits count: no sign, no "1_000", no other scripts' digits."""
    raw = str(value).strip() if value is not None else ""
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 10:
        return default
    number = int(raw)
    return number if minimum <= number <= maximum else default


def int_arg(name: str, default: int | None = None, *, minimum: int = 1, maximum: int = DB_INT_MAX) -> int | None:
    """An integer from the query string, or ``default`` when absent, malformed or out of range."""
    return int_value(request.args.get(name), default, minimum=minimum, maximum=maximum)


def init_app(app) -> None:
    # Must run before any blueprint is registered: rules pick their converters when added.
    app.url_map.converters["int"] = DatabaseIntConverter
    app.request_class = CleanRequest
    hops = app.config["PROXY_HOPS"]
    if hops:
        # The client's address (login lock-out, rate limits, audit log) and scheme from the
        # headers the trusted proxies set; only as many hops as configured are believed.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=0)
