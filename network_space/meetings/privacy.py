"""What meetings keep about members (invitations and RSVPs, poll answers, minutes they wrote,
actions): export, erasure, declared to core/privacy.py."""
from __future__ import annotations

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import selectinload

from network_space.core.i18n import lazy_gettext as _l
from network_space.core.models import utcnow
from network_space.core.privacy import BASIS_PUBLIC_TASK, ERASED_NAME, register_personal_data
from network_space.extensions import db
from network_space.meetings.models import (
    ACTION_STATUSES, ANSWERS, ATTENDANCE, OPEN_ACTION_STATUSES, RSVPS, ActionItem, AgendaItem, Meeting,
    MeetingInvitee, MinutesRevision, PollAnswer, PollResponse, meeting_named_member, meeting_organiser,
)


def export_meetings(user) -> dict:
    invitations = db.session.scalars(
        select(MeetingInvitee).where(MeetingInvitee.user_id == user.id)
        .options(selectinload(MeetingInvitee.meeting)).order_by(MeetingInvitee.id))
    responses = db.session.scalars(
        select(PollResponse).where(PollResponse.user_id == user.id)
        .options(selectinload(PollResponse.meeting).selectinload(Meeting.slots),
                 selectinload(PollResponse.answers)).order_by(PollResponse.id))
    organised = db.session.scalars(
        select(Meeting).join(meeting_organiser).where(meeting_organiser.c.user_id == user.id).order_by(Meeting.id))
    revisions = db.session.scalars(
        select(MinutesRevision).where(MinutesRevision.author_id == user.id).order_by(MinutesRevision.id))
    actions = db.session.scalars(
        select(ActionItem).where(or_(ActionItem.assignee_id == user.id, ActionItem.done_by_id == user.id))
        .order_by(ActionItem.id))

    def answers(response: PollResponse) -> list[dict]:
        slots = {slot.id: slot for slot in response.meeting.slots}
        return [{"creneau_debut": slots[a.slot_id].starts_at, "creneau_fin": slots[a.slot_id].ends_at,
                 "reponse": str(ANSWERS.get(a.value, a.value))} for a in response.answers if a.slot_id in slots]

    return {
        "invitations": [
            {"reunion": i.meeting.title, "debut": i.meeting.starts_at, "invite_le": i.invited_at,
             "reponse": str(RSVPS[i.rsvp]) if i.rsvp in RSVPS else None, "repondu_le": i.rsvp_at,
             "presence": str(ATTENDANCE[i.attendance]) if i.attendance in ATTENDANCE else None}
            for i in invitations
        ],
        "sondages_de_dates": [
            {"reunion": r.meeting.title, "commentaire": r.comment, "modifie_le": r.updated_at, "reponses": answers(r)}
            for r in responses
        ],
        "reunions_organisees": [{"reunion": m.title, "debut": m.starts_at} for m in organised],
        "comptes_rendus_rediges": [
            {"reunion": r.minutes.meeting.title, "version": r.number, "date": r.created_at, "texte": r.body}
            for r in revisions
        ],
        "actions": [
            {"reunion": a.meeting.title, "action": a.title, "echeance": a.due_date,
             "etat": str(ACTION_STATUSES.get(a.status, a.status)), "confiee_a_vous": a.assignee_id == user.id,
             "faite_le": a.done_at}
            for a in actions
        ],
    }


def erase_meetings(user) -> None:
    """Past meetings keep their attendance list and minutes, the member shown as "Ancien membre";
    meetings still to come forget them; their poll comments go, their open actions become
    unassigned so that the co-animators see them to hand over."""
    now = utcnow()
    upcoming = select(Meeting.id).where(or_(Meeting.starts_at.is_(None), Meeting.starts_at > now))
    db.session.execute(delete(MeetingInvitee).where(MeetingInvitee.user_id == user.id,
                                                    MeetingInvitee.meeting_id.in_(upcoming)))
    upcoming_responses = select(PollResponse.id).where(PollResponse.user_id == user.id,
                                                       PollResponse.meeting_id.in_(upcoming))
    db.session.execute(delete(PollAnswer).where(PollAnswer.response_id.in_(upcoming_responses)))
    db.session.execute(delete(PollResponse).where(PollResponse.id.in_(upcoming_responses)))
    db.session.execute(update(PollResponse).where(PollResponse.user_id == user.id).values(comment=None))
    db.session.execute(delete(meeting_organiser).where(meeting_organiser.c.user_id == user.id,
                                                       meeting_organiser.c.meeting_id.in_(upcoming)))
    db.session.execute(delete(meeting_named_member).where(meeting_named_member.c.user_id == user.id))
    db.session.execute(update(Meeting).where(Meeting.secretary_id == user.id, Meeting.id.in_(upcoming))
                       .values(secretary_id=None))
    db.session.execute(update(ActionItem).where(ActionItem.assignee_id == user.id,
                                                ActionItem.status.in_(OPEN_ACTION_STATUSES)).values(assignee_id=None))
    db.session.execute(update(AgendaItem).where(AgendaItem.presenter == user.full_name)
                       .values(presenter=str(ERASED_NAME)))


def register() -> None:
    register_personal_data(
        "reunions", _l("Réunions du réseau"), order=50,
        data=_l("Invitations aux réunions, réponses (je viens, peut-être…) et présence, réponses aux sondages "
                "de dates et leur commentaire, réunions organisées, comptes-rendus rédigés, actions confiées."),
        purpose=_l("Organiser les réunions du réseau et en garder la mémoire (comptes-rendus, décisions, suivi "
                   "des actions)."),
        legal_basis=(BASIS_PUBLIC_TASK,),
        kept=_l("Tant que la réunion est utile à la mémoire du réseau ; à l'effacement d'un compte, les réunions "
                "passées gardent la présence et les comptes-rendus sous le nom « Ancien membre », les réunions à "
                "venir retirent le membre et ses actions en cours sont à réattribuer."),
        export=export_meetings, erase=erase_meetings,
    )
