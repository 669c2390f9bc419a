from __future__ import annotations

from wtforms import TextAreaField
from wtforms.validators import DataRequired

from network_space.core.forms import Form, max_length
from network_space.core.i18n import lazy_gettext as _l
from network_space.core.markdown import MAX_MARKDOWN_LENGTH


class LegalPageForm(Form):
    body = TextAreaField(_l("Texte de la page (Markdown)"),
                         validators=[DataRequired(_l("Le texte de la page ne peut pas être vide.")),
                                     max_length(MAX_MARKDOWN_LENGTH)],
                         render_kw={"rows": 28})
