"""Free tags ("mots-clés") as members type them: "Bailleurs, BTP ,  bailleurs". One way to parse
and check them for every domain that has its own tag table (library, discussions)."""
from __future__ import annotations

from sqlalchemy import select
from wtforms.validators import ValidationError

from network_space.core.i18n import lazy_gettext as _l
from network_space.extensions import db

MAX_TAGS = 12
MAX_TAG_LENGTH = 40


def parse_tags(raw: str | None) -> list[str]:
    """"Bailleurs, BTP ,  bailleurs" -> ["bailleurs", "btp"]: trimmed, lower-case, no duplicates."""
    names: list[str] = []
    for part in (raw or "").split(","):
        name = " ".join(part.split()).lower()[:MAX_TAG_LENGTH]
        if name and name not in names:
            names.append(name)
    return names[:MAX_TAGS]


def check_tags(form, field) -> None:
    """WTForms validator: at most MAX_TAGS tags of at most MAX_TAG_LENGTH characters each."""
    raw = [p for p in (field.data or "").split(",") if p.strip()]
    if len(raw) > MAX_TAGS:
        raise ValidationError(_l("%(n)d mots-clés au maximum.", n=MAX_TAGS))
    if any(len(" ".join(p.split())) > MAX_TAG_LENGTH for p in raw):
        raise ValidationError(_l("Un mot-clé fait %(n)d caractères au maximum.", n=MAX_TAG_LENGTH))


def tags_named(model: type, names: list[str]) -> list:
    """The rows of ``model`` (a tag table with a unique ``name``) for these names, the missing
    ones added to the session."""
    existing = {t.name: t for t in db.session.scalars(select(model).where(model.name.in_(names)))} if names else {}
    tags = []
    for name in names:
        tag = existing.get(name)
        if tag is None:
            tag = existing[name] = model(name=name)
            db.session.add(tag)
        tags.append(tag)
    return tags
