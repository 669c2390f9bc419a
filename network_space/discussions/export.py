"""A "fiche retour d'expérience" as a document to share outside the network: its card of facts
and its texts, in order. core/documents/ writes it as Word (DOCX), OpenDocument (ODT) or PDF.
The replies are the network's internal conversation: they are not exported."""
from __future__ import annotations

from flask_babel import format_decimal, gettext as _, ngettext

from network_space.core import documents as doc
from network_space.core.dates import fmt_date
from network_space.discussions.mentions import active_members, make_resolver
from network_space.discussions.models import Thread
from network_space.library.models import CLAUSE_MECHANISMS


def writeup_facts(thread: Thread) -> list[tuple[str, str]]:
    """The card's label / value pairs, as the page and the document show them."""
    writeup = thread.writeup
    facts = [(_("Territoire"), thread.territory_label)]
    if writeup.buyer is not None:
        facts.append((_("Acheteur"), writeup.buyer.name))
    if writeup.clause_mechanism:
        facts.append((_("Mécanisme de clause"), str(CLAUSE_MECHANISMS.get(writeup.clause_mechanism,
                                                                            writeup.clause_mechanism))))
    if writeup.sector is not None:
        facts.append((_("Secteur d'activité"), writeup.sector.name))
    if writeup.insertion_hours is not None:
        facts.append((_("Heures d'insertion"), ngettext("%(hours)s heure", "%(hours)s heures", writeup.insertion_hours,
                                                         hours=format_decimal(writeup.insertion_hours))))
    if writeup.participants is not None:
        facts.append((_("Participants"), ngettext("%(num)d personne", "%(num)d personnes", writeup.participants)))
    if writeup.contact:
        facts.append((_("Contact"), writeup.contact))
    return facts


def writeup_sections(thread: Thread, *, with_message: bool = True) -> list[tuple[str, str]]:
    """(heading, Markdown) of the texts that were written, in reading order; the thread's opening
    message last (the page shows it below the card, as the first message of the discussion)."""
    writeup = thread.writeup
    sections = [(_("Contexte"), writeup.context), (_("Ce qui a fonctionné"), writeup.what_worked),
                (_("Difficultés rencontrées"), writeup.difficulties), (_("Conseils pour reproduire"), writeup.advice)]
    if with_message:
        sections.append((_("Présentation"), thread.body))
    return [(heading, text) for heading, text in sections if text and text.strip()]


def writeup_outline(thread: Thread) -> doc.Outline:
    author = thread.author.full_name if thread.author else ""
    # A document kept and passed on for years: its date says the year.
    byline = " · ".join(x for x in (_("Fiche retour d'expérience"), thread.category.name, author,
                                    fmt_date(thread.created_at, year=True)) if x)
    # Read outside the network: a mention is the member's name, not their handle.
    mentions = make_resolver(active_members(), links=False)
    blocks: list[doc.Block] = [doc.Title(thread.title, byline), doc.Fields(writeup_facts(thread))]
    for heading, text in writeup_sections(thread):
        blocks.append(doc.Heading(heading))
        blocks += doc.markdown_blocks(text, heading_offset=1, mentions=mentions)
    if thread.tags:
        blocks.append(doc.Paragraph(_("Mots-clés : %(tags)s", tags=", ".join(t.name for t in thread.tags))))
    return doc.Outline(_("Fiche retour d'expérience — %(title)s", title=thread.title), blocks,
                       subject=_("Fiche retour d'expérience"), author=author)
