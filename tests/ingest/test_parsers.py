"""ingest/ parsers: real files of every supported format, generated in tmp_path."""
from __future__ import annotations

import io
import os
import random
import zipfile

import pytest

from ingest.metadata import extract_metadata, parse_date
from ingest.parsers import SUPPORTED_SUFFIXES, iter_files, parse_file
from ingest.parsers.pdf_parser import join_lines
from ingest.text_decoding import decode_bytes, normalize_text
from knowledge.errors import IngestError

MB = 1024 * 1024

SIMPLIFIED = (
    "中华人民共和国网络安全法\n"
    "第一条　为了保障网络安全，维护网络空间主权和国家安全、社会公共利益，保护公民、法人和其他组织的合法权益，"
    "促进经济社会信息化健康发展，制定本法。\n"
    "第二条　在中华人民共和国境内建设、运营、维护和使用网络，以及网络安全的监督管理，适用本法。\n"
    "第三条　国家坚持网络安全与信息化发展并重，遵循积极利用、科学发展、依法管理、确保安全的方针，"
    "推进网络基础设施建设和互联互通，鼓励网络技术创新和应用，支持培养网络安全人才，建立健全网络安全保障体系，"
    "提高网络安全保护能力。"
)
TRADITIONAL = (
    "民法\n"
    "第一條　民事，法律所未規定者，依習慣；無習慣者，依法理。\n"
    "第二條　民事所適用之習慣，以不背於公共秩序或善良風俗者為限。\n"
    "第三條　依法律之規定，有使用文字之必要者，得不由本人自寫，但必須親自簽名。如有用印章代簽名者，"
    "其蓋章與簽名生同等之效力。如以指印、十字或其他符號代簽名者，在文件上，經二人簽名證明，亦與簽名生同等之效力。\n"
    "第四條　關於一定之數量，同時以文字及號碼表示者，其文字與號碼有不符合時，如法院不能決定何者為當事人之原意，"
    "應以文字為準。"
)
SHORT_SIMPLIFIED = "第十条　当事人订立合同，可以采用书面形式、口头形式或者其他形式。"
SHORT_TRADITIONAL = "第七十一條　法律行為，違反強制或禁止之規定者，無效。"
# 𠮷 (U+20BB7) exists in GB18030 but not in GBK: a name only GB18030 can carry.
GB18030_ONLY = "第五条　申请人𠮷某不服本决定的，可以自收到决定书之日起十五日内申请复议。"


def write(tmp_path, name: str, data: bytes | str):
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def ingest_error(path, max_bytes: int = 10 * MB) -> str:
    with pytest.raises(IngestError) as info:
        parse_file(path, max_bytes)
    return info.value.reason


# --------------------------------------------------------------------------- text encodings


@pytest.mark.parametrize("encoding", ["utf-8", "gbk", "gb18030"])
@pytest.mark.parametrize("sample", [SIMPLIFIED, SHORT_SIMPLIFIED], ids=["long", "short"])
def test_txt_simplified_encodings(tmp_path, encoding, sample):
    path = write(tmp_path, "law.txt", sample.encode(encoding))
    parsed = parse_file(path, MB)
    assert parsed.text == sample
    assert parsed.format == "txt"


@pytest.mark.parametrize("encoding", ["utf-8", "big5"])
@pytest.mark.parametrize("sample", [TRADITIONAL, SHORT_TRADITIONAL], ids=["long", "short"])
def test_txt_traditional_encodings(tmp_path, encoding, sample):
    path = write(tmp_path, "law.txt", sample.encode(encoding))
    assert parse_file(path, MB).text == sample


def test_gb18030_only_characters():
    data = GB18030_ONLY.encode("gb18030")
    with pytest.raises(UnicodeEncodeError):
        GB18030_ONLY.encode("gbk")
    assert decode_bytes(data, "x.txt") == GB18030_ONLY
    # GBK-encoded traditional text is also GB18030, not Big5.
    assert decode_bytes(TRADITIONAL.encode("gbk"), "x.txt") == TRADITIONAL


