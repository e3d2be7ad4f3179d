"""What the citation check returns: for each internal rule, the national laws it cites and
what became of each cited article since the rule was written."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

# what became of a cited article between the version the rule meant and the current one
ARTICLE_STATUSES = ("unchanged", "renumbered", "changed", "split", "merged", "deleted", "missing", "unknown")
STATUS_NAMES = {"unchanged": "未变", "renumbered": "条号变动", "changed": "内容修改", "split": "拆分",
                "merged": "合并", "deleted": "删除", "missing": "条文不存在", "unknown": "无法比对"}


@dataclass
class ArticleReview:
    """One article a rule cites, in the version the rule meant and in the current one."""

    cited: str  # as the rule cites it: 第二十一条
    status: str  # one of ARTICLE_STATUSES
    now: list[str] = field(default_factory=list)  # its label(s) in the current version
    diff: list[tuple[str, str]] = field(default_factory=list)  # word_diff runs, old → current text
    note: str = ""  # how it was found out (version compared, decision item)
    rule_article: str = ""  # the rule's article that cites it
    quote: str = ""  # the citation as written in the rule

    @property
    def needs_review(self) -> bool:
        return self.status != "unchanged"

    @property
    def status_name(self) -> str:
        return STATUS_NAMES.get(self.status, self.status)


@dataclass
class LawReview:
    """One law a rule cites: its version at the rule's date and now."""

    law: str  # held title
    version_then: str  # the date of the version in force at the rule's date ("" when not held)
    version_now: str  # the date of the current version
    revised: bool  # a version newer than the rule's date is current
    status_now: str  # 现行有效 / 已废止 …
    whole_law: bool  # the rule names the law itself (依据《X》), not only articles of it
    articles: list[ArticleReview] = field(default_factory=list)
    note: str = ""

    @property
    def needs_review(self) -> bool:
        if self.status_now == "已废止" or any(a.needs_review for a in self.articles):
            return True
        return self.revised and not self.articles  # named as a whole only: the whole law changed


@dataclass
class RuleReview:
    """An internal rule and what it cites."""

    rule_id: str
    title: str
    rule_date: str
    laws: list[LawReview] = field(default_factory=list)

    @property
    def needs_review(self) -> bool:
        return any(law.needs_review for law in self.laws)

    @property
    def reasons(self) -> list[str]:
        out = []
        for law in self.laws:
            name = f"《{law.law}》"
            if law.status_now == "已废止":
                out.append(f"{name}已废止")
            elif law.revised and not law.articles:
                out.append(f"{name}已于 {law.version_now} 修订（晚于本制度的 {self.rule_date}）")
            out += [_article_reason(name, a) for a in law.articles if a.needs_review]
        return out

    def to_dict(self) -> dict:
        d = asdict(self)
        d["needs_review"] = self.needs_review
        d["reasons"] = self.reasons
        return d


def _article_reason(name: str, a: ArticleReview) -> str:
    now = "、".join(a.now)
    if a.status == "renumbered":
        return f"{name}{a.cited}现为{now}（内容未变）"
    if a.status in ("changed", "split", "merged") and now:
        moved = f"，现为{now}" if a.now != [a.cited] else ""
        return f"{name}{a.cited}{a.status_name}{moved}"
    return f"{name}{a.cited}{a.status_name}"
