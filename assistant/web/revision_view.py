"""修订对照 in the 法规库 tab: two versions of a law side by side, article by article, words
deleted in <del> and inserted in <ins>, with a summary on top. Pure renderers of a
``Comparison`` (every piece of document text escaped) plus the CSS they need."""
from __future__ import annotations

from assistant.revisions.types import Comparison, joined_text, version_name
from assistant.web.common import esc, status_badge
from knowledge.legal.revisions import ArticleChange, word_diff

KIND_BADGES = {"changed": ("修改", "warn"), "added": ("新增", "ok"), "deleted": ("删除", "bad"),
               "split": ("拆分", "info"), "merged": ("合并", "info")}

REVISION_CSS = """
.xf-rev-summary { display: flex; flex-wrap: wrap; gap: .4em 1.2em; margin: .2em 0 .6em; font-size: .95rem; }
.xf-rev-summary b { font-size: 1.15rem; margin-right: .15em; }
.xf-rev-grid { display: grid; grid-template-columns: 1fr 1fr; gap: 0; border: 1px solid var(--border-color-primary);
               border-radius: 8px; overflow: hidden; }
.xf-rev-grid > div { padding: .45em .7em; border-top: 1px solid var(--border-color-primary); line-height: 1.75;
                     font-size: .92rem; min-width: 0; overflow-wrap: anywhere; }
.xf-rev-grid > .xf-rev-colhead { border-top: none; font-weight: 600; background: var(--background-fill-secondary); }
.xf-rev-grid > .xf-rev-old { border-right: 1px solid var(--border-color-primary); }
.xf-rev-grid > .xf-rev-chapter { grid-column: 1 / -1; font-weight: 600; color: var(--body-text-color-subdued);
                                 background: var(--background-fill-secondary); font-size: .88rem; }
.xf-rev-grid p { margin: 0 0 .2em; }
.xf-rev-grid .xf-rev-label { font-weight: 600; margin-right: .4em; }
.xf-rev-grid .xf-rev-renum { color: #8a5300; font-weight: 600; }
.xf-rev-grid .xf-rev-none { color: var(--body-text-color-subdued); font-style: italic; }
.xf-rev-grid del { background: #fde2e2; color: #8f1d1d; text-decoration: line-through; }
.xf-rev-grid ins { background: #dcf3e3; color: #135c2e; text-decoration: none; }
.xf-rev-grid .xf-rev-added { background: #f3fbf5; } .xf-rev-grid .xf-rev-deleted { background: #fdf5f5; }
.xf-revnote { color: #234a9b; font-size: .82rem; margin-top: .3em; }
.xf-rev-versions { color: var(--body-text-color-subdued); font-size: .88rem; margin-bottom: .3em; }
@media (max-width: 720px) {
  /* one column: each side tagged 旧/新; an empty side and the repeated text of an unchanged one hidden */
  .xf-rev-grid { grid-template-columns: 1fr; }
  .xf-rev-grid > .xf-rev-old { border-right: none; }
  .xf-rev-grid > .xf-rev-colhead { display: none; }
  .xf-rev-grid > .xf-rev-new { border-top: 1px dashed var(--border-color-primary); }
  .xf-rev-grid > .xf-rev-old.xf-rev-added, .xf-rev-grid > .xf-rev-new.xf-rev-deleted { display: none; }
  .xf-rev-grid > .xf-rev-old.xf-rev-unchanged p { display: none; }
  .xf-rev-grid > .xf-rev-old::before, .xf-rev-grid > .xf-rev-new::before {
    display: inline-block; font-size: .72rem; padding: 0 .4em; margin-right: .4em; border-radius: 4px;
    background: var(--background-fill-secondary); color: var(--body-text-color-subdued); }
  .xf-rev-grid > .xf-rev-old::before { content: "旧"; }
  .xf-rev-grid > .xf-rev-new::before { content: "新"; }
}
"""


