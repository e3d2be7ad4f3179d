"""Chat conversations per user, in the records database (tables ``conversations`` and
``conversation_messages``, defined with the other records tables in ``knowledge.store.records``).

Every read and write takes the user's id and only ever touches that user's conversations:
asking for someone else's conversation behaves as if it did not exist.
"""
from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, select

from knowledge.store.records import Conversation, ConversationMessage, Records, utcnow

TITLE_CHARS = 40


@dataclass
class ConversationInfo:
    id: str
    title: str
    created_at: str  # local time, ISO
    updated_at: str


@dataclass
class MessageView:
    role: str
    content: str
    items: list[dict] = field(default_factory=list)  # citation cards of an assistant message
    turn: dict[str, Any] = field(default_factory=dict)


def _local(ts: dt.datetime) -> str:
    return ts.astimezone().replace(tzinfo=None).isoformat(timespec="seconds")


def _info(row: Conversation) -> ConversationInfo:
    return ConversationInfo(row.id, row.title, _local(row.created_at), _local(row.updated_at))


def make_title(question: str) -> str:
    text = " ".join((question or "").split())
    return text if len(text) <= TITLE_CHARS else text[:TITLE_CHARS - 1] + "…"


class ConversationStore:
    def __init__(self, records: Records):
        self.records = records  # its tables are created with the others when Records opens the database

    def create(self, user_id: int, title: str) -> ConversationInfo:
        now = utcnow()
        with self.records.session() as s:
            row = Conversation(id=uuid.uuid4().hex, user_id=user_id, title=make_title(title) or "新对话",
                               created_at=now, updated_at=now)
            s.add(row)
            s.flush()
            return _info(row)

    def _own(self, s, user_id: int, conv_id: str) -> Conversation | None:
        return s.scalar(select(Conversation).where(Conversation.id == str(conv_id),
                                                   Conversation.user_id == user_id))

    def get(self, user_id: int, conv_id: str) -> ConversationInfo | None:
        with self.records.session() as s:
            row = self._own(s, user_id, conv_id)
            return _info(row) if row else None

    def list(self, user_id: int, limit: int = 50) -> list[ConversationInfo]:
        with self.records.session() as s:
            rows = s.scalars(select(Conversation).where(Conversation.user_id == user_id)
                             .order_by(Conversation.updated_at.desc()).limit(limit))
            return [_info(r) for r in rows]

    def messages(self, user_id: int, conv_id: str) -> list[MessageView]:
        with self.records.session() as s:
            if self._own(s, user_id, conv_id) is None:
                return []
            rows = s.scalars(select(ConversationMessage).where(ConversationMessage.conversation_id == conv_id)
                             .order_by(ConversationMessage.seq))
            return [MessageView(r.role, r.content, list((r.meta or {}).get("items") or []),
                                dict((r.meta or {}).get("turn") or {})) for r in rows]

    def turns(self, user_id: int, conv_id: str) -> list[dict]:
        """Earlier exchanges in the form the answer chain takes as history."""
        return [m.turn for m in self.messages(user_id, conv_id) if m.role == "assistant" and m.turn]

    def add_exchange(self, user_id: int, conv_id: str, question: str, answer, shown: str,
                     items: list[dict]) -> None:
        """Store one question and its answer (``answer``: answer_models.Answer)."""
        now = utcnow()
        turn = {"question": question, "answer": answer.text, "found": bool(answer.found),
                "laws": list(dict.fromkeys(c.law for c in answer.citations)),
                "standalone": answer.trace.rewritten_query or question}
        meta = {"items": items, "turn": turn, "flags": [f.to_dict() for f in answer.flags],
                "mode": answer.mode}
        with self.records.session() as s:
            conv = self._own(s, user_id, conv_id)
            if conv is None:
                raise LookupError("conversation not found")
            last = s.scalar(select(ConversationMessage.seq).where(ConversationMessage.conversation_id == conv_id)
                            .order_by(ConversationMessage.seq.desc()).limit(1)) or 0
            s.add(ConversationMessage(conversation_id=conv_id, seq=last + 1, role="user", content=question,
                                      meta={}, created_at=now))
            s.add(ConversationMessage(conversation_id=conv_id, seq=last + 2, role="assistant", content=shown,
                                      meta=meta, created_at=now))
            conv.updated_at = now

    def delete(self, user_id: int, conv_id: str) -> bool:
        with self.records.session() as s:
            conv = self._own(s, user_id, conv_id)
            if conv is None:
                return False
            s.execute(delete(ConversationMessage).where(ConversationMessage.conversation_id == conv_id))
            s.delete(conv)
            return True
