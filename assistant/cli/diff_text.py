"""Plain-text rendering of a revision comparison for `xuefa laws diff` (no colours: it must
read the same in a pipe, a log and a terminal). Word changes are marked [-旧-]{+新+}."""
from __future__ import annotations

from assistant.revisions.types import Comparison, joined_text, version_name
from knowledge.legal.revisions import ArticleChange, word_diff

KIND_NAMES = {"changed": "修改", "added": "新增", "deleted": "删除", "split": "拆分", "merged": "合并",
              "unchanged": "重新编号"}
FILTERS = ("changed", "added", "deleted", "renumbered", "split", "merged", "moved")


def selected(comparison: Comparison, only: str | None) -> list[ArticleChange]:
    """The entries to show: every difference, or only one kind of them."""
    changes = comparison.differences
    if only in ("renumbered", "moved"):
        return [c for c in changes if getattr(c, only)]
    if only:
        return [c for c in changes if c.kind == only]
    return changes


def marked(old_text: str, new_text: str) -> str:
    """The new text with deletions as [-…-] and insertions as {+…+}."""
    out = []
    for kind, text in word_diff(old_text, new_text):
        out.append(text if kind == "equal" else f"[-{text}-]" if kind == "delete" else f"{{+{text}+}}")
    return "".join(out)


def entry(c: ArticleChange) -> list[str]:
    old, new = "、".join(c.old_labels), "、".join(c.new_labels)
    name = KIND_NAMES[c.kind]
    if c.kind == "added":
        head = f"[{name}] {new}"
    elif c.kind == "deleted":
        head = f"[{name}] {old}"
    else:
        head = f"[{name}] {old} → {new}" if old != new else f"[{name}] {new}"
    if c.kind == "unchanged":
        head += "（内容未变）"
    if c.moved:
        head += f"（移至{c.new[0].path[0]}；原在{c.old[0].path[0]}）"
    lines = [head]
    if c.kind in ("changed", "split", "merged"):
        body = marked(joined_text(c.old), joined_text(c.new))
    elif c.kind == "added":
        body = joined_text(c.new)
    elif c.kind == "deleted":
        body = joined_text(c.old)
    else:
        body = ""
    lines += [f"    {line}" for line in body.split("\n") if line.strip()]
    return lines


def render(comparison: Comparison, *, only: str | None = None, in_force_note: str = "") -> str:
    o, n = comparison.old, comparison.new
    lines = [f"《{comparison.title}》 {version_name(o)}{_status(o)} → {version_name(n)}{_status(n)}",
             comparison.headline()]
    if in_force_note:
        lines.append(in_force_note)
    shown = selected(comparison, only)
    for run in _runs(shown):
        lines.append("")
        lines += entry(run[0]) if len(run) == 1 else [_renumbered_run(run)]
    if not shown:
        lines += ["", "没有符合条件的变化。"]
    return "\n".join(lines)


def _status(doc) -> str:
    status = doc.status_on() if doc.status else ""
    return f"（{status}）" if status else ""


def _plain_renumbering(c: ArticleChange) -> bool:
    return c.kind == "unchanged" and c.renumbered and not c.moved


def _runs(changes: list[ArticleChange]) -> list[list[ArticleChange]]:
    """Consecutive articles only renumbered (same text, same chapter) go together."""
    runs: list[list[ArticleChange]] = []
    for c in changes:
        if runs and _plain_renumbering(c) and _plain_renumbering(runs[-1][-1]) \
                and c.old[0].seq == runs[-1][-1].old[0].seq + 1 and c.new[0].seq == runs[-1][-1].new[0].seq + 1:
            runs[-1].append(c)
        else:
            runs.append([c])
    return runs


def _renumbered_run(run: list[ArticleChange]) -> str:
    first, last = run[0], run[-1]
    return (f"[重新编号] {first.old_labels[0]}至{last.old_labels[0]} → {first.new_labels[0]}至{last.new_labels[0]}"
            f"（{len(run)} 条，内容未变）")
