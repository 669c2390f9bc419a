"""What core/mailtext.py keeps of an email: the new text above the quoted history of French and
English mail clients, HTML bodies as text, every transfer encoding and charset, auto-replies and
bounces told apart. Messages are built with the standard email package, as clients send them."""
from __future__ import annotations

from email.charset import BASE64, QP, Charset
from email.message import EmailMessage
from email.mime.application import MIMEApplication
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText

import pytest

from network_space.core.mailtext import html_to_text, new_text, parse

REPLY = "Nous comptons les heures du GEIQ au prorata.\n\nBonne journée,"


@pytest.mark.parametrize("history", [
    # Apple Mail and Thunderbird in French, the attribution wrapped over two lines.
    "Le 12 mars 2026 à 10:15, Julien Moreau <julien.moreau@example.org> a écrit :\n\n> Comment comptez-vous ?\n",
    "Le 12 mars 2026 à 10:15, Julien Moreau\n<julien.moreau@example.org> a écrit :\n> Comment comptez-vous ?\n",
    # Gmail in French, cut inside "a écrit", with a no-break space before the colon.
    "Le jeu. 12 mars 2026 à 10:15, Julien Moreau <julien.moreau@example.org> a\nécrit\u00a0:\n\n> Comment ?\n",
    "On Thu, Mar 12, 2026 at 10:15 AM Julien Moreau <julien.moreau@example.org> wrote:\n> How do you count?\n",
    "-----Original Message-----\nFrom: Julien Moreau\nSent: Thursday, March 12, 2026 10:15 AM\n\nHow?\n",
    "-----Message d'origine-----\nDe : Julien Moreau\nEnvoyé : jeudi 12 mars 2026 10:15\n\nComment ?\n",
    # Outlook: a rule, then the quoted message's headers, no ">".
    "________________________________\nDe : Julien Moreau <julien.moreau@example.org>\n"
    "Envoyé : jeudi 12 mars 2026 10:15\nÀ : reponse+abc@reponses.example.org\nObjet : RE: Heures GEIQ\n\nComment ?\n",
    "De : Julien Moreau <julien.moreau@example.org>\nEnvoyé : jeudi 12 mars 2026 10:15\nÀ : Sophie\n\nComment ?\n",
    "-- \nSophie Lambert\nFacilitatrice, CAPI\n04 74 00 00 00\n",
    "Envoyé de mon iPhone\n\n> Comment ?\n",
])
def test_the_quoted_history_and_the_signature_are_cut(history):
    assert new_text(f"{REPLY}\n\n{history}\nTout ce qui suit est cité.") == REPLY


def test_interleaved_quotes_are_dropped_and_the_answers_kept():
    text = "> Combien d'heures ?\n350 heures.\n> Quel public ?\nDes jeunes sans qualification.\n"
    assert new_text(text) == "350 heures.\nDes jeunes sans qualification."


def test_ordinary_sentences_that_look_like_headers_are_kept():
    text = ("Le chantier a écrit une page de l'histoire du quartier.\nDe : la mairie, pas de nouvelles.\n"
            "On verra demain.")
    assert new_text(text) == text


def test_html_becomes_readable_text_without_the_quoted_history():
    html = ("<html><head><style>p{color:red}</style><script>alert(1)</script></head><body>"
            "<p>Bonjour,</p><p>Voir <a href='https://example.org/guide'>le guide</a><br>page&nbsp;12.</p>"
            "<ul><li>le CCAP</li><li>l'annexe</li></ul>"
            "<div class='gmail_quote'>Le jeu. 12 mars 2026, Julien a écrit :<blockquote>ancien</blockquote></div>"
            "<blockquote type='cite'>cité par Apple Mail</blockquote></body></html>")
    assert html_to_text(html) == "Bonjour,\n\nVoir le guide (https://example.org/guide)\npage 12.\n\n- le CCAP\n- l'annexe"


def test_outlook_on_the_web_history_is_cut():
    html = ("<div>Oui, d'accord.</div><div id='appendonsend'></div><hr>"
            "<div id='divRplyFwdMsg'><b>De :</b> Julien<br><b>Envoyé :</b> jeudi</div><div>ancien texte</div>")
    assert html_to_text(html) == "Oui, d'accord."


def _message(part) -> bytes:
    part["From"] = "Sophie Lambert <Sophie.Lambert@Example.org>"
    part["To"] = "reponse+Ab.Cd@reponses.example.org"
    part["Subject"] = "Re: [Questions et entraide] Heures GEIQ"
    part["Message-ID"] = "<abc@mail.example.org>"
    return part.as_bytes()


def test_quoted_printable_windows_1252():
    charset = Charset("windows-1252")
    charset.body_encoding = QP
    raw = _message(MIMEText("L’équipe a validé : 35 € de l’heure, œuvre collective.", "plain", charset))
    assert b"quoted-printable" in raw and "’".encode("cp1252") not in raw  # really encoded
    mail = parse(raw)
    assert mail.text == "L’équipe a validé : 35 € de l’heure, œuvre collective."
    assert mail.sender == "sophie.lambert@example.org"
    assert "reponse+Ab.Cd@reponses.example.org" in mail.recipients  # the token's case is kept
    assert mail.message_id == "<abc@mail.example.org>" and mail.automatic is None