def test_boms_are_honoured():
    assert decode_bytes(b"\xef\xbb\xbf" + SHORT_SIMPLIFIED.encode("utf-8"), "a.txt") == SHORT_SIMPLIFIED
    assert decode_bytes(SHORT_SIMPLIFIED.encode("utf-16"), "a.txt") == SHORT_SIMPLIFIED
    assert decode_bytes(codec_bom_be(SHORT_TRADITIONAL), "a.txt") == SHORT_TRADITIONAL


def codec_bom_be(text: str) -> bytes:
    return b"\xfe\xff" + text.encode("utf-16-be")


def test_normalization_keeps_fullwidth_punctuation(tmp_path):
    raw = (
        "　　第一条　为了规范（试行）行为，制定本法：\r\n"
        "\u00a0\u00a0第二条\u200b 本法适用于全国；  \r\n\r\n\r\n\r\n"
        "第三条 ＡＢＣ１２３。\r\n"
    )
    path = write(tmp_path, "a.txt", raw)
    text = parse_file(path, MB).text
    assert text == (
        "第一条　为了规范（试行）行为，制定本法：\n"
        "第二条 本法适用于全国；\n"
        "\n"
        "第三条 ＡＢＣ１２３。"
    )
    assert normalize_text("a\r\nb\rc\n\n\n\nd  ") == "a\nb\nc\n\nd"


def test_binary_junk_is_rejected(tmp_path):
    rng = random.Random(7)
    junk = bytes(rng.randrange(256) for _ in range(2000))
    assert "无法识别文本编码" in ingest_error(write(tmp_path, "junk.txt", junk))
    # No NUL bytes, decodes as GB18030, but as rare-character soup.
    soup = bytes(rng.randrange(0x81, 0xFF) for _ in range(600))
    assert "无法识别文本编码" in ingest_error(write(tmp_path, "soup.txt", soup))
    with pytest.raises(IngestError):
        decode_bytes(b"%PDF-1.4\x00\x01\x02\x03" * 50, "fake.txt")


def test_latin1_english_falls_back_to_charset_normalizer():
    text = "Le contrat est formé par la rencontre d'une offre et d'une acceptation. " * 5
    assert "formé" in decode_bytes(text.encode("cp1252"), "code.txt")
    # Valid UTF-8 that is not (only) Chinese is still UTF-8.
    mixed = "民法第三条：私権の享有は、出生に始まる。🙂"
    assert decode_bytes(mixed.encode("utf-8"), "jp.txt") == mixed


# --------------------------------------------------------------------------- generic checks


def test_empty_and_blank_files(tmp_path):
    assert ingest_error(write(tmp_path, "empty.txt", b"")) == "文件为空"
    assert ingest_error(write(tmp_path, "blank.txt", " \n\u3000\r\n\t")) == "未解析出任何文本"
    assert ingest_error(write(tmp_path, "blank.md", "# \n---\n")) == "未解析出任何文本"


