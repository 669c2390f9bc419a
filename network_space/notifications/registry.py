"""The one registry of notification kinds, categories, channels and target models.

A part of the site that wants to tell members something declares its kinds once, at import time
(typically in its ``__init__.init_app`` or a ``notifications.py`` module)::

    from network_space.notifications.registry import register_kind, register_target

    register_kind("resource.created", _l("Nouvelle ressource"), "library")
    register_kind("meeting.invited", _l("Invitation à une réunion"), "meetings", default_channel="immediate")
    register_target(Resource, permission="library.view")  # Resource defines notification_title() and notification_url()

and then calls ``services.notify("resource.created", recipients, resource, actor=user)``.

Members choose one *channel* per *category* (``NotificationPreference``); a member without a stored
preference gets the kind's default channel (or the category's). Mandatory kinds (security) ignore
preferences and are always emailed at once.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any


from network_space.core.i18n import lazy_gettext as _l
from network_space.core.permissions import can, has_rule

# Channels, from the most to the least intrusive.
CHANNEL_IMMEDIATE = "immediate"
CHANNEL_DAILY = "daily"
CHANNEL_WEEKLY = "weekly"
CHANNEL_SITE = "site"
CHANNEL_NONE = "none"
CHANNELS = (CHANNEL_IMMEDIATE, CHANNEL_DAILY, CHANNEL_WEEKLY, CHANNEL_SITE, CHANNEL_NONE)
DIGEST_CHANNELS = (CHANNEL_DAILY, CHANNEL_WEEKLY)
CHANNEL_LABELS = {
    CHANNEL_IMMEDIATE: _l("Email immédiat"),
    CHANNEL_DAILY: _l("Résumé quotidien"),
    CHANNEL_WEEKLY: _l("Résumé hebdomadaire"),
    CHANNEL_SITE: _l("Sur le site seulement"),
    CHANNEL_NONE: _l("Rien"),
}


@dataclass(frozen=True)
class Category:
    name: str
    label: Any  # lazy-translated string
    default_channel: str
    description: Any = ""
    mandatory: bool = False


@dataclass(frozen=True)
class Kind:
    name: str
    label: Any
    category: str
    default_channel: str
    email_template: str
    mandatory: bool

    @property
    def category_obj(self) -> Category:
        return CATEGORIES[self.category]


CATEGORIES: dict[str, Category] = {
    c.name: c
    for c in (
        Category("meetings", _l("Réunions"), CHANNEL_IMMEDIATE, _l("Invitations, changements de date ou de lieu, annulations")),
        Category("polls", _l("Sondages de dates"), CHANNEL_IMMEDIATE, _l("Nouveaux sondages, rappels avant la clôture, date retenue")),
        Category("minutes", _l("Comptes-rendus"), CHANNEL_DAILY, _l("Comptes-rendus et relevés de décisions publiés")),
        Category("actions", _l("Actions à faire"), CHANNEL_IMMEDIATE, _l("Actions qui vous sont confiées, échéances")),
        Category("events", _l("Événements"), CHANNEL_DAILY, _l("Nouveaux événements, rappels, changements")),
        Category("library", _l("Bibliothèque"), CHANNEL_WEEKLY, _l("Nouvelles ressources et nouvelles versions")),
        Category("directory", _l("Annuaire"), CHANNEL_WEEKLY, _l("Nouvelles structures partenaires et mises à jour suivies")),
        Category("announcements", _l("Annonces du réseau"), CHANNEL_IMMEDIATE, _l("Annonces des co-animateurs")),
        Category("discussions", _l("Discussions"), CHANNEL_IMMEDIATE,
                 _l("Réponses dans les discussions suivies, mentions, nouvelles discussions des catégories suivies")),
        Category("security", _l("Sécurité du compte"), CHANNEL_IMMEDIATE,
                 _l("Invitation, réinitialisation du mot de passe : toujours envoyés par email"), mandatory=True),
    )
}

KINDS: dict[str, Kind] = {}


def register_category(name: str, label, default_channel: str, description="") -> Category:
    """Declare a category members set a channel for (a domain's own, from its ``init_app``).
    Registering the same name again replaces it (create_app() may run several times in tests)."""
    if default_channel not in CHANNELS:
        raise ValueError(f"unknown notification channel {default_channel!r}")
    CATEGORIES[name] = Category(name, label, default_channel, description)
    return CATEGORIES[name]


def register_kind(
    name: str,
    label,
    category: str,
    *,
    mandatory: bool = False,
    email_template: str | None = None,
    default_channel: str | None = None,
) -> Kind:
    """Declare a notification kind.

    - ``label``: French label (lazy ``_l``), shown in the notification centre and email subjects.
    - ``category``: one of ``CATEGORIES``; members set their channel per category.
    - ``default_channel``: channel for members without a preference (defaults to the category's).
    - ``email_template``: ``templates/email/<name>.txt/.html`` used for immediate emails
      (default: the generic ``notification`` template; it receives ``notification``, ``kind``,
      ``actor``, ``url`` (absolute), ``unsubscribe_url`` and the context given to notify()).
    - ``mandatory``: always emailed at once, preferences ignored, no unsubscribe link.

    Registering the same name again replaces it (create_app() may run several times in tests).
    """
    if category not in CATEGORIES:
        raise ValueError(f"unknown notification category {category!r}")
    channel = default_channel or CATEGORIES[category].default_channel
    if channel not in CHANNELS:
        raise ValueError(f"unknown notification channel {channel!r}")
    kind = Kind(
        name=name,
        label=label,
        category=category,
        default_channel=CHANNEL_IMMEDIATE if mandatory else channel,
        email_template=email_template or "notification",
        mandatory=mandatory or CATEGORIES[category].mandatory,
    )
    KINDS[name] = kind
    return kind


def get_kind(name: str) -> Kind:
    try:
        return KINDS[name]
    except KeyError:
        raise KeyError(f"notification kind {name!r} is not registered (register_kind)") from None


# Kinds of emails that are not notifications, and the names older messages were stored under.
_OTHER_EMAIL_KINDS = {"digest.daily": _l("Résumé quotidien"), "digest.weekly": _l("Résumé hebdomadaire"),
                      "test_message": _l("Message de test")}
_OLD_KIND_NAMES = {"invitation": "account.invitation", "password_reset": "account.password_reset"}


def kind_label(name: str) -> str:
    """What a kind of message is, in words, for people (the emails admin): never the code."""
    name = _OLD_KIND_NAMES.get(name, name)
    if name in KINDS:
        return str(KINDS[name].label)
    return str(_OTHER_EMAIL_KINDS.get(name, name))


def user_categories() -> list[Category]:
    """The categories a member can set, in display order."""
    return [c for c in CATEGORIES.values() if not c.mandatory]


def mandatory_kinds(category: Category) -> list[Kind]:
    """The kinds of a settable category that are emailed whatever its preference (a change to a
    meeting someone said they would attend): the preferences page names them."""
    return [k for k in KINDS.values() if k.category == category.name and k.mandatory]


# The members' model: accounts' User, given by accounts' init_app (notifications sits below
# accounts and never imports it). Notifications read its ``id``, ``email``, ``active``,
# ``full_name`` and ``language``.
_member_model: dict[str, type] = {}


def register_member_model(model: type) -> None:
    _member_model["model"] = model


def member_model() -> type:
    try:
        return _member_model["model"]
    except KeyError:
        raise LookupError("no member model: accounts' init_app registers it (register_member_model)") from None


# Targets: the models a notification or a follow can point at, by a stable type name.
_targets: dict[str, type] = {}


@dataclass(frozen=True)
class _ViewRule:
    action: str  # a core.permissions rule
    subject: Any  # obj -> the object the rule is asked about


_view_rules: dict[str, _ViewRule] = {}
_follow_labels: dict[str, Any] = {}


def register_target(model: type, name: str | None = None, *, permission: str, on=None, title=None,
                    url=None, followed_as=None) -> type:
    """Declare a model usable as a notification / follow target.

    ``permission`` is the rule (core.permissions) that viewing such an object needs, e.g.
    "library.view"; it is asked about the object itself, or about ``on(obj)`` when the rule is
    written for another object (the minutes of a meeting: "meetings.view_minutes" on its meeting).
    Following an object, and hearing about it as its follower, both need it: a member never
    learns the title of what they may not see.

    The model must define ``notification_title() -> str`` and ``notification_url() -> str`` (a
    path from url_for), or they are given here as ``title(obj)`` / ``url(obj)`` functions (for a
    model owned by another part). Its type name is ``name`` or its table name; a notification
    keeps the (type, id) pair, so a deleted target renders as "Cet élément n'existe plus".
    ``followed_as`` names, in the plural, such targets in the list of what a member follows
    (a lazy string: "Discussions").
    """
    if not permission or not has_rule(permission):
        raise ValueError(f"register_target({model.__name__}): permission must name a registered rule, "
                         f"not {permission!r}")
    type_name = name or model.__tablename__
    _targets[type_name] = model
    _view_rules[type_name] = _ViewRule(permission, on or (lambda obj: obj))
    if followed_as is not None:
        _follow_labels[type_name] = followed_as
    model.__notification_type__ = type_name
    if title is not None:
        model.notification_title = lambda self: title(self)
    if url is not None:
        model.notification_url = lambda self: url(self)
    return model


def target_type_of(obj) -> str:
    type_name = getattr(type(obj), "__notification_type__", None)
    if type_name is None or _targets.get(type_name) is not type(obj):
        raise TypeError(f"{type(obj).__name__} is not a notification target (register_target)")
    return type_name


def followed_as(type_name: str) -> str:
    """The heading of such targets in the list of what a member follows."""
    return str(_follow_labels.get(type_name) or _l("Autres"))


def target_model(type_name: str) -> type | None:
    return _targets.get(type_name)


def may_view_target(user, obj) -> bool:
    """Whether ``user`` may view ``obj``, a registered target, by the rule it was registered with."""
    view = _view_rules[target_type_of(obj)]
    return can(view.action, view.subject(obj), user=user)


def registered_targets() -> dict[str, type]:
    return dict(_targets)
