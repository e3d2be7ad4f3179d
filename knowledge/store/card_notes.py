"""Review cards that a new version of their law touched: the card follows its article's text
to the new version, and carries a note saying what changed until it is next reviewed.

The note table is keyed by the card (its row goes with the card) and created the first time a
revision moves a card: reading and reviewing never alter a database that has no such table.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Text, delete, inspect, select
from sqlalchemy.orm import Mapped, mapped_column

from knowledge.store.records import Base, Records, ReviewCard, UTCDateTime, utcnow


class CardNote(Base):
    """Why a card was brought forward: 《X》修订后，第二十一条现为第二十三条……"""

    __tablename__ = "fsrs_card_notes"

    card_id: Mapped[int] = mapped_column(ForeignKey("fsrs_cards.id", ondelete="CASCADE"), primary_key=True)
    note: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class CardNotes:
    """Moves cards to a law's new version and keeps their notes (table created on first use)."""

    def __init__(self, records: Records):
        self.records = records
        self._exists = False

    def _table(self, create: bool) -> bool:
        if not self._exists:
            if create:
                Base.metadata.create_all(self.records.engine, tables=[CardNote.__table__])
            self._exists = inspect(self.records.engine).has_table(CardNote.__tablename__)
        return self._exists

    def cards_on(self, doc_id: str) -> list[ReviewCard]:
        """Every user's cards on articles of one document."""
        with self.records.session() as s:
            return list(s.scalars(select(ReviewCard).where(ReviewCard.doc_id == doc_id).order_by(ReviewCard.id)))

    def follow(self, card_id: int, *, article_id: int, doc_id: str, label: str, due: dt.datetime | None,
               note: str) -> None:
        """Point a card at its article in the new version (its label may be another now), bring
        it due at ``due`` when given, and note why. A user's card already on that article wins."""
        self._table(create=True)
        with self.records.session() as s:
            card = s.get(ReviewCard, card_id)
            if card is None:
                return
            taken = s.scalar(select(ReviewCard).where(ReviewCard.user_id == card.user_id,
                                                      ReviewCard.article_id == article_id, ReviewCard.id != card_id))
            if taken is not None:
                s.delete(card)
                card = taken
            card.article_id, card.doc_id, card.article = article_id, doc_id, label
            if due is not None and card.due > due:
                card.due = due
                card.card = {**card.card, "due": due.isoformat()}
            if note:
                s.merge(CardNote(card_id=card.id, note=note, created_at=utcnow()))

    def notes(self, user_id: int) -> dict[int, str]:
        """Article id → note, for the user's noted cards."""
        if not self._table(create=False):
            return {}
        stmt = (select(ReviewCard.article_id, CardNote.note).join(CardNote, CardNote.card_id == ReviewCard.id)
                .where(ReviewCard.user_id == user_id))
        with self.records.session() as s:
            return {a: n for a, n in s.execute(stmt)}

    def clear(self, user_id: int, article_id: int) -> None:
        """The card was reviewed on the new text: its note has done its job."""
        if not self._table(create=False):
            return
        card_ids = select(ReviewCard.id).where(ReviewCard.user_id == user_id, ReviewCard.article_id == article_id)
        with self.records.session() as s:
            s.execute(delete(CardNote).where(CardNote.card_id.in_(card_ids)))
