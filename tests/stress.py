#!/usr/bin/env python3
"""stress.py DIR: writes the hostile, pathological and oversized inputs of the stress suite
into DIR, with DIR/expect.tsv saying what each must do.

Many are cmark's own pathological tests (test/pathological_tests.py in cmark-gfm), at their
sizes; the others are what a typesetter adds: very long paragraphs (Latin and CJK), huge
tables, deep and wide HTML, thousands of distinct characters no font has, very long words.

expect.tsv: NAME <tab> EXIT <tab> REGEX. tests/run.sh renders every file, with and without
--safe, under a time-out that only guards against hangs: it requires the exit status (0:
rendered, a valid PDF; 1: refused, with REGEX in the message), never a crash, and notes the
time and peak memory of each run. With --safe, a file may also be refused by safe mode's
limits (1 MB, 20 pages), with exit 1 and a "safe mode:" message."""
import os
import sys

d = sys.argv[1]
os.makedirs(d, exist_ok=True)
expect = []


def w(name, data, rc=0, regex=""):
    with open(os.path.join(d, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode("utf-8"))
    expect.append((name, rc, regex))


para = "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore. "
refused = "more than the [0-9]+ allowed"

# ---- the first hardening suite ----------------------------------------------------------------
w("empty.md", "")
w("frontmatter-only.md", "---\ntitle: Only\n---\n")
w("frontmatter-unterminated.md", "---\ntitle: never closed\n# Heading\n")
w("frontmatter-malformed.md", "---\ntitle: [a, b\n: : :\n---\n# Heading\n")
# over the default input limit (2 MB): refused before anything is parsed
w("big-10mb.md", ("# Section\n\n" + para * 20 + "\n\n") * (10_000_000 // 2100), 1, refused)
w("big-1mb.md", ("# Section\n\n" + para * 20 + "\n\n") * (1_000_000 // 2100))
# just under the default limit: the largest document rendered by default
w("big-2mb.md", ("# Section\n\n" + para * 20 + "\n\n") * (2_000_000 // 2100))
w("headings-10000.md", "".join("## Heading %d\n\ntext %d\n\n" % (i, i) for i in range(10000)))
w("nested-list-1000.md", "".join("  " * i + "- level %d\n" % i for i in range(1000)))
w("nested-quote-1000.md", ">" * 1000 + " deep quote\n")
w("nested-html-1000.md", "<div>" * 1000 + "deep" + "</div>" * 1000 + "\n")
w("word-50000.md", "x" * 50000 + "\n")
w("url-10000.md", "<https://example.org/" + "a" * 10000 + ">\n")
w("table-500-columns.md", "|" + "|".join("h%d" % i for i in range(500)) + "|\n|" + "|".join("-" for _ in range(500)) + "|\n|" + "|".join("c%d" % i for i in range(500)) + "|\n")
w("bad-bytes.md", b"valid \xff\xfe bad \xc3 x \xed\xa0\x80 surrogate \x00 nul \r lone cr \x01\x02 controls \xe2\x80\xae bidi \xcc\x81 lone mark\n")
w("bom-crlf.md", "\ufeff# Title\r\n\r\nLine one\r\nline two\r\n")
w("rtl.md", "# Name\n\nArabic \u0645\u0631\u062d\u0628\u0627 and Hebrew \u05e9\u05dc\u05d5\u05dd in a line.\n")
w("combining.md", "\u0301 starts with a lone mark, e\u0301 composed, \u200d\u200c joiners.\n")
w("long-line-cjk.md", "中文" * 20000 + "\n")

# ---- cmark's pathological tests, at cmark's sizes ---------------------------------------------
w("cm-nested-strong-emph.md", ("*a **a " * 30000) + "b" + (" a** a*" * 30000))
w("cm-emph-closers.md", "a_ " * 65000)
w("cm-emph-openers.md", "_a " * 65000)
w("cm-link-closers.md", "a]" * 65000)
w("cm-link-openers.md", "[a" * 65000)
w("cm-mismatched.md", "*a_ " * 50000)
w("cm-openers-closers-mult3.md", "a**b" + "c* " * 50000)
w("cm-link-openers-emph-closers.md", "[ a_" * 50000)
w("cm-bracket-paren.md", "[ (](" * 80000)
w("cm-hard-link-emph.md", "**x [a*b**c*](d)\n")
w("cm-nested-brackets.md", "[" * 50000 + "a" + "]" * 50000)
w("cm-nested-block-quotes.md", "> " * 50000 + "a")
w("cm-deeply-nested-lists.md", "".join("  " * x + "* a\n" for x in range(1000)))
w("cm-nul.md", "abc\u0000de\u0000")
# cmark's backticks are 12.5 MB (over the limit); the same pattern under it renders
w("cm-backticks.md", "".join("e" + "`" * x for x in range(1, 5000)), 1, refused)
w("cm-backticks-2mb.md", "".join("e" + "`" * x for x in range(1, 2000)))
w("cm-unclosed-links-a.md", "[a](<b" * 30000)
w("cm-unclosed-links-b.md", "[a](b" * 30000)
w("cm-tables.md", "aaa\rbbb\n-\v\n" * 30000)
w("cm-many-references.md", "".join("[%d]: u\n" % x for x in range(1, 5000 * 16)) + "[0] " * 5000)


def reference_collisions():
    """cmark's refmap hash (16 buckets): 50,000 labels that all land in bucket 0."""
    def badhash(ref):
        h = 0
        for c in ref:
            h = (ord(c) + ((h << 6) & 0xFFFFFFFF) + ((h << 16) & 0xFFFFFFFF) - h) & 0xFFFFFFFF
        return h % 16 == 0
    keys, i = [], 0
    while len(keys) < 50000:
        k = "x%d" % i
        i += 1
        if badhash(k):
            keys.append(k)
    bad = keys[0]
    return "".join("[%s]: /url\n\n[%s]\n\n" % (k, bad) for k in keys[1:])


w("cm-reference-collisions.md", reference_collisions())

# ---- what a typesetter adds ------------------------------------------------------------------
line = "line %d of one long paragraph, with words to break and hyphenate between them\n"
w("para-20000-lines.md", "".join(line % i for i in range(20000)))
w("para-20000-split.md", "".join(line % i + "\n" for i in range(20000)))
w("para-cjk-20000-lines.md", "".join("第%d行：一个很长的中文段落，包含汉字、标点和English词语。\n" % i for i in range(20000)))
w("word-cjk-200000.md", "中" * 200000)
w("table-30000-rows.md", "| a | b |\n|---|---|\n" + "".join("| row %d | some text |\n" % i for i in range(30000)))
w("table-1000-columns-100-rows.md", "|" + "|".join("h" for _ in range(1000)) + "|\n|" + "|".join("-" for _ in range(1000)) + "|\n" +
  ("|" + "|".join("c" for _ in range(1000)) + "|\n") * 100)
w("html-wide-100000.md", "<div>" + "<span>x</span>" * 100000 + "</div>\n")
w("html-deep-inline-50000.md", "text " + "<b>" * 50000 + "x" + "</b>" * 50000 + "\n")
w("html-deep-block-50000.md", "<div>" * 50000 + "deep" + "</div>" * 50000 + "\n")
w("html-unmatched-closers.md", "x " + "<b>" * 30000 + "y" + "</i>" * 30000 + "\n")
w("html-comment-unclosed.md", "<!--" + "a" * 100000)
w("html-table-deep.md", "<table><tr><td>" * 3000 + "x" + "</td></tr></table>" * 3000 + "\n")
w("links-50000.md", " ".join("[l%d](https://e.org/%d)" % (i, i) for i in range(50000)))
w("autolinks-50000.md", " ".join("https://e.org/%d" % i for i in range(50000)))
w("images-missing-20000.md", " ".join("![i%d](missing%d.png)" % (i, i) for i in range(20000)))
w("headings-same-50000.md", "## Skills\n\n" * 50000)
w("empty-sections-thai-20000.md", "## ภาษาไทย\n" * 20000)
w("hard-breaks-100000.md", "a  \n" * 100000)
w("entities-100000.md", "&amp;" * 100000)
w("list-items-100000.md", "- item\n" * 100000)
w("lists-in-quotes-5000.md", "".join("> " * (i % 50) + "- a\n" for i in range(5000)))
w("emphasis-underscore-30000.md", ("_a __a " * 30000) + "b" + (" a__ a_" * 30000))
w("links-in-emphasis-30000.md", "[*" * 30000 + "a" + "*](u)" * 30000)
w("strikethrough-30000.md", "~~a " * 30000 + "b" + " a~~" * 30000)
w("uncovered-120000.md", "".join(chr(0xF0000 + i) for i in range(120000)))
w("word-1mb.md", "x" * 1_000_000)
w("code-block-1mb.md", "```\n" + ("code line with    spaces\n" * 40000) + "```\n")

with open(os.path.join(d, "expect.tsv"), "w") as f:
    for name, rc, regex in expect:
        f.write("%s\t%d\t%s\n" % (name, rc, regex))