def summary_html(comparison: Comparison, in_force_note: str = "") -> str:
    n = comparison.counts
    parts = [(n["changed"], "处修改"), (n["added"], "条新增"), (n["deleted"], "条删除"),
             (n["renumbered"], "条重新编号")]
    parts += [(n[k], word) for k, word in (("split", "处拆分"), ("merged", "处合并"), ("moved", "条移至他章")) if n[k]]
    stats = "".join(f"<span><b>{v}</b>{esc(word)}</span>" for v, word in parts)
    note = f'<div class="xf-notice xf-info">{esc(in_force_note)}</div>' if in_force_note else ""
    return f'<div class="xf-rev-summary" id="xf-rev-summary">{stats}</div>{note}'


def comparison_html(comparison: Comparison, *, only_changes: bool = True, in_force_note: str = "") -> str:
    """Summary, then a two-column grid: the old text on the left, the new on the right."""
    o, n = comparison.old, comparison.new
    changes = comparison.differences if only_changes else comparison.changes
    cells = [f'<div class="xf-rev-colhead">旧：{esc(version_name(o))}{status_badge(o.status_on())}</div>',
             f'<div class="xf-rev-colhead">新：{esc(version_name(n))}{status_badge(n.status_on())}</div>']
    chapter = None
    for c in changes:
        heading = (c.new or c.old)[0].path[:1]
        if heading and heading[0] != chapter:
            chapter = heading[0]
            cells.append(f'<div class="xf-rev-chapter">{esc(chapter)}</div>')
        cells += _row(c)
    if not changes:
        cells.append('<div class="xf-rev-chapter">两个版本的条文完全相同。</div>')
    versions = (f'<div class="xf-rev-versions">旧：{esc(version_name(o))}（{esc(o.status_on())}）'
                f' → 新：{esc(version_name(n))}（{esc(n.status_on())}）</div>')
    return (f'<div class="xf-rev">{summary_html(comparison, in_force_note)}{versions}'
            f'<div class="xf-rev-grid">{"".join(cells)}</div></div>')


def _row(c: ArticleChange) -> list[str]:
    kind = c.kind if c.kind in KIND_BADGES else ""
    badge = ""
    if kind:
        name, cls = KIND_BADGES[kind]
        badge = f'<span class="xf-badge xf-{cls}">{name}</span>'
    elif c.renumbered:
        badge = '<span class="xf-badge xf-warn">重新编号</span>'
    if c.moved:
        badge += '<span class="xf-badge xf-info">移至他章</span>'
    old_html, new_html = _sides(c)
    old_label = _labels(c.old_labels, renumbered=c.renumbered)
    new_label = _labels(c.new_labels, renumbered=c.renumbered)
    return [f'<div class="xf-rev-old xf-rev-{c.kind}" data-kind="{c.kind}">{old_label}{old_html}</div>',
            f'<div class="xf-rev-new xf-rev-{c.kind}" data-kind="{c.kind}">{new_label}{badge}{new_html}</div>']


def _labels(labels: list[str], *, renumbered: bool) -> str:
    if not labels:
        return ""
    cls = "xf-rev-label xf-rev-renum" if renumbered else "xf-rev-label"
    return f'<span class="{cls}">{esc("、".join(labels))}</span>'


def _sides(c: ArticleChange) -> tuple[str, str]:
    """Old side with deletions marked, new side with insertions marked (escaped)."""
    if not c.new:
        return _plain(joined_text(c.old), "del"), '<span class="xf-rev-none">（本条已删除）</span>'
    if not c.old:
        return '<span class="xf-rev-none">（新增条文）</span>', _plain(joined_text(c.new), "ins")
    if c.kind == "unchanged":
        text = _plain(joined_text(c.new), "")
        return text, text
    old_parts, new_parts = [], []
    for kind, text in word_diff(joined_text(c.old), joined_text(c.new)):
        piece = _escaped(text)
        if kind == "equal":
            old_parts.append(piece)
            new_parts.append(piece)
        elif kind == "delete":
            old_parts.append(f"<del>{piece}</del>")
        else:
            new_parts.append(f"<ins>{piece}</ins>")
    return _paragraphs("".join(old_parts)), _paragraphs("".join(new_parts))


def _escaped(text: str) -> str:
    return esc(text).replace("\n", "<br>")


def _plain(text: str, tag: str) -> str:
    body = _escaped(text)
    return _paragraphs(f"<{tag}>{body}</{tag}>" if tag else body)


def _paragraphs(html_text: str) -> str:
    return f"<p>{html_text}</p>"