def test_base64_utf8_and_mislabelled_latin1():
    charset = Charset("utf-8")
    charset.body_encoding = BASE64
    raw = _message(MIMEText("Très bien, merci ✓", "plain", charset))
    assert b"base64" in raw and "✓".encode() not in raw
    assert parse(raw).text == "Très bien, merci ✓"
    # Labelled iso-8859-1 but written in windows-1252 (curly apostrophe 0x92), as many clients do.
    part = EmailMessage()
    part.set_content("C’est noté".encode("cp1252"), "text", "plain", cte="8bit")
    part.replace_header("Content-Type", "text/plain; charset=iso-8859-1")
    assert parse(_message(part)).text == "C’est noté"


def test_unknown_charset_keeps_what_is_readable():
    part = EmailMessage()
    part.set_content(b"Bien re\xc3\xa7u", "text", "plain", cte="8bit")
    part.replace_header("Content-Type", "text/plain; charset=x-unknown-charset")
    assert parse(_message(part)).text == "Bien reçu"


def test_html_only_alternative_and_attachments():
    message = MIMEMultipart("mixed")
    alternative = MIMEMultipart("alternative")
    alternative.attach(MIMEText("<p>Voici le <b>bilan</b>.</p><blockquote>ancien</blockquote>", "html", "utf-8"))
    message.attach(alternative)
    attachment = MIMEApplication(b"%PDF-1.4 fake", "pdf")
    attachment.add_header("Content-Disposition", "attachment", filename="bilan 2025.pdf")
    message.attach(attachment)
    mail = parse(_message(message))
    assert mail.text == "Voici le bilan."
    assert mail.attachments == ["bilan 2025.pdf"]


def test_a_message_without_message_id_is_known_by_its_digest():
    raw = MIMEText("Bonjour", "plain", "utf-8").as_bytes()
    first, second = parse(raw), parse(raw)
    assert first.message_id.startswith("sha256:") and first.message_id == second.message_id


@pytest.mark.parametrize(("headers", "subject", "why"), [
    ({"Auto-Submitted": "auto-replied"}, "Re: Heures GEIQ", "auto-submitted"),
    ({"Auto-Submitted": "auto-generated; owner-email=x@example.org"}, "Re: Heures GEIQ", "auto-submitted"),
    ({"X-Autoreply": "yes"}, "Re: Heures GEIQ", "auto-reply header"),
    ({"X-Autorespond": "Re: Heures GEIQ"}, "Re: Heures GEIQ", "auto-reply header"),
    ({"Precedence": "bulk"}, "Re: Heures GEIQ", "precedence"),
    ({"Precedence": "auto_reply"}, "Re: Heures GEIQ", "precedence"),
    ({"Precedence": "junk"}, "Re: Heures GEIQ", "precedence"),
    ({}, "Absence du bureau : Sophie Lambert", "auto-reply subject"),
    ({}, "Réponse automatique : Re: Heures GEIQ", "auto-reply subject"),
    ({}, "Out of Office: Re: Heures GEIQ", "auto-reply subject"),
    ({}, "Automatic reply: Heures GEIQ", "auto-reply subject"),
    ({"Return-Path": "<>"}, "Re: Heures GEIQ", "bounce"),
    ({"Return-Path": "<MAILER-DAEMON>"}, "Re: Heures GEIQ", "bounce"),
])
def test_auto_replies_and_bounces_are_recognised(headers, subject, why):
    part = MIMEText("Je suis absente jusqu'au 3 janvier.", "plain", "utf-8")
    for name, value in headers.items():
        part[name] = value
    del part["Subject"]
    part["Subject"] = subject
    assert parse(_message(part)).automatic == why


def test_a_person_is_not_an_automaton():
    part = MIMEText("Réponse à votre question : oui.", "plain", "utf-8")
    part["Auto-Submitted"] = "no"
    assert parse(_message(part)).automatic is None


def test_a_delivery_report_is_a_bounce():
    report = MIMEMultipart("report", report_type="delivery-status")
    report.attach(MIMEText("Delivery to the following recipient failed permanently.", "plain", "utf-8"))
    assert parse(_message(report)).automatic == "bounce"


@pytest.mark.parametrize("raw", [
    b"",
    bytes(range(256)) * 20,
    b"From: \xff\xfe <<<@@>>>\r\nSubject: =?utf-8?q?=ZZ?=\r\nContent-Type: multipart/alternative; boundary=\r\n\r\n--\r\n",
    b"Content-Type: text/plain; charset=\"\"\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!pas du base64",
    b"Content-Type: text/html\r\n\r\n" + b"<div>" * 5000 + b"profond",
])
def test_garbage_is_read_without_error_and_without_control_characters(raw):
    mail = parse(raw)
    assert not any(ord(c) < 32 and c not in "\n\t" for c in mail.text)
    assert mail.message_id.startswith("sha256:")
