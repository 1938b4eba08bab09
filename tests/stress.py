#!/usr/bin/env python3
"""stress.py DIR: writes the hostile and oversized inputs of the stress suite into DIR.

Each file is named for what it exercises; tests/run.sh renders every one with a time limit and
requires exit 0 (or the stated refusal), no crash, and a valid PDF."""
import os
import sys

d = sys.argv[1]
os.makedirs(d, exist_ok=True)


def w(name, data):
    with open(os.path.join(d, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode("utf-8"))


para = "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore. "
w("empty.md", "")
w("frontmatter-only.md", "---\ntitle: Only\n---\n")
w("frontmatter-unterminated.md", "---\ntitle: never closed\n# Heading\n")
w("frontmatter-malformed.md", "---\ntitle: [a, b\n: : :\n---\n# Heading\n")
w("big-10mb.md", ("# Section\n\n" + para * 20 + "\n\n") * (10_000_000 // 2100))
w("big-1mb.md", ("# Section\n\n" + para * 20 + "\n\n") * (1_000_000 // 2100))
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