def test_size_limit(tmp_path):
    path = write(tmp_path, "big.txt", SIMPLIFIED * 200)
    reason = ingest_error(path, max_bytes=MB // 10)
    assert reason.startswith("文件超过大小上限 0.1 MB")
    assert parse_file(path, 2 * MB).text.startswith("中华人民共和国网络安全法")


def test_unsupported_and_missing(tmp_path):
    reason = ingest_error(write(tmp_path, "old.doc", b"\xd0\xcf\x11\xe0"))
    assert reason.startswith("不支持的文件类型 .doc（支持 .txt .md .docx .pdf .html）")
    assert "另存为 .docx" in reason
    assert "不支持的文件类型" in ingest_error(write(tmp_path, "noext", "x"))
    assert ingest_error(tmp_path / "missing.txt") == "文件不存在"
    assert set(SUPPORTED_SUFFIXES) == {".txt", ".md", ".markdown", ".docx", ".pdf", ".html", ".htm"}


def test_iter_files(tmp_path):
    (tmp_path / "laws" / "sub").mkdir(parents=True)
    (tmp_path / "laws" / ".git").mkdir()
    for name in ["laws/b.txt", "laws/a.PDF", "laws/sub/c.md", "laws/sub/d.htm", "laws/skip.doc",
                 "laws/.hidden.txt", "laws/.git/e.txt", "laws/~$lock.docx", "other.doc"]:
        write(tmp_path, name, "x")
    files = iter_files([tmp_path / "laws", tmp_path / "other.doc", tmp_path / "laws" / "b.txt"])
    rel = [p.relative_to(tmp_path).as_posix() for p in files]
    assert rel == ["laws/a.PDF", "laws/b.txt", "laws/sub/c.md", "laws/sub/d.htm", "other.doc"]


# --------------------------------------------------------------------------- markdown


def test_markdown_syntax_is_stripped(tmp_path):
    md = """---
title: 前置标题不用
---
# 中华人民共和国网络安全法

> 引用：**重要**说明，见[全国人大网](http://www.npc.gov.cn)。

## 第一章　总则

第一条　为了保障*网络安全*，制定本法。

- 要点一
* 要点二
1. 编号保留
一、中文编号保留
（一）括号编号保留

| 条文 | 内容 |
| --- | :---: |
| 第二条 | 适用范围 |

```
代码块原样
```
***
结尾 `代码` 与 ~~删除~~ 与 __粗体__
"""
    parsed = parse_file(write(tmp_path, "law.md", md), MB)
    assert parsed.format == "md"
    assert parsed.title == "前置标题不用"  # front matter wins over the first heading
    assert parsed.text.split("\n") == [
        "中华人民共和国网络安全法",
        "",
        "引用：重要说明，见全国人大网。",
        "",
        "第一章　总则",
        "",
        "第一条　为了保障网络安全，制定本法。",
        "",
        "要点一",
        "要点二",
        "1. 编号保留",
        "一、中文编号保留",
        "（一）括号编号保留",
        "",
        "条文 内容",
        "第二条 适用范围",
        "",
        "代码块原样",
        "结尾 代码 与 删除 与 粗体",
    ]


def test_markdown_title_from_heading_gbk(tmp_path):
    md = "# 反电信网络诈骗法\n\n第一条　为了预防、遏制和惩治电信网络诈骗活动，制定本法。\n"
    parsed = parse_file(write(tmp_path, "a.markdown", md.encode("gbk")), MB)
    assert parsed.title == "反电信网络诈骗法"
    assert "第一条　为了预防、遏制和惩治电信网络诈骗活动，制定本法。" in parsed.text


# --------------------------------------------------------------------------- html


def test_html_main_text(tmp_path):
    page = """<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>中华人民共和国网络安全法_中国人大网</title><style>p{color:red}</style>
<script>var x = "不要这段脚本";</script></head>
<body><header>网站首页 | 导航</header><nav><a href="/">首页</a></nav>
<div class="content"><h1>中华人民共和国
网络安全法</h1>
<p>（2016年11月7日第十二届全国人民代表大会常务委员会第二十四次会议通过）</p>
<p>　　第一条　为了保障网络安全，<b>维护</b>网络空间主权，
制定本法。</p><p>第二条&nbsp;在中华人民共和国境内建设网络，适用本法。<br>第二款内容。</p>
<!-- 注释不要 -->
<table><tr><th>条</th><th>要点</th></tr><tr><td>第三条</td><td>并重</td></tr></table>
<ul><li>一、列表项</li></ul>
<p>第七十九条　本法自2017年6月1日起施行。</p></div>
<footer>版权所有 全国人大</footer></body></html>"""
    # gb2312-labelled page containing a GBK-only character (镕): decoded as GB18030.
    page = page.replace("维护", "维护镕")
    parsed = parse_file(write(tmp_path, "law.html", page.encode("gbk")), MB)
    assert parsed.format == "html"
    assert parsed.title == "中华人民共和国网络安全法"
    lines = parsed.text.split("\n")
    assert lines[0] == "中华人民共和国网络安全法"
    assert "第一条　为了保障网络安全，维护镕网络空间主权，制定本法。" in lines
    assert "第二条 在中华人民共和国境内建设网络，适用本法。" in lines
    assert "第二款内容。" in lines
    assert "条 要点" in lines and "第三条 并重" in lines and "一、列表项" in lines
    for junk in ("不要这段脚本", "color", "导航", "首页", "版权所有", "注释不要"):
        assert junk not in parsed.text
    assert parsed.metadata["issuer"] == "全国人民代表大会常务委员会"
    assert parsed.metadata["publish_date"] == "2016-11-07"
    assert parsed.metadata["effective_date"] == "2017-06-01"


def test_html_title_from_title_tag(tmp_path):
    page = ("<html><head><meta charset='utf-8'><title>国务院关于印发X方案的通知 - 中国政府网</title></head>"
            "<body><div><p>各省、自治区、直辖市人民政府：</p><p>现将方案印发给你们。</p></div></body></html>")
    parsed = parse_file(write(tmp_path, "n.htm", page), MB)
    assert parsed.title == "国务院关于印发X方案的通知"
    assert parsed.text == "各省、自治区、直辖市人民政府：\n现将方案印发给你们。"


# --------------------------------------------------------------------------- docx


def make_docx(path, with_table=True):
    import docx

    doc = docx.Document()
    doc.add_paragraph("中华人民共和国个人信息保护法", style="Title")
    doc.add_paragraph("（2021年8月20日第十三届全国人民代表大会常务委员会第三十次会议通过）")
    doc.add_paragraph("第一章　总则")
    doc.add_paragraph("　　第一条　为了保护个人信息权益，规范个人信息处理活动，制定本法。")
    if with_table:
        table = doc.add_table(rows=2, cols=3)
        table.cell(0, 0).text = "条文"
        table.cell(0, 1).text = "要点"
        table.cell(0, 2).text = "备注"
        table.cell(1, 0).text = "第二条"
        merged = table.cell(1, 1).merge(table.cell(1, 2))
        merged.text = "个人信息受法律保护"
    doc.add_paragraph("")
    doc.add_paragraph("第七十四条　本法自2021年11月1日起施行。")
    doc.save(path)


def test_docx_paragraphs_and_tables_in_order(tmp_path):
    path = tmp_path / "pipl.docx"
    make_docx(path)
    parsed = parse_file(path, MB)
    assert parsed.format == "docx"
    assert parsed.title == "中华人民共和国个人信息保护法"
    assert parsed.text.split("\n") == [
        "中华人民共和国个人信息保护法",
        "（2021年8月20日第十三届全国人民代表大会常务委员会第三十次会议通过）",
        "第一章　总则",
        "第一条　为了保护个人信息权益，规范个人信息处理活动，制定本法。",
        "条文 要点 备注",
        "第二条 个人信息受法律保护",  # merged cell counted once
        "",
        "第七十四条　本法自2021年11月1日起施行。",
    ]
    assert parsed.metadata == {
        "publish_date": "2021-08-20",
        "issuer": "全国人民代表大会常务委员会",
        "effective_date": "2021-11-01",
    }


def test_corrupt_docx(tmp_path):
    expected = "文件已损坏或不是有效的 .docx"
    assert expected in ingest_error(write(tmp_path, "bad.docx", b"PK\x03\x04 this is not a zip"))
    assert expected in ingest_error(write(tmp_path, "txt.docx", "其实是文本文件"))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:  # a valid zip, but not a Word package
        zf.writestr("hello.txt", "hi")
    assert expected in ingest_error(write(tmp_path, "zip.docx", buf.getvalue()))
    # A truncated real .docx.
    good = tmp_path / "good.docx"
    make_docx(good)
    assert expected in ingest_error(write(tmp_path, "cut.docx", good.read_bytes()[:2000]))


# --------------------------------------------------------------------------- pdf

ARTICLE_1 = ("第一条　为了规范行政法规制定程序，保证行政法规质量，根据宪法、立法法和国务院组织法的有关规定，"
             "制定本条例。")
ARTICLE_2 = ("第二条　行政法规的立项、起草、审查、决定、公布、解释，适用本条例。编纂行政法规的程序，"
             "参照本条例的有关规定执行。")


def wrap(text: str, width: int = 30) -> list[str]:
    return [text[i:i + width] for i in range(0, len(text), width)]


def make_pdf(pages: list[list[str]]) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    for lines in pages:
        c.setFont("STSong-Light", 12)
        for i, line in enumerate(lines):
            c.drawString(60, 780 - 18 * i, line)
        c.showPage()
    c.save()
    return buf.getvalue()


def regulation_pdf() -> bytes:
    page1 = ["行政法规制定程序条例",
             "（2001年11月16日中华人民共和国国务院令第321号公布）",
             "第一章　总则",
             *wrap(ARTICLE_1),
             "- 1 -"]
    page2 = [*wrap(ARTICLE_2), "一、附注", "第 2 页"]
    return make_pdf([page1, page2])


def test_pdf_text_layer_lines_rejoined(tmp_path):
    parsed = parse_file(write(tmp_path, "reg.pdf", regulation_pdf()), MB)
    assert parsed.format == "pdf"
    assert parsed.text.split("\n") == [
        "行政法规制定程序条例",
        "（2001年11月16日中华人民共和国国务院令第321号公布）",
        "第一章　总则",
        ARTICLE_1,
        ARTICLE_2,
        "一、附注",
    ]
    assert parsed.title == "行政法规制定程序条例"
    assert parsed.metadata["publish_date"] == "2001-11-16"
    assert parsed.metadata["doc_number"] == "中华人民共和国国务院令第321号"


def test_join_lines_rules():
    lines = ["第三条　这是一个很长的条文内容被页面宽度截断", "后面接着写完。", "第四条　另一条很长的条文内容在这里被截",
             "（一）第一项；", "短标题", "下一行"]
    assert join_lines(lines) == [
        "第三条　这是一个很长的条文内容被页面宽度截断后面接着写完。",
        "第四条　另一条很长的条文内容在这里被截",
        "（一）第一项；",
        "短标题",
        "下一行",
    ]


def test_encrypted_pdf(tmp_path):
    from pypdf import PdfReader, PdfWriter

    def encrypted(user_password: str) -> bytes:
        writer = PdfWriter(clone_from=PdfReader(io.BytesIO(regulation_pdf())))
        writer.encrypt(user_password=user_password, owner_password="owner-secret", algorithm="AES-128")
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()

    assert ingest_error(write(tmp_path, "locked.pdf", encrypted("secret"))).startswith("PDF 已加密")
    # Owner password only: opens with the empty user password, like any PDF viewer would.
    parsed = parse_file(write(tmp_path, "owner.pdf", encrypted("")), MB)
    assert ARTICLE_1 in parsed.text.split("\n")


def test_pdf_without_text_layer(tmp_path):
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.rect(100, 100, 300, 400, fill=1)
    c.showPage()
    c.save()
    reason = ingest_error(write(tmp_path, "scan.pdf", buf.getvalue()))
    assert reason == "PDF 没有文本层（可能是扫描件），请先 OCR"


def test_corrupt_pdf(tmp_path):
    assert "文件已损坏" in ingest_error(write(tmp_path, "bad.pdf", b"%PDF-1.7\n garbage " * 10))
    assert "文件已损坏" in ingest_error(write(tmp_path, "cut.pdf", regulation_pdf()[:300]))


# --------------------------------------------------------------------------- metadata


def test_metadata_statute_with_amendments():
    text = (
        "中华人民共和国公司法\n"
        "（1993年12月29日第八届全国人民代表大会常务委员会第五次会议通过　根据1999年12月25日第九届全国人民代表大会"
        "常务委员会第十三次会议《关于修改〈中华人民共和国公司法〉的决定》第一次修正　2023年12月29日第十四届全国人民"
        "代表大会常务委员会第七次会议第二次修订）\n"
        "第一条　为了规范公司的组织和行为，制定本法。\n"
        "第二百六十六条　本法自2024年7月1日起施行。"
    )
    title, meta = extract_metadata(text)
    assert title == "中华人民共和国公司法"
    assert meta == {"publish_date": "2023-12-29", "issuer": "全国人民代表大会常务委员会",
                    "effective_date": "2024-07-01"}


def test_metadata_notice_with_chinese_numeral_date():
    text = (
        "国务院关于印发\n"
        "“十四五”数字经济发展规划的通知\n"
        "国发〔2021〕29号\n"
        "各省、自治区、直辖市人民政府，国务院各部委、各直属机构：\n"
        "现将《“十四五”数字经济发展规划》印发给你们，请认真贯彻执行。\n"
        "国务院\n"
        "二〇二一年十二月十二日\n"
        "（此件公开发布）"
    )
    title, meta = extract_metadata(text)
    assert title == "国务院关于印发“十四五”数字经济发展规划的通知"
    assert meta == {"publish_date": "2021-12-12", "issuer": "国务院", "doc_number": "国发〔2021〕29号"}


def test_metadata_labelled_fields():
    text = (
        "标题：关于做好春节期间有关工作的通知\n"
        "发文机关：国务院办公厅    发文字号：国办发[2023]1号\n"
        "成文日期：2023年01月05日  发布日期：2023-01-06\n"
        "各省、自治区、直辖市人民政府：\n"
        "本通知自印发之日起施行。"
    )
    title, meta = extract_metadata(text)
    assert title == "关于做好春节期间有关工作的通知"
    assert meta == {"issuer": "国务院办公厅", "doc_number": "国办发〔2023〕1号", "publish_date": "2023-01-06",
                    "effective_date": "2023-01-06"}


def test_metadata_judicial_interpretation_and_issued_by():
    title, meta = extract_metadata(
        "《最高人民法院关于适用〈中华人民共和国民法典〉时间效力的若干规定》\n"
        "法释〔2020〕15号\n"
        "（2020年12月14日最高人民法院审判委员会第1821次会议通过，自2021年1月1日起施行）\n"
        "第一条　民法典施行后的法律事实引起的民事纠纷案件，适用民法典的规定。"
    )
    assert title == "最高人民法院关于适用〈中华人民共和国民法典〉时间效力的若干规定"
    assert meta == {"publish_date": "2020-12-14", "issuer": "最高人民法院审判委员会",
                    "doc_number": "法释〔2020〕15号", "effective_date": "2021-01-01"}

    title, meta = extract_metadata("数据出境安全评估办法（试行）\n国家互联网信息办公室2022年7月7日印发\n"
                                   "第一条　为了规范数据出境活动，制定本办法。")
    assert title == "数据出境安全评估办法（试行）"
    assert meta == {"issuer": "国家互联网信息办公室", "publish_date": "2022-07-07"}


def test_metadata_negative_cases():
    assert extract_metadata("") == (None, {})
    title, meta = extract_metadata("第一条　为了保护民事主体的合法权益，制定本法。\n第二条　民法调整平等主体之间的关系。")
    assert title is None and meta == {}
    # A 30 February is not a date; a doc number cited mid-sentence is not this document's.
    title, meta = extract_metadata("某某办法\n依据国发〔2020〕3号文件，自2023年2月30日起施行。")
    assert title == "某某办法" and meta == {}


@pytest.mark.parametrize("raw, iso", [
    ("2023年1月5日", "2023-01-05"),
    ("二〇二三年一月五日", "2023-01-05"),
    ("二○二三年十二月三十一日", "2023-12-31"),
    ("２０２３年１０月２０日", "2023-10-20"),
    ("发布于 2023.1.5", "2023-01-05"),
    ("2023年13月1日", None),
])
def test_parse_date(raw, iso):
    assert parse_date(raw) == iso


def test_parse_file_fills_metadata_for_txt(tmp_path):
    text = ("中华人民共和国网络安全法\n"
            "（2016年11月7日第十二届全国人民代表大会常务委员会第二十四次会议通过）\n"
            "第七十九条　本法自2017年6月1日起施行。\n")
    parsed = parse_file(write(tmp_path, "csl.txt", text.encode("gb18030")), MB)
    assert parsed.title == "中华人民共和国网络安全法"
    assert parsed.metadata == {"publish_date": "2016-11-07", "issuer": "全国人民代表大会常务委员会",
                               "effective_date": "2017-06-01"}
    assert os.fspath(parsed.path) == os.fspath(tmp_path / "csl.txt")
