#!/usr/bin/env bash
# The cvpdf test suite. Build first (`make`; `make check` does both), then from the repo root:
#
#   bash tests/run.sh             all checks
#   bash tests/run.sh corpus      only the checks whose name contains "corpus"
#
# Each check prints `ok - NAME` or `FAIL - NAME: REASON` (followed by `#`-lines of context);
# the last line is `N passed, N failed` and the exit status is 1 when any check failed.
#
# Environment: CVPDF (binary, default ./cvpdf), CVPDF_UNIT (the unit-test binary built from
# tests/unit.c; `make check` sets it, unset skips the unit tests), SHARED (default ../shared, beside the repo),
# TIMEOUT (seconds per cvpdf run, default 120), CORPUS_MIN_FIDELITY (default 0.9),
# KEEP=1 (keep the scratch directory and print its path).
#
# Adding a check: write a function (or use a helper directly) and register it with
#
#   check "area: what must hold" my_function ARGS...
#
# The body runs in its own subshell, from the repo root, with $CASE set to a fresh scratch
# directory. It passes when it returns 0. Assertions (fail, expect_rc, expect_grep, ...) end the
# check with a reason: call them as plain commands, not inside $(...) or a pipeline, where their
# `exit` would only leave the inner subshell. `note TEXT` appends "(TEXT)" to the check's line,
# `skip REASON` ends it as skipped (not a pass). Use `run CMD...` to capture a command's stdout, stderr and exit
# status ($CASE/stdout, $CASE/stderr, $RC) and `render NAME SRC` to share one rendering of SRC
# ($OUT/NAME.pdf) between checks.
set -u

cd "$(dirname "$0")/.." || exit 2
ROOT=$PWD
CVPDF=${CVPDF:-$ROOT/cvpdf}
SHARED=${SHARED:-$ROOT/../shared}
PDFCHECK=$SHARED/tools/pdfcheck
# Debian's interpreter: python3-pikepdf and python3-pypdf install there (a pyenv python3 on
# the PATH has neither)
DEBPY=/usr/bin/python3
TIMEOUT=${TIMEOUT:-120}
CORPUS_MIN_FIDELITY=${CORPUS_MIN_FIDELITY:-0.98}
FILTER=${1:-}

TMP=$(mktemp -d "${TMPDIR:-/tmp}/cvpdf-tests.XXXXXX") || { echo "cannot create a scratch directory" >&2; exit 2; }
cleanup() {
	if [ -n "${KEEP:-}" ]; then
		echo "# scratch directory kept: $TMP" >&2
	else
		chmod -R u+rwx "$TMP" 2>/dev/null
		rm -rf "$TMP"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
OUT=$TMP/out   # renderings shared between checks (see render)
# what cvpdf keeps between runs (diskcache.c) goes here, not into the user's ~/.cache: every
# render of the suite after the first shares it, as a user's runs do
export CVPDF_CACHE_DIR=$TMP/disk-cache
mkdir -p "$OUT" "$TMP/cases"
: >"$TMP/fidelity"

PASSED=0 FAILED=0 SKIPPED=0 NCHECK=0

# ---------------------------------------------------------------------------------------------
# The harness

# check NAME CMD...: runs CMD as one check (see the top of this file).
check() {
	local name=$1 rc=0 note="" reason dir
	shift
	if [ -n "$FILTER" ] && [[ $name != *"$FILTER"* ]]; then
		return 0
	fi
	NCHECK=$((NCHECK + 1))
	dir=$TMP/cases/$NCHECK
	mkdir -p "$dir"
	(CASE=$dir; "$@") >"$dir/log" 2>&1 </dev/null || rc=$?
	[ -s "$dir/note" ] && note=" ($(cat "$dir/note"))"
	if [ "$rc" -eq 0 ]; then
		PASSED=$((PASSED + 1))
		echo "ok - $name$note"
	elif [ "$rc" -eq 77 ] && [ -f "$dir/skip" ]; then
		SKIPPED=$((SKIPPED + 1))
		echo "skip - $name # SKIP $(cat "$dir/skip")"
	else
		FAILED=$((FAILED + 1))
		reason=$(grep -v '^[[:space:]]*$' "$dir/log" | tail -n 1)
		[ -n "$reason" ] || reason="exit status $rc"
		echo "FAIL - $name$note: $reason"
		# everything the check printed before its reason, as context
		grep -v '^[[:space:]]*$' "$dir/log" | sed '$d' | head -n 60 | sed 's/^/#   /'
	fi
}

# fail REASON: ends the current check as failed.
fail() {
	printf '%s\n' "$*" >&2
	exit 1
}

# skip REASON: ends the current check as skipped (not counted as passed; marked # SKIP).
skip() {
	printf '%s\n' "$*" >"$CASE/skip"
	exit 77
}

# note TEXT: shown in parentheses after the check's name (e.g. a measured figure).
note() {
	printf '%s' "$*" >"$CASE/note"
}

# need TOOL...: fails the check when a tool is not installed.
need() {
	local t
	for t in "$@"; do
		command -v "$t" >/dev/null 2>&1 || fail "$t is not installed (scripts/deps.sh --test)"
	done
}

# cvpdf ARGS...: the binary under test, with a time limit. A missing binary exits 127
# (so no expected status can match) and a time-out 124.
cvpdf() {
	if [ ! -x "$CVPDF" ]; then
		echo "cvpdf: no executable $CVPDF (run make first)" >&2
		return 127
	fi
	timeout "$TIMEOUT" "$CVPDF" "$@"
}

# run CMD...: runs CMD with stdin from $RUN_STDIN (default /dev/null), stdout to $CASE/stdout,
# stderr to $CASE/stderr, and its exit status in $RC.
run() {
	RC=0
	"$@" <"${RUN_STDIN:-/dev/null}" >"$CASE/stdout" 2>"$CASE/stderr" || RC=$?
}

# describe_rc N: the exit status in words.
describe_rc() {
	case $1 in
	124) echo "timed out after ${TIMEOUT}s" ;;
	127) echo "exit 127 (not found)" ;;
	*) if [ "$1" -ge 128 ]; then echo "crashed (exit $1, signal $(($1 - 128)))"; else echo "exit $1"; fi ;;
	esac
}

# show_stderr: copies the last command's stderr into the check's log (context on failure).
show_stderr() {
	[ -s "$CASE/stderr" ] && head -n 20 "$CASE/stderr" | sed 's/^/stderr: /' >&2
	return 0
}

# expect_rc N: the last run exited with status N.
expect_rc() {
	[ "$RC" -eq "$1" ] && return 0
	show_stderr
	fail "$(describe_rc "$RC"), expected $1"
}

# expect_grep FILE ERE [WHAT]: some line of FILE matches the extended regex ERE.
expect_grep() {
	grep -Eq -- "$2" "$1" && return 0
	head -n 20 "$1" | sed 's/^/got: /' >&2
	fail "${3:-$(basename "$1")} does not match /$2/"
}

# expect_same A B [WHAT]: files A and B are byte-identical.
expect_same() {
	cmp -s -- "$1" "$2" && return 0
	fail "${3:-$1 and $2 differ}"
}

# expect_only DIR NAME: DIR holds exactly one entry, NAME (no temporary files left behind).
expect_only() {
	local got
	got=$(ls -A "$1")
	[ "$got" = "$2" ] || fail "$1 holds [$(echo $got)], expected only [$2]"
}

# expect_pdf FILE: FILE exists and passes qpdf --check.
expect_pdf() {
	need qpdf
	[ -s "$1" ] || fail "no PDF written at $1"
	qpdf --check "$1" >"$CASE/qpdf" 2>&1 && return 0
	tail -n 5 "$CASE/qpdf" >&2
	fail "qpdf --check $1 failed"
}

# render NAME SRC: renders SRC once into $OUT/NAME.pdf (stderr $OUT/NAME.err) and fails unless
# that exited 0 with a PDF; later calls with the same NAME reuse the result.
render() {
	local name=$1 src=$2 rc=0
	if [ ! -f "$OUT/$name.rc" ]; then
		cvpdf "$src" -o "$OUT/$name.pdf" >"$OUT/$name.out" 2>"$OUT/$name.err" </dev/null || rc=$?
		echo "$rc" >"$OUT/$name.rc"
	fi
	rc=$(cat "$OUT/$name.rc")
	if [ "$rc" -ne 0 ]; then
		head -n 20 "$OUT/$name.err" | sed 's/^/stderr: /' >&2
		fail "cvpdf $src: $(describe_rc "$rc")"
	fi
	[ -s "$OUT/$name.pdf" ] || fail "cvpdf $src wrote no PDF"
}

# pdf_text PDF FILE [pdftotext options]: the text of PDF, in UTF-8, into FILE.
pdf_text() {
	local pdf=$1 txt=$2
	shift 2
	need pdftotext
	pdftotext -enc UTF-8 "$@" "$pdf" "$txt" 2>"$CASE/pdftotext.err" || fail "pdftotext $pdf failed: $(head -n 1 "$CASE/pdftotext.err")"
}

# pdf_gotos PDF: one line per link annotation that jumps inside the document: its page and the
# top of its /XYZ destination ("1 684"), from qpdf's QDF form.
pdf_gotos() {
	need qpdf
	qpdf --qdf --object-streams=disable "$1" "$CASE/gotos.qdf" || fail "qpdf cannot read $1"
	python3 - "$CASE/gotos.qdf" <<-'EOF'
	import re, sys
	src = open(sys.argv[1], encoding="latin-1").read()
	objs = {int(m.group(1)): m.group(2) for m in re.finditer(r"^(\d+) 0 obj\n(.*?)\nendobj", src, re.S | re.M)}
	pages = [n for n, o in sorted(objs.items()) if re.search(r"/Type /Page\b", o)]
	for n, o in sorted(objs.items()):
	    if "/Subtype /Link" in o:
	        m = re.search(r"/Dest (\d+) 0 R", o)
	        if m:
	            d = re.findall(r"-?[\d.]+ 0 R|/XYZ|-?[\d.]+|null", objs[int(m.group(1))])
	            print(pages.index(int(d[0].split()[0])) + 1, d[3])
	EOF
}

# info_field PDF KEY: prints the value of KEY in `pdfinfo PDF` (call as VAR=$(info_field ...);
# check the result, since a failure inside $(...) does not end the check).
info_field() {
	pdfinfo -enc UTF-8 "$1" 2>/dev/null | sed -n "s/^$2: *//p" | head -n 1
}

# as_unprivileged CMD...: runs CMD as a user without root's privileges: root may write into
# read-only directories and onto /dev. Skips the check when that is not possible.
as_unprivileged() {
	if [ "$(id -u)" -ne 0 ]; then
		"$@"
	elif command -v setpriv >/dev/null 2>&1; then
		setpriv --reuid=65534 --regid=65534 --clear-groups env HOME=/nonexistent "$@"
	else
		skip "running as root and setpriv(1) is missing"
	fi
}

# small_md: a short résumé-like document, for the CLI checks.
small_md() {
	cat <<-'EOF'
	---
	title: Small Test
	---

	# Small Heading

	A short paragraph with **bold** and *italic* words,
	and a soft line break.

	- first item
	- second item
	EOF
}

# run_c_tests LABEL VAR ARGS...: a C test program (tests/unit.c, tests/api.c), whose binary
# `make check` passes in the variable VAR (CVPDF_UNIT, CVPDF_API). Each of its `ok - NAME` /
# `FAIL - NAME ...` lines counts here as `LABEL: NAME`; a crash or a failing exit status
# without a FAIL line is a failure of its own.
run_c_tests() {
	local label=$1 var=$2 rc=0 line name fails=0 oks=0
	shift 2
	local bin=${!var:-}
	if [ -z "$bin" ]; then
		echo "# $label tests not run: $var is not set (make check sets it)"
		return 0
	fi
	if [ ! -x "$bin" ]; then
		check "$label: $bin runs" fail "no executable $bin ($var)"
		return 0
	fi
	timeout "$TIMEOUT" "$bin" "$@" >"$TMP/unit.out" 2>&1 </dev/null || rc=$?
	while IFS= read -r line; do
		case $line in
		"ok - "*) name="$label: ${line#ok - }" ;;
		"FAIL - "*) name="$label: ${line#FAIL - }" ;;
		*) continue ;;
		esac
		if [ -n "$FILTER" ] && [[ $name != *"$FILTER"* ]]; then
			continue
		fi
		if [ "${line%% *}" = ok ]; then
			oks=$((oks + 1)) PASSED=$((PASSED + 1))
			echo "ok - $name"
		else
			fails=$((fails + 1)) FAILED=$((FAILED + 1))
			echo "FAIL - $name"
		fi
	done <"$TMP/unit.out"
	if [ -n "$FILTER" ] && [[ "$label: $bin" != *"$FILTER"* ]]; then
		return 0
	fi
	if [ "$rc" -ne 0 ] && [ "$fails" -eq 0 ]; then
		FAILED=$((FAILED + 1))
		echo "FAIL - $label: $bin: $(describe_rc "$rc")"
		tail -n 20 "$TMP/unit.out" | sed 's/^/#   /'
	elif [ "$oks" -eq 0 ] && [ "$fails" -eq 0 ]; then
		FAILED=$((FAILED + 1))
		echo "FAIL - $label: $bin: printed no ok/FAIL lines"
	fi
}

# ---------------------------------------------------------------------------------------------
# Command line

t_binary() {
	[ -x "$CVPDF" ] || fail "no executable $CVPDF: run make first"
}

t_help() {
	run cvpdf --help
	expect_rc 0
	expect_grep "$CASE/stdout" '(^|[^[:alnum:]-])-o([^[:alnum:]]|$)' "--help on stdout"
}

t_version() {
	run cvpdf --version
	expect_rc 0
	expect_grep "$CASE/stdout" '^cvpdf [0-9]+\.[0-9]+\.[0-9]+' "--version on stdout"
}

# bad usage: status 2 and a message on stderr
t_usage() {
	run cvpdf "$@"
	expect_rc 2
	[ -s "$CASE/stderr" ] || fail "exit 2 but nothing on stderr"
}

t_missing_input() {
	run cvpdf "$CASE/no-such-file.md" -o "$CASE/x.pdf"
	expect_rc 1
	expect_grep "$CASE/stderr" 'no-such-file\.md' "stderr"
	[ ! -e "$CASE/x.pdf" ] || fail "a PDF was written for a missing input"
}

# t_output_is_input PREFIX INFIX: -o names the input as PREFIX$CASE/INFIXsame.md
t_output_is_input() {
	small_md >"$CASE/same.md"
	cp "$CASE/same.md" "$CASE/orig.md"
	run cvpdf "$CASE/same.md" -o "$1$CASE/$2same.md"
	expect_rc 1
	expect_same "$CASE/same.md" "$CASE/orig.md" "the input file was changed"
}

t_default_output() {
	mkdir "$CASE/d"
	small_md >"$CASE/d/x.md"
	run cvpdf "$CASE/d/x.md"
	expect_rc 0
	expect_pdf "$CASE/d/x.pdf"
	expect_only "$CASE/d" "x.md
x.pdf"
}

t_stdio() {
	small_md >"$CASE/in.md"
	RUN_STDIN=$CASE/in.md run cvpdf - -o -
	expect_rc 0
	head -c 5 "$CASE/stdout" | grep -q '^%PDF-' || fail "stdout does not start with %PDF-"
	expect_pdf "$CASE/stdout"
}

t_unwritable_dir() {
	small_md >"$CASE/in.md"
	run cvpdf "$CASE/in.md" -o /nonexistent/dir/x.pdf
	expect_rc 1
	[ -s "$CASE/stderr" ] || fail "exit 1 but nothing on stderr"
}

# A failed run leaves a previous output byte-identical and no temporary files in its directory.
# prepare_previous: $CASE/o/OUT.pdf with known content, $CASE/in.md a valid input.
prepare_previous() {
	mkdir "$CASE/o"
	printf 'previous output\n' >"$CASE/o/OUT.pdf"
	cp "$CASE/o/OUT.pdf" "$CASE/previous"
	small_md >"$CASE/in.md"
}

expect_previous_kept() {
	expect_rc 1
	expect_same "$CASE/o/OUT.pdf" "$CASE/previous" "the previous OUT.pdf was changed"
	expect_only "$CASE/o" OUT.pdf
}

t_keep_missing_input() {
	prepare_previous
	run cvpdf "$CASE/no-such-file.md" -o "$CASE/o/OUT.pdf"
	expect_previous_kept
}

t_keep_input_is_dir() {
	prepare_previous
	mkdir "$CASE/indir.md"
	run cvpdf "$CASE/indir.md" -o "$CASE/o/OUT.pdf"
	expect_previous_kept
}

# The write itself fails half-way: a file-size limit (SIGXFSZ ignored, so write() returns EFBIG).
t_keep_write_error() {
	prepare_previous
	[ -x "$CVPDF" ] || fail "no executable $CVPDF"
	run timeout "$TIMEOUT" bash -c 'trap "" XFSZ; ulimit -f 4 && exec "$@"' limit \
		"$CVPDF" content/en.md -o "$CASE/o/OUT.pdf"
	expect_previous_kept
}

t_keep_readonly_dir() {
	prepare_previous
	[ -x "$CVPDF" ] || fail "no executable $CVPDF"
	chmod 755 "$TMP" "$TMP/cases" "$CASE"
	chmod 644 "$CASE/in.md"
	chmod 555 "$CASE/o"
	run as_unprivileged timeout "$TIMEOUT" "$CVPDF" "$CASE/in.md" -o "$CASE/o/OUT.pdf"
	chmod 755 "$CASE/o"
	expect_previous_kept
}

t_dev_full() {
	[ -x "$CVPDF" ] || fail "no executable $CVPDF"
	[ -c /dev/full ] || skip "no /dev/full"
	chmod 755 "$TMP" "$TMP/cases" "$CASE"
	small_md >"$CASE/in.md"
	chmod 644 "$CASE/in.md"
	run as_unprivileged timeout "$TIMEOUT" "$CVPDF" "$CASE/in.md" -o /dev/full
	expect_rc 1
	[ -c /dev/full ] || fail "/dev/full is no longer a character device"
}

# ---------------------------------------------------------------------------------------------
# The user's résumés

t_pdfcheck() {
	local name=$1 src=$2
	[ -x "$PDFCHECK" ] || fail "no $PDFCHECK (clone the repo beside shared/)"
	render "$name" "$src"
	"$PDFCHECK" "$OUT/$name.pdf" "$src" >"$CASE/pdfcheck" 2>&1 && return 0
	cat "$CASE/pdfcheck" >&2
	fail "pdfcheck: $(tail -n 1 "$CASE/pdfcheck")"
}

# determinism NAME SRC [ENV...]: a second rendering (in another directory, under ENV) gives the
# same bytes as the shared one.
t_deterministic() {
	local name=$1 src=$2
	shift 2
	render "$name" "$src"
	mkdir "$CASE/again"
	run env "$@" timeout "$TIMEOUT" "$CVPDF" "$src" -o "$CASE/again/$name.pdf"
	expect_rc 0
	expect_same "$OUT/$name.pdf" "$CASE/again/$name.pdf" "two renderings of $src differ"
}

# The second list of publications numbers as written (1. to 8.), not on from the first.
t_en_numbering() {
	render en content/en.md
	pdf_text "$OUT/en.pdf" "$CASE/en.txt" -layout
	expect_grep "$CASE/en.txt" '^[[:space:]]*1\. Team, Meituan LongCat' "en.pdf text (the second list starts at 1.)"
	expect_grep "$CASE/en.txt" '^[[:space:]]*8\. Zhao, Weijie' "en.pdf text (its eighth item)"
	grep -q '^[[:space:]]*12\.' "$CASE/en.txt" && fail "the second list still continues the first"
	return 0
}

t_renders() {
	run cvpdf "$1" -o "$CASE/out.pdf"
	expect_rc 0
	expect_pdf "$CASE/out.pdf"
}

t_info_equals() {
	local name=$1 src=$2 key=$3 want=$4 got
	need pdfinfo
	render "$name" "$src"
	got=$(info_field "$OUT/$name.pdf" "$key")
	[ "$got" = "$want" ] || fail "pdfinfo $key is '$got', expected '$want'"
}

t_a4() {
	need pdfinfo
	render en content/en.md
	pdfinfo -f 1 -l 100000 "$OUT/en.pdf" >"$CASE/info" 2>&1 || fail "pdfinfo failed"
	awk '/^Page +[0-9]+ size:/ { n++; w = $4; h = $6
		if (w < 594.28 || w > 596.28 || h < 840.89 || h > 842.89) { print "page " $2 ": " w " x " h " pt"; bad = 1 } }
		END { if (!n) { print "no page sizes"; bad = 1 } exit bad }' "$CASE/info" >&2 ||
		fail "not every page is A4 (595.28 x 841.89 pt)"
}

t_en_mailto() {
	need pdfinfo
	render en content/en.md
	pdfinfo -url "$OUT/en.pdf" >"$CASE/urls" 2>&1 || fail "pdfinfo -url failed"
	expect_grep "$CASE/urls" 'mailto:qianyulei@126\.com' "pdfinfo -url"
}

t_en_outline() {
	need mutool
	render en content/en.md
	mutool show "$OUT/en.pdf" outline >"$CASE/outline" 2>&1 || fail "mutool show outline failed"
	expect_grep "$CASE/outline" 'Work Experience' "the outline"
}

t_zh_font() {
	need pdffonts
	render zh content/zh.md
	pdffonts "$OUT/zh.pdf" >"$CASE/fonts" 2>&1 || fail "pdffonts failed"
	awk 'NR > 2 { print $1 }' "$CASE/fonts" >"$CASE/names"
	cat "$CASE/fonts" >&2
	expect_grep "$CASE/names" 'CJKsc|CJK-SC|SC' "font names"
}

# ---------------------------------------------------------------------------------------------
# Real-world inputs: every corpus résumé and the seeds

t_corpus() {
	local src=$1 base fid
	base=$(basename "$src")
	[ -f "$src" ] || fail "no $src (clone the repo beside shared/)"
	[ -x "$PDFCHECK" ] || fail "no $PDFCHECK"
	run cvpdf "$src" -o "$CASE/out.pdf"
	expect_rc 0
	expect_pdf "$CASE/out.pdf"
	"$PDFCHECK" --json "$CASE/out.pdf" "$src" >"$CASE/pdfcheck.json" 2>"$CASE/pdfcheck.err"
	fid=$(python3 -c 'import json, sys; print(json.load(sys.stdin)["fidelity"])' <"$CASE/pdfcheck.json" 2>/dev/null)
	[ -n "$fid" ] || { cat "$CASE/pdfcheck.err" >&2; fail "pdfcheck --json gave no fidelity"; }
	note "fidelity $fid"
	printf '%s\t%s\n' "$fid" "$base" >>"$TMP/fidelity"
	awk -v f="$fid" -v min="$CORPUS_MIN_FIDELITY" 'BEGIN { exit !(f + 0 >= min + 0) }' ||
		fail "fidelity $fid < $CORPUS_MIN_FIDELITY"
}

# ---------------------------------------------------------------------------------------------
# Input robustness

# The same document with a BOM, with CRLF line endings and with both gives the same text and title.
t_bom_crlf() {
	local v
	{
		small_md
		printf '\n```\ncode line\n```\n\nBefore a hard break  \nafter it.\n'
	} >"$CASE/lf.md"
	{ printf '\357\273\277'; cat "$CASE/lf.md"; } >"$CASE/bom.md"
	sed 's/$/\r/' "$CASE/lf.md" >"$CASE/crlf.md"
	sed 's/$/\r/' "$CASE/bom.md" >"$CASE/bomcrlf.md"
	for v in lf bom crlf bomcrlf; do
		run cvpdf "$CASE/$v.md" -o "$CASE/$v.pdf"
		[ "$RC" -eq 0 ] || { show_stderr; fail "$v.md: $(describe_rc "$RC")"; }
		pdf_text "$CASE/$v.pdf" "$CASE/$v.txt"
		info_field "$CASE/$v.pdf" Title >"$CASE/$v.title"
	done
	grep -q 'Small Heading' "$CASE/lf.txt" || fail "lf.pdf lacks 'Small Heading'"
	for v in bom crlf bomcrlf; do
		if ! cmp -s "$CASE/lf.txt" "$CASE/$v.txt"; then
			diff "$CASE/lf.txt" "$CASE/$v.txt" | head -n 20 | cat -A >&2
			fail "$v.md renders different text from lf.md"
		fi
		expect_same "$CASE/lf.title" "$CASE/$v.title" "$v.md has Title '$(cat "$CASE/$v.title")', lf.md '$(cat "$CASE/lf.title")'"
	done
}

t_bad_front_matter() {
	printf -- '---\ntitle: [unclosed\n---\n# Hi\n' >"$CASE/fm.md"
	run cvpdf "$CASE/fm.md" -o "$CASE/fm.pdf"
	expect_rc 0
	grep ':2:' "$CASE/stderr" | grep -q 'warning' || { show_stderr; fail "no warning naming line 2 (:2:) on stderr"; }
	pdf_text "$CASE/fm.pdf" "$CASE/fm.txt"
	expect_grep "$CASE/fm.txt" 'Hi' "fm.pdf text"
}

# uncovered BYTES CODEPOINT: a character no font covers, on line 3, is reported with its U+ name.
t_uncovered() {
	printf '# Heading\n\nA paragraph with %s inside.\n' "$1" >"$CASE/u.md"
	run cvpdf "$CASE/u.md" -o "$CASE/u.pdf"
	expect_rc 0
	grep -F "$2" "$CASE/stderr" | grep -q 'u\.md:3:[0-9]' ||
		{ show_stderr; fail "no warning with $2 and u.md:3:COL on stderr"; }
	expect_pdf "$CASE/u.pdf"
}

t_empty() {
	: >"$CASE/empty.md"
	run cvpdf "$CASE/empty.md" -o "$CASE/empty.pdf"
	expect_rc 0
	expect_pdf "$CASE/empty.pdf"
}

# ---------------------------------------------------------------------------------------------
# Every Markdown construct renders its text (tests/inputs/blocks.md)

BLOCK_WORDS="alphaheading betaheading gammaheading deltaheading epsilonheading zetaheading
settextheading emphword strongword codespanword linkword autolinkword strikeword hardbreakword
softbreakword tightouter tightinner looseouter loosepara sevenitem eightitem quotedword
nestedquoteword fencedcode indentedcode tablehead otherhead tablecell alttextword htmlboldword
closingword"

t_blocks_text() {
	local w missing=""
	render blocks tests/inputs/blocks.md
	pdf_text "$OUT/blocks.pdf" "$CASE/blocks.txt"
	for w in $BLOCK_WORDS; do
		grep -q "$w" "$CASE/blocks.txt" || missing="$missing $w"
	done
	[ -z "$missing" ] || fail "missing from the text:$missing"
}

t_blocks_start7() {
	render blocks tests/inputs/blocks.md
	pdf_text "$OUT/blocks.pdf" "$CASE/blocks.txt" -layout
	expect_grep "$CASE/blocks.txt" '^[[:space:]]*7\.[[:space:]]+sevenitem' "blocks.pdf text"
	expect_grep "$CASE/blocks.txt" '^[[:space:]]*8\.[[:space:]]+eightitem' "blocks.pdf text"
}

t_blocks_links() {
	need pdfinfo
	render blocks tests/inputs/blocks.md
	pdfinfo -url "$OUT/blocks.pdf" >"$CASE/urls" 2>&1 || fail "pdfinfo -url failed"
	expect_grep "$CASE/urls" 'https://example\.com/linktarget' "pdfinfo -url"
	expect_grep "$CASE/urls" 'https://example\.org/autolinkword' "pdfinfo -url"
}

# ---------------------------------------------------------------------------------------------
# --watch

# watch_usage ARGS...: --watch with ARGS (run in $CASE, which holds a.md and b.md) exits 2 with a
# message, writes nothing, and does not start watching.
t_watch_usage() {
	[ -x "$CVPDF" ] || fail "no executable $CVPDF"
	small_md >"$CASE/a.md"
	small_md >"$CASE/b.md"
	cd "$CASE" || fail "cannot enter $CASE"
	run timeout 10 "$CVPDF" --watch "$@"
	expect_rc 2
	[ -s "$CASE/stderr" ] || fail "exit 2 but nothing on stderr"
	! grep -q 'unknown option' "$CASE/stderr" || fail "--watch is an unknown option"
	[ ! -s "$CASE/stdout" ] || fail "something was written to stdout"
}

# wait_until SECONDS CMD...: runs CMD every 50 ms until it succeeds; fails after SECONDS.
wait_until() {
	local n=$(($1 * 20))
	shift
	until "$@"; do
		n=$((n - 1))
		[ "$n" -gt 0 ] || return 1
		sleep 0.05
	done
}

# watch_renders: how many "rendered" lines the watcher has printed.
watch_renders() { grep -c '^cvpdf: rendered out\.pdf ' "$CASE/watch.err"; }
watch_renders_ge() { [ "$(watch_renders)" -ge "$1" ]; }
watch_text_has() { pdftotext -enc UTF-8 "$CASE/out.pdf" - 2>/dev/null | grep -q -- "$1"; }

# watch_step WHAT N: waits for the watcher's Nth render line, else fails naming WHAT.
watch_step() {
	wait_until 10 watch_renders_ge "$2" && return 0
	sed 's/^/watch stderr: /' "$CASE/watch.err" >&2
	fail "no render $2 after $1 within 10 s"
}

# The watcher renders at once; again when the Markdown is replaced by a rename (as editors save),
# when its image and its style file change, and when the Markdown comes back after being deleted
# (which only prints the error); never because of its own output; and exits 0 on SIGTERM.
t_watch() {
	local pid sum rc
	need pdftotext
	[ -x "$CVPDF" ] || fail "no executable $CVPDF"
	cd "$CASE" || fail "cannot enter $CASE"
	cp "$ROOT/tests/inputs/img/photo.png" photo.png
	cp "$ROOT/styles/classic.yaml" style.yaml
	printf '# Watch Test\n\nFirst alphaword.\n\n![A photo](photo.png)\n' >in.md
	"$CVPDF" --watch --style ./style.yaml in.md -o out.pdf 2>watch.err &
	pid=$!
	# the watcher never outlives the check, whatever ends it
	trap 'kill -KILL $pid 2>/dev/null' EXIT
	watch_step "start" 1
	watch_text_has alphaword || fail "the first render lacks alphaword"
	printf '# Watch Test\n\nSecond betaword.\n\n![A photo](photo.png)\n' >.in.md.tmp
	mv .in.md.tmp in.md
	wait_until 10 watch_text_has betaword || fail "out.pdf does not show betaword 10 s after in.md was replaced"
	watch_step "replacing in.md" 2
	sum=$(cksum <out.pdf)
	cp "$ROOT/tests/inputs/img/icon.png" photo.png
	watch_step "changing photo.png" 3
	[ "$(cksum <out.pdf)" != "$sum" ] || fail "out.pdf did not change with its image"
	printf '# edited\n' >>style.yaml
	watch_step "changing style.yaml" 4
	rm in.md
	wait_until 10 grep -q 'in\.md: not rendered' watch.err || fail "no 'not rendered' line after in.md was deleted"
	printf '# Watch Test\n\nThird gammaword.\n' >in.md
	wait_until 10 watch_text_has gammaword || fail "out.pdf does not show gammaword after in.md came back"
	watch_step "in.md coming back" 5
	sleep 0.3 # room for a spurious render
	kill -TERM "$pid"
	wait_until 5 eval '! kill -0 $pid 2>/dev/null' || fail "still running 5 s after SIGTERM"
	rc=0
	wait "$pid" || rc=$?
	trap - EXIT
	[ "$rc" -eq 0 ] || fail "exit $rc after SIGTERM, expected 0"
	[ "$(watch_renders)" -eq 5 ] || { sed 's/^/watch stderr: /' watch.err >&2; fail "$(watch_renders) renders, expected 5"; }
	[ -z "$(ls -A | grep '^\.')" ] || fail "temporary files left behind: $(ls -A | grep '^\.' | tr '\n' ' ')"
}

# A document whose image is the output itself (a dependency written by every render) is
# rendered once, not again and again.
t_watch_self() {
	local pid rc
	[ -x "$CVPDF" ] || fail "no executable $CVPDF"
	cd "$CASE" || fail "cannot enter $CASE"
	printf '# Self\n\n![Itself](out.pdf)\n' >in.md
	"$CVPDF" --watch in.md -o out.pdf 2>watch.err &
	pid=$!
	trap 'kill -KILL $pid 2>/dev/null' EXIT
	watch_step "start" 1
	sleep 0.5
	kill -TERM "$pid"
	rc=0
	wait "$pid" || rc=$?
	trap - EXIT
	[ "$rc" -eq 0 ] || fail "exit $rc after SIGTERM, expected 0"
	[ "$(watch_renders)" -eq 1 ] || { sed 's/^/watch stderr: /' watch.err >&2; fail "$(watch_renders) renders, expected 1"; }
}

# ---------------------------------------------------------------------------------------------
# Manual page

# mandoc -Tlint must print nothing. Debian's mandoc builds no mandoc.db, so it says
# "outdated mandoc.db lacks pdftotext(1) entry" for every .Xr to an installed page: that line is
# about the machine, not the page (makewhatis(8) silences it), and is not counted.
t_man() {
	need mandoc
	run mandoc -Tlint man/cvpdf.1 man/cvpdf.5
	# the pages refer to each other, which mandoc looks for among installed pages only
	cat "$CASE/stdout" "$CASE/stderr" |
		grep -v '^mandoc: outdated mandoc\.db lacks .* entry, run makewhatis' |
		grep -Ev 'referenced manual not found: Xr cvpdf [15]( \([0-9]+ times\))?$' >"$CASE/lint"
	cat "$CASE/lint" >&2
	[ ! -s "$CASE/lint" ] || fail "mandoc -Tlint man/cvpdf.1 man/cvpdf.5 is not silent"
}

# --help and cvpdf.1 list the same options: each option --help prints (its first column, short
# and long) is an item of the man page's OPTIONS list, and each flag of that list's items
# (`.It Fl o Ar output , Fl -output Ar output`, also written `Fl \-output`) is in --help.
t_help_man() {
	run cvpdf --help
	expect_rc 0
	{
		sed -nE 's/^ {1,8}(-[[:alnum:]])[ ,].*/\1/p' "$CASE/stdout"
		sed -nE 's/^ {1,8}(-[[:alnum:]], )?(--[[:alnum:]][[:alnum:]-]*).*/\2/p' "$CASE/stdout"
	} | sort -u >"$CASE/help"
	awk '/^\.Sh / { opts = ($2 == "OPTIONS"); next }
		opts && /^\.Bl/ { depth++; next }
		opts && /^\.El/ { depth--; next }
		opts && depth == 1 && /^\.It/ {
			for (i = 2; i < NF; i++) if ($i == "Fl") { f = $(i + 1); gsub(/\\-/, "-", f); sub(/[^[:alnum:]]+$/, "", f); print "-" f }
		}' man/cvpdf.1 | sort -u >"$CASE/man"
	grep -qx -- --help "$CASE/help" || { head -n 20 "$CASE/stdout" | sed 's/^/got: /' >&2; fail "found no options in --help (not even --help)"; }
	[ "$(wc -l <"$CASE/man")" -ge 5 ] || fail "found fewer than 5 options in cvpdf.1's OPTIONS list"
	comm -23 "$CASE/help" "$CASE/man" >"$CASE/only-help"
	comm -13 "$CASE/help" "$CASE/man" >"$CASE/only-man"
	if [ -s "$CASE/only-help" ] || [ -s "$CASE/only-man" ]; then
		fail "in --help but not in cvpdf.1's OPTIONS: [$(echo $(cat "$CASE/only-help"))]; in cvpdf.1's OPTIONS but not in --help: [$(echo $(cat "$CASE/only-man"))]"
	fi
	note "$(wc -l <"$CASE/help") options"
}

# ---------------------------------------------------------------------------------------------
# The checks

check "build: $CVPDF exists" t_binary
run_c_tests unit CVPDF_UNIT
run_c_tests api CVPDF_API content/en.md

# Every option key the library takes is documented in cvpdf.h, and every key documented there
# is taken; an unknown key is refused.
t_option_keys() {
	grep -o '^ \*   "[a-z-]*"' src/cvpdf.h | sed 's/.*"\(.*\)"/\1/' | sort -u >"$CASE/documented"
	grep -o 'strcmp(key, "[a-z-]*")' src/options.c | sed 's/.*"\(.*\)")/\1/' | sort -u >"$CASE/taken"
	[ -s "$CASE/documented" ] && [ -s "$CASE/taken" ] || fail "no keys found"
	diff "$CASE/documented" "$CASE/taken" >"$CASE/diff" || fail "documented vs taken: $(tr '\n' ' ' <"$CASE/diff")"
}
check "api: every option key of cvpdf_options_set is documented in cvpdf.h, and back" t_option_keys

check "cli: --help exits 0 and mentions -o" t_help
check "cli: --version prints cvpdf X.Y.Z" t_version
check "cli: unknown option exits 2" t_usage --no-such-option content/en.md
check "cli: no arguments exits 2" t_usage
check "cli: -o without its argument exits 2" t_usage content/en.md -o
check "cli: missing input exits 1 and names the file" t_missing_input
check "cli: -o equal to the input exits 1, input unchanged" t_output_is_input "" ""
check "cli: -o naming the input by another path exits 1, input unchanged" t_output_is_input "" "./"
check "cli: without -o writes IN with .pdf" t_default_output
check "cli: - -o - reads stdin and writes a valid PDF to stdout" t_stdio
check "cli: -o in a missing directory exits 1" t_unwritable_dir
check "cli: failed run (missing input) keeps the previous output" t_keep_missing_input
check "cli: failed run (input is a directory) keeps the previous output" t_keep_input_is_dir
check "cli: failed write (file size limit) keeps the previous output, no temp files" t_keep_write_error
check "cli: read-only output directory exits 1, keeps the previous output" t_keep_readonly_dir
check "cli: -o /dev/full exits 1" t_dev_full
check "watch: --watch with two inputs exits 2" t_watch_usage a.md b.md -o out/
check "watch: --watch -o - exits 2" t_watch_usage a.md -o -
check "watch: --watch on standard input exits 2" t_watch_usage - -o x.pdf
check "watch: renders again on rename-save, image and style changes, exits 0 on SIGTERM" t_watch
check "watch: an image naming the output does not render it again and again" t_watch_self

check "content: en.md passes pdfcheck" t_pdfcheck en content/en.md
check "content: zh.md passes pdfcheck" t_pdfcheck zh content/zh.md
check "determinism: en.md renders byte-identically twice" t_deterministic en content/en.md
check "determinism: zh.md renders byte-identically twice" t_deterministic zh content/zh.md

check "en: publications are numbered through 12." t_en_numbering
check "en: tests/inputs/en-mojibake.md renders" t_renders tests/inputs/en-mojibake.md
check "en: pdfinfo Title is Resume" t_info_equals en content/en.md Title Resume
check "en: PDF version 1.7" t_info_equals en content/en.md "PDF version" 1.7
check "en: every page is A4" t_a4
check "en: the e-mail autolink is a mailto: link" t_en_mailto
check "en: the outline has Work Experience" t_en_outline
check "zh: uses the Noto Sans CJK SC face" t_zh_font
check "zh: pdfinfo Title is 简历" t_info_equals zh content/zh.md Title 简历

for f in "$SHARED"/corpus/*.md "$SHARED"/seeds/*.txt; do
	[ -e "$f" ] || continue
	check "corpus: $(basename "$f") renders" t_corpus "$f"
done
[ -d "$SHARED/corpus" ] || check "corpus: $SHARED/corpus exists" fail "no $SHARED/corpus (clone the repo beside shared/)"

check "input: BOM and CRLF render as LF does" t_bom_crlf
check "input: malformed front matter warns with its line, rest renders" t_bad_front_matter
check "input: U+2FFFF (unassigned) warns with U+2FFFF and file:3:col" t_uncovered $'\xf0\xaf\xbf\xbf' U+2FFFF
# (not U+E000: Inter has glyphs at U+E000 and up, so that one is covered)
check "input: U+F0000 (private use, no font) warns with U+F0000 and file:3:col" t_uncovered $'\xf3\xb0\x80\x80' U+F0000
check "input: empty file renders a valid PDF" t_empty

check "blocks: every construct renders its text" t_blocks_text
check "blocks: ordered list starting at 7 is numbered 7., 8." t_blocks_start7
check "blocks: links and autolinks are link annotations" t_blocks_links

check "man: mandoc -Tlint man/cvpdf.1 man/cvpdf.5 is clean" t_man
check "man: every option in --help is in cvpdf.1's OPTIONS, and back" t_help_man

# ---------------------------------------------------------------------------------------------
# Typography: golden traces of tests/cases/*.md (regenerate on purpose with `make regen`), and
# the properties that must hold in the PDF itself.

t_golden() {
	local md=$1 want=${1%.md}.trace
	[ -f "$want" ] || fail "no golden trace $want (make regen)"
	run cvpdf -q --trace "$md" -o "$CASE/got.trace"
	expect_rc 0
	diff -u "$want" "$CASE/got.trace" >"$CASE/diff" && return 0
	head -n 40 "$CASE/diff" >&2
	fail "layout of $md differs from $want (if intended: make regen)"
}

# No more than two hyphenated lines in a row, in any golden trace.
t_hyphen_runs() {
	local f bad=""
	for f in tests/cases/*.trace; do
		awk '/^page/{next} / hyphen /{n++; if (n > 2) bad=1; next} {n=0} END{exit bad}' "$f" || bad="$bad $f"
	done
	[ -z "$bad" ] || fail "three hyphenated lines in a row in:$bad"
}

# A hyphenated word is real text on both lines, its hyphen an artifact: poppler joins it,
# MuPDF reads "institutional-" / "ization", which joins to the word (as ATS parsers and
# atscheck join a line-end hyphen), and the structure tree reads it whole, without a hyphen.
t_hyphen_extract() {
	need pdftotext mutool pdfinfo
	render hyph tests/cases/en-hyphenate.md
	grep -q " hyphen " tests/cases/en-hyphenate.trace || fail "the golden trace has no hyphenated line"
	pdf_text "$OUT/hyph.pdf" "$CASE/poppler.txt"
	mutool draw -F txt -o "$CASE/mupdf.txt" "$OUT/hyph.pdf" 2>/dev/null || fail "mutool failed"
	# the line-end hyphens joined, as a reader of plain text does
	sed -e ':a' -e '/-$/{N;s/-\n\([a-z]\)/\1/;ta' -e '}' "$CASE/mupdf.txt" >"$CASE/mupdf-joined.txt"
	grep -q -- '-$' "$CASE/mupdf.txt" || fail "MuPDF reads no line-end hyphen: the hyphen is not text"
	pdfinfo -struct-text "$OUT/hyph.pdf" >"$CASE/struct.txt" 2>&1 || fail "pdfinfo -struct-text failed"
	# an element's marked-content strings, joined
	awk '/^ *"/{sub(/^ *"/, ""); sub(/"$/, ""); printf "%s", $0; next} {print ""} END{print ""}' "$CASE/struct.txt" >"$CASE/struct-joined.txt"
	local w tool
	for w in institutionalization reconsiderations; do
		for tool in poppler mupdf-joined struct-joined; do
			grep -qw "$w" "$CASE/$tool.txt" || { cat "$CASE/$tool.txt" >&2; fail "$tool does not return '$w' whole"; }
		done
	done
	if grep -Eq 'institutional-|reconsidera-' "$CASE/struct-joined.txt"; then
		cat "$CASE/struct-joined.txt" >&2
		fail "the structure tree keeps a hyphenation hyphen"
	fi
}

# Words broken after an explicit hyphen or a slash come back whole too (pdftotext would
# otherwise drop a line-end hyphen: "EPS-" / "MoE" becomes "EPSMoE").
t_join_extract() {
	need pdftotext mutool
	render join tests/cases/en-explicit-break.md
	pdf_text "$OUT/join.pdf" "$CASE/poppler.txt"
	mutool draw -F txt -o "$CASE/mupdf.txt" "$OUT/join.pdf" 2>/dev/null || fail "mutool failed"
	local tool
	for tool in poppler mupdf; do
		grep -qF "Hardware-Software-Co-design-and-Co-operation" "$CASE/$tool.txt" || { cat "$CASE/$tool.txt" >&2; fail "$tool splits the hyphenated compound"; }
		grep -qF "https://example.com/path/to/a/deeply/nested/resource/on/the/server/index.html" "$CASE/$tool.txt" || { cat "$CASE/$tool.txt" >&2; fail "$tool splits the URL"; }
	done
}

# The Chinese résumé: Han–Latin gaps about a quarter em, none missing, no spaces between Han.
t_zh_spacing() {
	need python3
	render zh content/zh.md
	"$PDFCHECK" --json "$OUT/zh.pdf" content/zh.md >"$CASE/check.json" 2>&1 || true
	python3 - "$CASE/check.json" <<'PY' || fail "$(cat "$CASE/why")"
import json, sys
d = json.load(open(sys.argv[1]))
g = d.get("cjk-latin", {})
why = []
if not (0.2 <= g.get("median-em", 0) <= 0.3): why.append("median Han-Latin gap %s em" % g.get("median-em"))
if g.get("zero-gap-share", 1) != 0: why.append("zero-gap share %s" % g.get("zero-gap-share"))
if d.get("han-spaces") != 0: why.append("%s spurious spaces between Han" % d.get("han-spaces"))
open(sys.argv[1].replace("check.json", "why"), "w").write("; ".join(why))
print("median %s em, %s pairs" % (g.get("median-em"), g.get("pairs")))
sys.exit(1 if why else 0)
PY
	note "$(python3 -c 'import json,sys; g=json.load(open(sys.argv[1]))["cjk-latin"]; print("median %s em over %s pairs" % (g["median-em"], g["pairs"]))' "$CASE/check.json")"
}

# The English résumé with hyphenation on (the default) still extracts with fidelity >= 0.99.
t_en_hyphen_fidelity() {
	render en content/en.md
	"$PDFCHECK" --json "$OUT/en.pdf" content/en.md >"$CASE/check.json" 2>&1 || true
	local f
	f=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(min(d["fidelity"], d["fidelity-mupdf"]))' "$CASE/check.json") || fail "pdfcheck gave no fidelity"
	note "fidelity $f"
	python3 -c "import sys; sys.exit(0 if $f >= 0.99 else 1)" || fail "fidelity $f < 0.99"
}

for f in tests/cases/*.md; do
	check "golden: $(basename "$f" .md)" t_golden "$f"
done
check "typography: at most two hyphenated lines in a row" t_hyphen_runs
check "typography: hyphenated words extract whole (pdftotext, MuPDF joined, structure tree)" t_hyphen_extract
check "typography: words broken at - and / extract whole" t_join_extract
check "typography: zh Han-Latin gap 0.2-0.3 em, no zero gaps, no Han spaces" t_zh_spacing
check "typography: en fidelity >= 0.99 with hyphenation on" t_en_hyphen_fidelity

# ---------------------------------------------------------------------------------------------
# Every script a résumé is written in (issue 13): the résumés of tests/inputs/intl, written for
# cvpdf in each language, read back in order through poppler and MuPDF (pdfcheck's fidelity
# >= 0.99 each, right-to-left ones too), with the language detected into /Lang.

# The catalog's /Lang ("-" for none)
pdf_lang() {
	"$DEBPY" -c 'import sys, pikepdf; print(str(pikepdf.open(sys.argv[1]).Root.get("/Lang", "-")))' "$1" 2>/dev/null || echo "?"
}

t_intl() {
	local src=$1 want=$2 f lang
	need mutool
	run cvpdf "$src" -o "$CASE/out.pdf"
	expect_rc 0
	expect_pdf "$CASE/out.pdf"
	"$PDFCHECK" --json --lang "$want" "$CASE/out.pdf" "$src" >"$CASE/check.json" 2>"$CASE/check.err" || true
	f=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(min(d["fidelity"], d["fidelity-mupdf"]))' "$CASE/check.json") ||
		{ cat "$CASE/check.err" >&2; fail "pdfcheck gave no fidelity"; }
	note "fidelity $f"
	python3 -c "import sys; sys.exit(0 if $f >= 0.99 else 1)" || fail "fidelity $f < 0.99 (poppler or MuPDF)"
	lang=$(pdf_lang "$CASE/out.pdf")
	[ "$lang" = "$want" ] || fail "/Lang is '$lang', expected '$want'"
	if grep -q "looks like UTF-8 read as" "$CASE/stderr"; then show_stderr; fail "correct text taken for mojibake"; fi
}

# A line mixing scripts reads in order, with its spaces, through both extractors.
t_bidi_mixed() {
	need mutool
	run cvpdf tests/cases/bidi-mixed.md -o "$CASE/m.pdf"
	expect_rc 0
	pdftotext "$CASE/m.pdf" "$CASE/p.txt"
	mutool draw -F txt -o "$CASE/m.txt" "$CASE/m.pdf" 2>/dev/null
	# (pdftotext wraps right-to-left runs in U+202B...U+202C and moves a space into them)
	python3 - "$CASE/p.txt" <<'PY' || fail "pdftotext: the mixed line out of order"
import re, sys
t = re.sub("[\u200e\u200f\u202a-\u202e\u2066-\u2069]", "", open(sys.argv[1], encoding="utf-8").read())
sys.exit(0 if re.search(r"Led the\s*فريق\s*team at 美团 in 2023", t) else 1)
PY
	expect_grep "$CASE/m.txt" "Led the فريق team at 美团 in 2023" "the mixed line in order (MuPDF)"
	for t in p m; do
		expect_grep "$CASE/$t.txt" "حجوزاتك" "the Arabic paragraph's last word ($t)"
	done
	expect_grep "$CASE/m.txt" "Hebrew menu label: חיפוש מתקדם \\(advanced search\\)" "Hebrew words with their spaces (MuPDF)"
}

# A right-to-left paragraph is set flush right, its marker and quote bar at the right, its
# phone number and year range as written; an LTR paragraph in an RTL document stays LTR.
t_rtl_layout() {
	run cvpdf --trace tests/cases/rtl-ar.md -o "$CASE/t"
	expect_rc 0
	local right
	# ragged right-to-left lines end at the right margin (544.25 pt), list items at its indent
	right=$(awk '/ rtl \|/ { for (i = 1; i <= NF; i++) { if ($i ~ /^x=/) x = substr($i, 3); if ($i ~ /^w=/) w = substr($i, 3) } printf "%.0f\n", x + w }' "$CASE/t" | sort -u | tr '\n' ' ')
	note "right edges: $right"
	case " $right" in *" 544 "*) ;; *) fail "no right-to-left line ends at the right margin ($right)";; esac
	expect_grep "$CASE/t" "visual \\| .*\\+971 50 123 4567" "the phone number kept whole, left to right"
	expect_grep "$CASE/t" "visual \\| .*2019–2023" "the year range as written"
	run cvpdf --trace tests/cases/rtl-dir.md -o "$CASE/d"
	expect_grep "$CASE/d" " rtl \\| Python و Django" "front matter dir: rtl sets a paragraph that starts with English"
	expect_grep "$CASE/d" "r=[^|]* \\| English summary" "the dir=ltr paragraph"
	if grep -q " rtl | English summary" "$CASE/d"; then fail "the dir=ltr paragraph was set right to left"; fi
	printf -- '---\ndir: sideways\n---\n# Name\n\nText.\n' >"$CASE/bad.md"
	run cvpdf "$CASE/bad.md" -o "$CASE/bad.pdf"
	expect_rc 0
	expect_grep "$CASE/stderr" "bad.md:2:6: warning: dir: 'sideways' is not rtl, ltr or auto" "a bad dir value, at its position"
}

# Korean: no space inserted between Hangul and Latin letters or digits, breaks only at spaces.
t_korean() {
	run cvpdf tests/cases/ko-spacing.md -o "$CASE/k.pdf"
	expect_rc 0
	pdftotext "$CASE/k.pdf" "$CASE/k.txt"
	expect_grep "$CASE/k.txt" "10년차 백엔드" "10년차 unspaced"
	expect_grep "$CASE/k.txt" "Docker를" "Docker를 unspaced"
	run cvpdf --trace tests/cases/ko-spacing.md -o "$CASE/t"
	if grep -q " hl=" "$CASE/t"; then fail "Han-Latin spacing beside Hangul"; fi
	# every line but the last ends where the text has a space
	python3 - "$CASE/t" <<'PY' || fail "a Korean line ends inside a word"
import sys
lines = [l.rstrip("\n").split(" | ", 1)[1] for l in open(sys.argv[1], encoding="utf-8") if l.startswith("  line") and " | " in l]
src = open("tests/cases/ko-spacing.md", encoding="utf-8").read()
body = [l for l in lines[1:]]
for l in body[:-1]:
    end = src.find(l)
    if end < 0 or src[end + len(l)] not in " \n":
        sys.exit(1)
PY
	pdffonts "$CASE/k.pdf" | grep -q "CJKkr" || fail "no KR face"
}

# Traditional Chinese without lang gets the TC face and zh-TW; a lang that says otherwise is said.
t_zh_variant() {
	run cvpdf tests/cases/zh-tw-detect.md -o "$CASE/z.pdf"
	expect_rc 0
	[ "$(pdf_lang "$CASE/z.pdf")" = zh-TW ] || fail "/Lang is not zh-TW"
	pdffonts "$CASE/z.pdf" | grep -q "CJKtc" || fail "no TC face"
	run cvpdf --check tests/cases/zh-tw-detect.md --lang zh-CN
	expect_grep "$CASE/stderr" "lang 'zh-CN' says Simplified Chinese, but the text is written in Traditional" "the variant mismatch"
	run cvpdf --check content/zh.md
	if grep -q "lang-mismatch\|says Simplified" "$CASE/stderr"; then fail "Simplified text reported"; fi
}

# Hyphenation by the language's own patterns, in tables too; none in right-to-left text.
t_hyph_langs() {
	local f
	for f in de fr ru; do
		grep -q " hyphen " "tests/cases/$f-hyphenate.trace" || fail "$f: no hyphenated line in the golden trace"
	done
	run cvpdf --trace tests/cases/de-hyphenate.md -o "$CASE/t"
	grep -c " hyphen " "$CASE/t" >/dev/null || fail "no German hyphen"
	if grep -q " hyphen " tests/cases/rtl-ar.trace; then fail "a hyphen in Arabic"; fi
}

# Bold and italic in a script from a fallback font: the family's bold, or a made-up oblique
# that --fonts names.
t_fallback_style() {
	run cvpdf --fonts tests/cases/rtl-ar.md -o "$CASE/f"
	expect_grep "$CASE/f" "NotoSansArabic-Bold" "the Arabic bold face"
	run cvpdf --fonts tests/cases/rtl-he.md -o "$CASE/h"
	expect_grep "$CASE/h" "NotoSansHebrew-Bold" "the Hebrew bold face"
	expect_grep "$CASE/h" "synthetic oblique" "a made-up oblique, said"
	run cvpdf tests/cases/rtl-he.md -o "$CASE/h.pdf"
	qpdf --qdf --object-streams=disable "$CASE/h.pdf" "$CASE/q.pdf"
	grep -aq "1 0 0.2126 1 " "$CASE/q.pdf" || fail "no slanted text matrix"
}

# A paragraph in another language than the document's: its element's /Lang, its own patterns.
t_lang_paragraph() {
	need qpdf
	# German patterns break Datenbankverwaltungssysteme as Da-ten-bank-ver-wal-tungs-sys-teme
	grep -q " hyphen .*lang=de | .* Datenbankverwaltungssys$" tests/cases/lang-paragraph.trace ||
		fail "the German paragraph is not hyphenated by German patterns"
	if grep -q "lang=" <(grep "Senior software" tests/cases/lang-paragraph.trace); then fail "the English paragraph got another language"; fi
	run cvpdf tests/cases/lang-paragraph.md -o "$CASE/l.pdf"
	expect_rc 0
	qpdf --qdf --object-streams=disable "$CASE/l.pdf" "$CASE/q.pdf"
	# (the paragraph's structure element says its language)
	grep -aq "/Lang (de)" "$CASE/q.pdf" || fail "no /Lang (de) on the paragraph's element"
	[ "$(pdf_lang "$CASE/l.pdf")" = en ] || fail "the document is not en"
}

# A footer with a name in another script draws it in a face that has it, in its order.
t_footer_script() {
	need mutool
	local f
	for f in content/zh.md tests/cases/rtl-ar.md; do
		run cvpdf --set footer-name=true --set page-numbers=true "$f" -o "$CASE/f.pdf"
		expect_rc 0
		mutool draw -F stext -o "$CASE/f.xml" "$CASE/f.pdf" 2>/dev/null
		python3 - "$CASE/f.xml" <<'PY' || fail "$f: the footer's name is drawn in a face without it"
import html, re, sys
xml = open(sys.argv[1], encoding="utf-8").read()
page = xml.split("<page ")[1]
font, last = "", []
for m in re.finditer(r'<font name="([^"]*)"|<char quad="[^"]*" x="[^"]*" y="([\d.]+)"[^>]*c="([^"]*)"', page):
    if m.group(1) is not None:
        font = m.group(1)
    else:
        last.append((float(m.group(2)), html.unescape(m.group(3)), font))
ymax = max(y for y, _, _ in last)
foot = [(c, f) for y, c, f in last if y == ymax and ord(c[0]) > 0x7F and c not in "·"]
sys.exit(0 if foot and all("Inter" not in f for _, f in foot) else 1)
PY
	done
}

while IFS=$'\t' read -r f want; do
	[ -n "$f" ] && [ "${f#\#}" = "$f" ] || continue
	check "scripts: $f reads back in order (poppler, MuPDF), /Lang $want" t_intl "tests/inputs/intl/$f" "$want"
done <tests/inputs/intl/expect.tsv
check "scripts: a line mixing Arabic, Han and English reads in order" t_bidi_mixed
check "scripts: right-to-left paragraphs flush right, numbers whole, dir" t_rtl_layout
check "scripts: Korean unspaced beside Latin, breaks at spaces, KR face" t_korean
check "scripts: Traditional Chinese detected; a contrary lang said" t_zh_variant
check "scripts: hyphenation by each language's patterns" t_hyph_langs
check "scripts: bold and italic from fallback families" t_fallback_style
check "scripts: a German paragraph in an English résumé: its element's /Lang, German patterns" t_lang_paragraph
check "scripts: a footer name in Chinese or Arabic drawn in a face that has it" t_footer_script

# ---------------------------------------------------------------------------------------------
# Real-world Markdown: tables, images, raw HTML, links.

# ---- Markdown as GitHub and Jekyll show it ----------------------------------------------------

# "#slug" links jump to the heading GitHub's slugs name (and to <a name>), at the heading's
# place; an unknown one is a warning at its position and stays text.
t_md_links() {
	need qpdf
	run cvpdf tests/cases/md-links.md -o "$CASE/l.pdf"
	expect_rc 0
	expect_grep "$CASE/stderr" "md-links.md:4:73: warning: link to '#publications' jumps nowhere" "the unknown target's warning"
	[ "$(grep -c warning "$CASE/stderr")" -eq 1 ] || { show_stderr; fail "expected exactly one warning"; }
	pdf_gotos "$CASE/l.pdf" >"$CASE/gotos"
	[ "$(wc -l <"$CASE/gotos")" -eq 6 ] || { cat "$CASE/gotos" >&2; fail "expected 6 links inside the document"; }
	pdfinfo -url "$CASE/l.pdf" 2>/dev/null | grep -q "#" && fail "a fragment became a URI"
	# each destination's top is the page height less its anchor's y in the trace
	local name y top
	for name in skills work-experience work-experience-1 award 技能; do
		y=$(grep -F "anchor y=" tests/cases/md-links.trace | grep -F "| $name" | head -n 1 | sed 's/.*y=\([0-9.]*\) .*/\1/')
		[ -n "$y" ] || fail "no anchor $name in the trace"
		top=$(awk -v y="$y" 'BEGIN { printf "%d", 841.89 - y }')
		grep -q " $top$" "$CASE/gotos" || { cat "$CASE/gotos" >&2; fail "no destination at the top of $name ($top)"; }
	done
	# with no "#" link the PDF has no anchors at all (nothing changes for other files)
	grep -q "anchor y=" tests/cases/md-tasklist.trace && fail "anchors in a file without internal links"
	return 0
}

t_md_slugs() {
	cat >"$CASE/s.md" <<-'EOF'
	# Name

	[a](#skills--tools) [b](#c-and-go) [c](#über-uns) [d](#a) [e](#a-1) [g](#a-1-1) [h](#snake_case-name)

	## Skills & Tools
	## C++ and Go!
	## Über uns
	## A
	## A
	## A-1
	## snake_case name
	EOF
	run cvpdf "$CASE/s.md" -o "$CASE/s.pdf"
	expect_rc 0
	grep -q "jumps nowhere" "$CASE/stderr" && { show_stderr; fail "a GitHub slug did not resolve"; }
	[ "$(pdf_gotos "$CASE/s.pdf" | wc -l)" -eq 7 ] || fail "expected 7 links inside the document"
}

# - [ ] and - [x] print ballot boxes that extract, not the brackets.
t_md_tasklist() {
	run cvpdf tests/cases/md-tasklist.md -o "$CASE/t.pdf"
	expect_rc 0
	pdf_text "$CASE/t.pdf" "$CASE/t.txt"
	expect_grep "$CASE/t.txt" "^☑ Update the résumé" "a done task"
	expect_grep "$CASE/t.txt" "^☐ Finish the AWS" "an open task"
	expect_grep "$CASE/t.txt" "^☐ Practice test 3" "a nested open task"
	expect_grep "$CASE/t.txt" "^2\. Numbered, a plain item" "an ordered list still counts its task item"
	grep -q '\[[ x]\]' "$CASE/t.txt" && fail "the brackets are printed"
	return 0
}

# > [!NOTE] and its kin: a title in the alert's colour over a bar in it; the style's key
# changes the colour; a marker with text after it is a plain quote.
t_md_alerts() {
	need qpdf
	run cvpdf tests/cases/md-alerts.md -o "$CASE/a.pdf"
	expect_rc 0
	pdf_text "$CASE/a.pdf" "$CASE/a.txt"
	local t
	for t in Note Tip Important Warning Caution; do
		expect_grep "$CASE/a.txt" "^$t$" "the $t title"
	done
	grep -q '\[!' "$CASE/a.txt" && ! grep -q '^\[!note\] lower case' "$CASE/a.txt" && fail "an alert marker is printed"
	expect_grep "$CASE/a.txt" '^\[!note\] lower case' "the marker with text after it"
	qpdf --qdf --object-streams=disable "$CASE/a.pdf" "$CASE/q.pdf"
	# GitHub's blue #0969da and red #cf222e, for the bar (RG) and the title (rg)
	grep -aq "^0.035 0.412 0.855 RG" "$CASE/q.pdf" || fail "no blue note bar"
	grep -aq "^0.035 0.412 0.855 rg" "$CASE/q.pdf" || fail "no blue note title"
	grep -aq "^0.812 0.133 0.18 RG" "$CASE/q.pdf" || fail "no red caution bar"
	run cvpdf --set alert-note-color='#ff0000' tests/cases/md-alerts.md -o "$CASE/b.pdf"
	qpdf --qdf --object-streams=disable "$CASE/b.pdf" "$CASE/qb.pdf"
	grep -aq "^1 0 0 RG" "$CASE/qb.pdf" || fail "alert-note-color did not colour the bar"
}

# kramdown's definition lists: terms, then definitions indented under them, no ": ".
t_md_deflist() {
	local tr=tests/cases/md-deflist.trace x_term x_def
	x_term=$(grep -F "| Languages" "$tr" | sed 's/.* x=\([0-9.]*\) .*/\1/')
	x_def=$(grep -F "| Go, Python, C, SQL" "$tr" | sed 's/.* x=\([0-9.]*\) .*/\1/')
	[ -n "$x_term" ] && [ -n "$x_def" ] || fail "the term or its definition is missing from the trace"
	awk -v a="$x_term" -v b="$x_def" 'BEGIN { exit !(b - a > 10) }' || fail "the definition ($x_def) is not indented from its term ($x_term)"
	grep -q "| : " "$tr" && fail "a definition keeps its ': '"
	expect_grep "$tr" "\| Some Rust, learned while porting a parser at work$" "a definition's continuation line"
	expect_grep "$tr" "\| AWS Solutions Architect" "a definition after a blank line"
	# a paragraph without definition lines is not a list
	printf 'Plain\ntext: with a colon\n' >"$CASE/p.md"
	run cvpdf -q --trace "$CASE/p.md" -o "$CASE/p.trace"
	expect_grep "$CASE/p.trace" "\| Plain text: with a colon$" "a plain paragraph"
}

# No level-1 heading: the front matter's title is printed as one (Jekyll's page layout);
# with one, nothing is added; it is not taken for the author.
t_md_front_title() {
	expect_grep tests/cases/md-front-title.trace "mark h1 .*\| Jane Doe$" "the title heading"
	run cvpdf tests/cases/md-front-title.md -o "$CASE/t.pdf"
	expect_rc 0
	[ "$(info_field "$CASE/t.pdf" Author)" = "" ] || fail "the page title became the Author"
	printf -- '---\nname: Li Lei\n---\n\nEngineer.\n' >"$CASE/n.md"
	run cvpdf -q --trace "$CASE/n.md" -o "$CASE/n.trace"
	expect_grep "$CASE/n.trace" "mark h1 .*\| Li Lei$" "the name key as the heading"
	printf -- '---\ntitle: Resume\n---\n\n# Li Lei\n' >"$CASE/h.md"
	run cvpdf -q --trace "$CASE/h.md" -o "$CASE/h.trace"
	[ "$(grep -c "mark h1" "$CASE/h.trace")" -eq 1 ] || fail "a title added beside the document's own heading"
	return 0
}

# Liquid and Hugo tags are reported at their position by --check and by a render.
t_md_template() {
	printf '# A\n\n{%% include base_path %%}\n\nHi {{ site.author }} and {{< figure src="x" >}}, `{%% raw %%}`.\n\n    {%% code %%}\n' >"$CASE/t.md"
	run cvpdf --check "$CASE/t.md"
	expect_rc 1
	expect_grep "$CASE/stderr" "t.md:3:1: warning: Liquid tag '\{% include base_path %\}'" "the include's position"
	expect_grep "$CASE/stderr" "t.md:5:4: warning: Liquid tag '\{\{ site.author \}\}'" "the output tag's position"
	expect_grep "$CASE/stderr" "t.md:5:26: warning: Hugo shortcode" "the shortcode's position"
	[ "$(grep -c "warning" "$CASE/stderr")" -eq 3 ] || { show_stderr; fail "code was reported too"; }
	run cvpdf "$CASE/t.md" -o "$CASE/t.pdf"
	[ "$(grep -c "template\|Liquid\|Hugo" "$CASE/stderr")" -eq 3 ] || { show_stderr; fail "a render does not report them"; }
	return 0
}

# Runs of spaces collapse as HTML's do; &nbsp;, code and hard breaks stay.
t_md_whitespace() {
	local tr=tests/cases/md-whitespace.trace
	expect_grep "$tr" "\| Padded with spaces: a tab, and a mix\. Kept" "collapsed spaces"
	grep -q "Kept$(printf '\u00a0\u00a0\u00a0\u00a0')wide" "$tr" || fail "no-break spaces collapsed"
	grep -q "code   stays   as   typed" "$tr" || fail "a code span's spaces collapsed"
	expect_grep "$tr" "\| and this one starts the next\.$" "the hard break"
}

# Quotes as each language writes them, dashes, ellipses; code and URLs as typed; a style key
# turns it off.
t_md_smart() {
	run cvpdf tests/cases/md-smart.md -o "$CASE/s.pdf"
	expect_rc 0
	pdf_text "$CASE/s.pdf" "$CASE/s.txt"
	expect_grep "$CASE/s.txt" "Jane “JD” Doe" "English quotes in the name"
	expect_grep "$CASE/s.txt" "I’ve led teams of 5–8 and “shipped on time”…" "apostrophe, en dash, quotes, ellipsis"
	expect_grep "$CASE/s.txt" "The ’90s" "the apostrophe before a year"
	expect_grep "$CASE/s.txt" "back — not" "the em dash"
	expect_grep "$CASE/s.txt" "https://jane.example.org/talks--2024" "the URL as typed"
	expect_grep "$CASE/s.txt" 'make check -- --verbose "all"' "the code span as typed"
	run cvpdf tests/cases/md-smart-de.md -o "$CASE/d.pdf"
	pdf_text "$CASE/d.pdf" "$CASE/d.txt"
	expect_grep "$CASE/d.txt" "„pünktlich geliefert“ und ‚gern wieder‘" "German quotes"
	run cvpdf tests/cases/md-smart-fr.md -o "$CASE/f.pdf"
	pdf_text "$CASE/f.pdf" "$CASE/f.txt"
	expect_grep "$CASE/f.txt" "« ?livré à temps ?» pour l’équipe" "French guillemets"
	run cvpdf --set smart-punctuation=false tests/cases/md-smart.md -o "$CASE/n.pdf"
	pdf_text "$CASE/n.pdf" "$CASE/n.txt"
	expect_grep "$CASE/n.txt" "I've led teams of 5--8 and \"shipped on time\"\.\.\." "smart-punctuation: false"
}

# Once the colour face is open, a symbol that is text by default (☑, a task's box) still does
# not come from it: only characters that ask for emoji presentation do.
t_emoji_after() {
	printf 'Mail 📧 then a box ☑ in text.\n\n- [x] after 📧 the checked box\n' >"$CASE/e.md"
	run cvpdf --fonts "$CASE/e.md" -o "$CASE/f"
	expect_rc 0
	grep -A1 "^NotoColorEmoji" "$CASE/f" | grep -q "☑" && { cat "$CASE/f" >&2; fail "☑ drawn from the emoji face"; }
	grep -B1 "^  ☑" "$CASE/f" | grep -q "^NotoColorEmoji" && fail "☑ drawn from the emoji face"
	expect_grep "$CASE/f" "☑" "☑ in some face"
}

# GitHub's emoji shortcodes become their emoji (extracted as such); not in code or URLs.
t_md_shortcodes() {
	run cvpdf tests/cases/md-shortcodes.md -o "$CASE/e.pdf"
	expect_rc 0
	pdf_text "$CASE/e.pdf" "$CASE/e.txt"
	expect_grep "$CASE/e.txt" "Jane Doe 🚀" "the rocket in the name"
	expect_grep "$CASE/e.txt" "📱 \+44 7700 900123 · 📧 jane@example.org · 🏠 Leeds" "the contact line's emoji"
	expect_grep "$CASE/e.txt" "🏆 Winner, internal hack week 2023 🎉" "trophy and tada"
	expect_grep "$CASE/e.txt" "👍 Mentored" ":+1:"
	expect_grep "$CASE/e.txt" ":octocat:" "a name gemoji does not have, as typed"
	expect_grep "$CASE/e.txt" ":rocket: code" "the code span as typed"
	expect_grep "$CASE/e.txt" "https://example.org/:rocket:/x" "the URL as typed"
	expect_grep "$CASE/e.txt" "12:30:45" "a time"
	# every emoji drawn in colour (a Type 3 face), none as .notdef
	pdffonts "$CASE/e.pdf" | grep -q "Type 3" || fail "no colour emoji face"
	grep -q "warning" "$CASE/stderr" && { show_stderr; fail "a warning"; }
	return 0
}

# $...$, $$...$$, ```math: math set with the MATH font, extracting as Unicode (the linear
# form for poppler, each glyph's letter for MuPDF); money, code and escapes stay text; an
# unknown command warns at its place; the user's own résumé prints its formula as math.
t_md_math() {
	need mutool
	run cvpdf tests/cases/md-math.md -o "$CASE/m.pdf"
	expect_rc 0
	pdf_text "$CASE/m.pdf" "$CASE/m.txt"
	expect_grep "$CASE/m.txt" "\(P_comp ∩ P_comm\)" "the intersection, linear"
	expect_grep "$CASE/m.txt" "O\(n log n\)" "a function name, spaced"
	expect_grep "$CASE/m.txt" "T_1/T_p ≈ 0.92p" "a fraction, linear"
	expect_grep "$CASE/m.txt" "L = ∑_i α_iℓ_i" "a sum, Greek"
	expect_grep "$CASE/m.txt" "Salary: \\\$5 and \\\$10" "money is not math"
	expect_grep "$CASE/m.txt" 'Code stays: \$x\$, and so does \$escaped\$' "code and escapes stay text"
	expect_grep "$CASE/m.txt" "throughput = \(∑_\(k = 1\)\^K b_k\)/√" "the display formula"
	grep -q '\\frac\|\\cap\|\\sum' "$CASE/m.txt" && fail "TeX source is printed"
	mutool draw -F txt -o "$CASE/mu.txt" "$CASE/m.pdf" 2>/dev/null
	expect_grep "$CASE/mu.txt" "Pcomp ∩ Pcomm" "MuPDF reads each glyph as its letter"
	pdffonts "$CASE/m.pdf" | grep -q "DejaVuMathTeXGyre" || fail "the math font is not embedded"
	grep -q warning "$CASE/stderr" && { show_stderr; fail "a warning"; }
	# an unknown command: a warning at its line and column, set as written
	printf '# A\n\nSee $a + \\foo{b}$ here.\n' >"$CASE/u.md"
	run cvpdf "$CASE/u.md" -o "$CASE/u.pdf"
	expect_rc 0
	expect_grep "$CASE/stderr" "u.md:3:10: warning: math: '\\\\foo' is not a command" "the unknown command's place"
	pdf_text "$CASE/u.pdf" "$CASE/u.txt"
	expect_grep "$CASE/u.txt" '\\foo' "the unknown command as written"
	# the user's résumé
	render en content/en.md
	pdf_text "$OUT/en.pdf" "$CASE/en.txt"
	expect_grep "$CASE/en.txt" "overlap \(P_comp ∩ P_comm\) strategies" "content/en.md's formula"
	grep -q 'P_{comp}\|\\cap' "$CASE/en.txt" && fail "content/en.md prints TeX source"
	return 0
}

# Footnotes: numbered marks, the notes at the foot of the page where their first mark is, set
# smaller under a short rule, linked both ways; a note too tall for a page's foot at the end.
t_md_footnotes() {
	need qpdf
	local tr=tests/cases/md-footnotes.trace
	expect_grep "$tr" "\| Led the payments team1 through the 2023 migration to Kafka2," "the marks, numbered"
	expect_grep "$tr" "\| four hours. The team1 also" "a second mark of note 1, the same number"
	expect_grep "$tr" "line y=7[0-9][0-9].* \| Eight engineers in Leeds and Lisbon; I hired five of them. ↩$" "note 1 at the foot"
	expect_grep "$tr" "\| A second paragraph of the same note. ↩$" "a note of two paragraphs"
	run cvpdf tests/cases/md-footnotes.md -o "$CASE/f.pdf"
	expect_rc 0
	pdf_gotos "$CASE/f.pdf" >"$CASE/gotos"
	[ "$(wc -l <"$CASE/gotos")" -eq 7 ] || { cat "$CASE/gotos" >&2; fail "expected 4 marks and 3 links back"; }
	grep -q " 9[0-9]$\| 8[0-9]$\| 6[0-9]$" "$CASE/gotos" || fail "no mark jumps to the foot of the page"
	# a long document: each note on the page of its mark
	{
		printf '# Long\n\n'
		for i in $(seq 1 70); do
			if [ "$i" = 55 ]; then
				printf 'Paragraph %s with a mark[^late] and more words to fill the line nicely.\n\n' "$i"
			else
				printf 'Paragraph %s of filler text, long enough to take a whole line of the page here.\n\n' "$i"
			fi
		done
		printf '[^late]: The note of paragraph fifty-five.\n'
	} >"$CASE/long.md"
	run cvpdf -q --trace "$CASE/long.md" -o "$CASE/long.trace"
	local pm pn
	pm=$(awk '/^page /{p=$2} /Paragraph 55 with a mark1/{print p; exit}' "$CASE/long.trace")
	pn=$(awk '/^page /{p=$2} /The note of paragraph fifty-five/{print p; exit}' "$CASE/long.trace")
	[ -n "$pm" ] && [ "$pm" -gt 1 ] && [ "$pm" = "$pn" ] || fail "the mark is on page '$pm', its note on page '$pn'"
	# a note taller than half a page: at the end, after the text
	{
		printf '# Tall\n\nText with a mark[^big].\n\nMore text after it.\n\n[^big]: Start of a tall note.\n'
		for i in $(seq 1 45); do printf '\n    Paragraph %s of the tall note.\n' "$i"; done
	} >"$CASE/tall.md"
	run cvpdf -q --trace "$CASE/tall.md" -o "$CASE/tall.trace"
	awk '/More text after it/{t=NR} /Start of a tall note/{n=NR} END{exit !(t && n && n > t)}' "$CASE/tall.trace" ||
		fail "the tall note is not after the text"
	return 0
}

check "markdown: footnotes at the foot of their mark's page, linked both ways" t_md_footnotes
check 'markdown: math ($, $$, ```math) set with the MATH font, extracted as Unicode' t_md_math
check "markdown: GitHub's emoji shortcodes; not in code or URLs" t_md_shortcodes
check "markdown: smart punctuation by language; code and URLs as typed; a key turns it off" t_md_smart
check "markdown: #slug links jump to headings and <a name>; an unknown one warns" t_md_links
check "markdown: GitHub's slugs: punctuation, Unicode, duplicates" t_md_slugs
check "markdown: task lists print ☐ and ☑" t_md_tasklist
check "markdown: GitHub alerts: titles and bars in their colours, a style key" t_md_alerts
check "markdown: definition lists: terms, indented definitions" t_md_deflist
check "markdown: front matter title printed when there is no level-1 heading" t_md_front_title
check "markdown: Liquid and Hugo tags reported at their position" t_md_template
check "markdown: white space collapses; &nbsp;, code and hard breaks stay" t_md_whitespace

t_images_embedded() {
	need pdfimages
	render img tests/cases/image-block.md
	pdfimages -list "$OUT/img.pdf" >"$CASE/list" 2>&1 || fail "pdfimages failed"
	local n
	n=$(awk 'NR > 2 && $3 == "image"' "$CASE/list" | wc -l)
	[ "$n" -eq 3 ] || { cat "$CASE/list" >&2; fail "expected 3 embedded images (PNG photo, PNG icon, JPEG logo), got $n"; }
	grep -q " jpeg \| image " "$CASE/list" || true
	pdf_text "$OUT/img.pdf" "$CASE/text"
	expect_grep "$CASE/text" "Portrait of the author" "the photo's alt text in the extracted text"
	expect_grep "$CASE/text" "Company logo" "the logo's alt text in the extracted text"
}

# Unusable images never block or fail the render: each gets a warning and its alt text.
t_images_bad() {
	need mkfifo
	mkdir "$CASE/dir"
	mkfifo "$CASE/pipe.png"
	cp tests/inputs/img/broken.png tests/inputs/img/notanimage.png "$CASE/"
	cat >"$CASE/bad.md" <<-'EOF'
	![AltMissing](missing.png)
	![AltDirectory](dir)
	![AltFifo](pipe.png)
	![AltDevice](/dev/zero)
	![AltRemote](https://example.org/photo.png)
	![AltBroken](broken.png)
	![AltText](notanimage.png)
	EOF
	TIMEOUT=20 run cvpdf "$CASE/bad.md" -o "$CASE/bad.pdf"
	expect_rc 0
	expect_pdf "$CASE/bad.pdf"
	local n w
	n=$(grep -c "warning: image" "$CASE/stderr")
	[ "$n" -ge 7 ] || { show_stderr; fail "expected 7 image warnings, got $n"; }
	grep -q "bad.md:3:1: warning: image" "$CASE/stderr" || { show_stderr; fail "the FIFO's warning does not name bad.md:3:1"; }
	pdf_text "$CASE/bad.pdf" "$CASE/text"
	for w in AltMissing AltDirectory AltFifo AltDevice AltRemote AltBroken AltText; do
		grep -q "$w" "$CASE/text" || fail "alt text $w is not shown"
	done
}

t_html_content() {
	render html tests/cases/html-blocks.md
	pdf_text "$OUT/html.pdf" "$CASE/text"
	grep -q HIDDENCOMMENT "$CASE/text" && fail "an HTML comment's text was rendered"
	expect_grep "$CASE/text" "📞" "the astral entity &#x1f4de;"
	expect_grep "$CASE/text" '\*\*Markdown inside HTML stays literal\*\*' "Markdown inside an HTML block, literal"
	expect_grep "$CASE/text" "Unknown element text" "an unknown element's text"
	expect_grep "$CASE/text" "Summary line" "details/summary"
	pdfinfo -url "$OUT/html.pdf" >"$CASE/urls" 2>/dev/null
	expect_grep "$CASE/urls" "https://example.org/x" "the HTML link as a link annotation"
}

t_html_script() {
	printf 'Before.\n\n<script>alert("SCRIPTBODY")</script>\n\n<style>p { color: red }</style>\n\nAfter.\n' >"$CASE/s.md"
	run cvpdf "$CASE/s.md" -o "$CASE/s.pdf"
	expect_rc 0
	grep -q "s.md:3:1: warning: <script>" "$CASE/stderr" || { show_stderr; fail "no warning naming <script> at s.md:3:1"; }
	grep -q "warning: <style>" "$CASE/stderr" || { show_stderr; fail "no warning for <style>"; }
	pdf_text "$CASE/s.pdf" "$CASE/text"
	grep -q "SCRIPTBODY" "$CASE/text" && fail "script text was rendered"
	expect_grep "$CASE/text" "After\." "the text after the script"
}

t_link_schemes() {
	cat >"$CASE/l.md" <<-'EOF'
	[LinkJs](javascript:alert(1)) [LinkFile](file:///etc/passwd) [LinkData](data:text/html,x)
	[LinkHttp](https://ok.example/a) [LinkMail](mailto:me@example.org) [LinkTel](tel:+8612345)
	[LinkRelative](relative/page.html) <a href="javascript:void(0)">LinkHtmlJs</a>
	EOF
	run cvpdf "$CASE/l.md" -o "$CASE/l.pdf"
	expect_rc 0
	local n
	n=$(grep -c "warning: link target" "$CASE/stderr")
	[ "$n" -eq 4 ] || { show_stderr; fail "expected 4 unsafe-link warnings, got $n"; }
	grep -q "l.md:1:1: warning: link target 'javascript:" "$CASE/stderr" || { show_stderr; fail "the javascript: warning does not name l.md:1:1"; }
	pdfinfo -url "$CASE/l.pdf" >"$CASE/urls" 2>/dev/null
	for u in https://ok.example/a mailto:me@example.org tel:+8612345; do
		grep -qF "$u" "$CASE/urls" || { cat "$CASE/urls" >&2; fail "$u is not a link annotation"; }
	done
	grep -Eq "javascript|file:|data:|relative" "$CASE/urls" && { cat "$CASE/urls" >&2; fail "an unsafe or relative target became clickable"; }
	pdf_text "$CASE/l.pdf" "$CASE/text"
	for w in LinkJs LinkFile LinkData LinkRelative LinkHtmlJs; do
		grep -q "$w" "$CASE/text" || fail "link text $w is not shown"
	done
}

# HTML tables as a browser lays them out: a cell over four columns (a job's duties, a list with
# its bullets), one over two rows (no rule through it, no page break inside), the table at
# width="100%", a first column at 25%.
t_table_spans() {
	local tr=tests/cases/html-table-spans.trace
	expect_grep "$tr" "line y=125.35 x=51.02 w=493.23 .*\| 公司 \| 職稱 \| 期間 \| 地點$" "the header, the table at the full measure"
	grep -qF "| $(printf '•\u00a0')負責晶圓廠自動化系統的後端開發，導入 Kafka 與 Flink 串流處理↵$(printf '•\u00a0')帶領五人團隊" "$tr" ||
		fail "the spanning cell's list is not bulleted"
	expect_grep "$tr" "rule y=211.85 x=174.33..544.25$" "the rule under the first of two spanned rows stops short of the spanning cell"
	run cvpdf tests/cases/html-table-spans.md -o "$CASE/t.pdf"
	expect_rc 0
	pdf_text "$CASE/t.pdf" "$CASE/t.txt"
	expect_grep "$CASE/t.txt" "負責晶圓廠自動化系統的後端開發，導入 Kafka 與 Flink 串流處理$" "the duties on one line (four columns wide)"
	# the spanning cell reads as one line, not one character a line
	[ "$(grep -c '^.$' "$CASE/t.txt")" -le 2 ] || fail "cells squeezed to a character a line"
	# the 25% column: "職稱" starts a quarter of the measure in
	mutool draw -F stext -o "$CASE/t.xml" "$CASE/t.pdf" 2>/dev/null
	local x
	x=$(grep -o '<char quad="[^"]*" x="[0-9.]*" y="[0-9.]*"[^>]*c="&#x8077;"' "$CASE/t.xml" | head -n 1 | sed 's/.* x="\([0-9.]*\)".*/\1/')
	awk -v x="$x" 'BEGIN { exit !(x > 51 + 493 * 0.25 && x < 51 + 493 * 0.25 + 20) }' || fail "職稱 at x=$x, not a quarter in"
}

t_table_spans_hostile() {
	{
		printf '<table>\n<tr><td colspan="100000" rowspan="100000">huge</td><td>b</td></tr>\n'
		for i in $(seq 1 300); do printf '<tr><td rowspan="3">r%s</td><td colspan="7">x</td><td>y</td></tr>\n' "$i"; done
		printf '<tr></tr><tr><td colspan="0" rowspan="-4">z</td>\n</table>\n'
	} >"$CASE/h.md"
	run cvpdf "$CASE/h.md" -o "$CASE/h.pdf"
	expect_rc 0
	expect_pdf "$CASE/h.pdf"
	pdf_text "$CASE/h.pdf" "$CASE/h.txt"
	for w in huge r1 r300 z; do grep -q "$w" "$CASE/h.txt" || fail "$w is lost"; done
}

# A right-aligned column: its numbers end at the same x.
t_table_align() {
	need pdftotext python3
	render tgfm tests/cases/table-gfm.md
	pdftotext -bbox "$OUT/tgfm.pdf" "$CASE/bbox.html" 2>/dev/null || fail "pdftotext -bbox failed"
	python3 - "$CASE/bbox.html" <<'PY' || fail "right-aligned cells do not end together"
import re, sys
words = re.findall(r'xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)<', open(sys.argv[1]).read())
ends = [float(x1) for x0, x1, w in words if w in ("12", "8", "5")]
centres = [(float(x0) + float(x1)) / 2 for x0, x1, w in words if w in ("expert", "strong", "资深", "Level")]
print("ends", ends, "centres", centres)
ok = len(ends) == 3 and max(ends) - min(ends) < 0.6 and len(centres) >= 3 and max(centres) - min(centres) < 1.0
sys.exit(0 if ok else 1)
PY
}

t_table_header_repeats() {
	local pages heads
	pages=$(grep -c '^page' tests/cases/table-long.trace)
	heads=$(grep -c '| Year | Project | Result$' tests/cases/table-long.trace)
	[ "$pages" -ge 2 ] || fail "the long table fits one page: no test"
	[ "$heads" -eq "$pages" ] || fail "header rows $heads on $pages pages"
}

check "images: PNG and JPEG embedded, alt text extractable" t_images_embedded
check "images: missing, directory, FIFO, device, remote, broken: warnings and alt text, no hang" t_images_bad
check "html: comments dropped, entities, literal Markdown, unknown elements, links" t_html_content
check "html: script and style dropped with a warning" t_html_script
check "links: only http, https, mailto, tel are clickable; the rest warn" t_link_schemes
check "tables: right and centre alignment from the delimiter row" t_table_align
check "tables: header row repeated on each page" t_table_header_repeats
check "tables: HTML colspan, rowspan, width and lists in cells" t_table_spans
check "tables: colspan and rowspan past any sense, uneven rows: no crash, linear" t_table_spans_hostile

# ---------------------------------------------------------------------------------------------
# Styles, fit to N pages, batch mode.

t_style_renders() {
	local l
	for l in en zh; do
		run cvpdf content/$l.md --style "$1" -o "$CASE/$l.pdf"
		expect_rc 0
		"$PDFCHECK" "$CASE/$l.pdf" content/$l.md >"$CASE/check" 2>&1 || { tail -n 5 "$CASE/check" >&2; fail "pdfcheck fails $l.md in $1"; }
	done
}

# style_value FILE KEY: the value of KEY in a --show-style dump.
style_value() { sed -n "s/^$2: *//p" "$1" | tr -d '"'; }

# The order: style defaults < style named in front matter < front-matter keys < --style < --set.
t_style_order() {
	printf -- '---\nstyle: classic\nfont-size: 11pt\nleading: 1.7\n---\n# Name\n' >"$CASE/o.md"
	run cvpdf --show-style "$CASE/o.md"
	expect_rc 0
	cp "$CASE/stdout" "$CASE/fm"
	[ "$(style_value "$CASE/fm" font-body)" = "Noto Serif" ] || fail "front matter style: classic not applied (font-body $(style_value "$CASE/fm" font-body))"
	[ "$(style_value "$CASE/fm" font-size)" = "11pt" ] || fail "front matter font-size over the style: $(style_value "$CASE/fm" font-size)"
	[ "$(style_value "$CASE/fm" name-align)" = "center" ] || fail "classic's name-align lost"
	run cvpdf --show-style "$CASE/o.md" --style compact --set leading=1.5
	expect_rc 0
	[ "$(style_value "$CASE/stdout" font-body)" = "Inter" ] || fail "--style compact not over front matter"
	[ "$(style_value "$CASE/stdout" font-size)" = "9pt" ] || fail "--style compact's font-size not over the front matter's: $(style_value "$CASE/stdout" font-size)"
	[ "$(style_value "$CASE/stdout" leading)" = "1.50" ] || fail "--set leading=1.5 not last: $(style_value "$CASE/stdout" leading)"
	run cvpdf --show-style content/zh.md
	[ "$(style_value "$CASE/stdout" leading)" = "1.60" ] || fail "the cjk: section does not apply to Chinese: leading $(style_value "$CASE/stdout" leading)"
	[ "$(style_value "$CASE/stdout" hyphenate)" = "false" ] || fail "Chinese is hyphenated"
}

t_style_bad() {
	cat >"$CASE/bad.yaml" <<-'EOF'
	font-size: big
	colour: "#ff0000"
	paper: a3
	justify: maybe
	EOF
	printf -- '---\nfont-sise: 10pt\nlayout: page\n---\n# Name\n' >"$CASE/d.md"
	run cvpdf "$CASE/d.md" --style "$CASE/bad.yaml" --set margin=wide -o "$CASE/d.pdf"
	expect_rc 0
	expect_grep "$CASE/stderr" "bad.yaml:1:1: warning: style key 'font-size': bad value; allowed: a length" "bad font-size named with file:line and what is allowed"
	expect_grep "$CASE/stderr" "bad.yaml:2:1: warning: unknown style key 'colour'" "unknown key named"
	expect_grep "$CASE/stderr" "bad.yaml:3:1: warning: style key 'paper': bad value; allowed: a4, letter" "bad paper with the allowed values"
	expect_grep "$CASE/stderr" "bad.yaml:4:1: .*allowed: true, false" "bad boolean"
	expect_grep "$CASE/stderr" "d.md:2:1: warning: unknown style key 'font-sise'; did you mean 'font-size'" "a front-matter typo"
	expect_grep "$CASE/stderr" "command line.*'margin': bad value" "a bad --set"
	grep -q "layout" "$CASE/stderr" && fail "Jekyll's own front matter key 'layout' was reported"
	run cvpdf "$CASE/d.md" --style no-such-style -o "$CASE/e.pdf"
	expect_grep "$CASE/stderr" "style 'no-such-style' not found \(built-in styles: classic, modern, compact" "an unknown style name"
}

t_font_missing() {
	run cvpdf tests/cases/en-justify.md --set "font-body=No Such Family" -o "$CASE/f.pdf"
	expect_rc 1
	expect_grep "$CASE/stderr" "font family 'No Such Family' is not installed" "the missing family named"
	[ -e "$CASE/f.pdf" ] && fail "a PDF was written with a missing font"
	run cvpdf tests/cases/en-justify.md --set "font-cjk=Noto Serif CJK" --set "font-heading=Noto Sans CJK SC" -o "$CASE/g.pdf"
	expect_rc 0
}

t_font_package() {
	run cvpdf tests/cases/en-justify.md --set "font-body=TeX Gyre Nonexistent" -o "$CASE/f.pdf"
	expect_rc 1
	expect_grep "$CASE/stderr" "Debian package fonts-texgyre" "the Debian package that provides the family"
}

# A document just over one page, for the fit search.
long_doc() {
	local n=$1 i
	printf '# Fit Test\n\n'
	for i in $(seq "$n"); do
		printf 'Paragraph %d keeps adding text so that the document runs a little past a page at the style'"'"'s own settings, which the fit search must shrink back within its bounds.\n\n' "$i"
	done
}

t_fit_shrink() {
	long_doc 27 >"$CASE/f.md"
	run cvpdf "$CASE/f.md" -o "$CASE/plain.pdf"
	expect_rc 0
	local before after
	before=$(info_field "$CASE/plain.pdf" Pages)
	[ "$before" = 2 ] || fail "the test document takes $before pages, not 2, before fitting"
	run cvpdf "$CASE/f.md" --fit-pages 1 -o "$CASE/fit.pdf"
	expect_rc 0
	after=$(info_field "$CASE/fit.pdf" Pages)
	[ "$after" = 1 ] || { show_stderr; fail "--fit-pages 1 gave $after pages"; }
	expect_grep "$CASE/stderr" "note: fitted to 1 page: font-size [0-9.]+pt, leading" "the fit note says what it chose"
	run cvpdf "$CASE/f.md" --fit-pages 1 -o "$CASE/fit2.pdf"
	expect_same "$CASE/fit.pdf" "$CASE/fit2.pdf" "the fit search is not deterministic"
	note "$(grep -o 'fitted to.*' "$CASE/stderr")"
}

t_fit_already() {
	long_doc 3 >"$CASE/s.md"
	run cvpdf "$CASE/s.md" --fit-pages 1 -o "$CASE/s.pdf"
	expect_rc 0
	expect_grep "$CASE/stderr" "fits 1 page as styled" "a note that nothing was shrunk"
	run cvpdf "$CASE/s.md" -o "$CASE/plain.pdf"
	expect_same "$CASE/s.pdf" "$CASE/plain.pdf" "a document that fits was changed by --fit-pages"
}

t_fit_cannot() {
	long_doc 80 >"$CASE/l.md"
	run cvpdf "$CASE/l.md" --fit-pages 1 -o "$CASE/l.pdf"
	expect_rc 0
	expect_grep "$CASE/stderr" "cannot fit 1 page within the style's bounds: at the smallest settings it takes [0-9]+ pages, running [0-9]+ pt past page 1" "how much it overflows"
	expect_pdf "$CASE/l.pdf"
	printf -- '---\nfit: 1\n---\n' >"$CASE/fm.md"
	long_doc 27 >>"$CASE/fm.md"
	run cvpdf "$CASE/fm.md" -o "$CASE/fm.pdf"
	[ "$(info_field "$CASE/fm.pdf" Pages)" = 1 ] || fail "front matter fit: 1 not applied"
}

t_fit_content() {
	local l n
	for l in en:2 zh:2; do
		n=${l#*:}
		l=${l%:*}
		run cvpdf content/$l.md --fit-pages "$n" -o "$CASE/$l.pdf"
		expect_rc 0
		[ "$(info_field "$CASE/$l.pdf" Pages)" = "$n" ] || fail "$l.md --fit-pages $n: $(info_field "$CASE/$l.pdf" Pages) pages"
		"$PDFCHECK" "$CASE/$l.pdf" content/$l.md >"$CASE/check" 2>&1 || { tail -n 5 "$CASE/check" >&2; fail "pdfcheck fails $l.md --fit-pages $n"; }
	done
	run cvpdf content/zh.md --style compact --fit-pages 1 -o "$CASE/zh1.pdf"
	note "zh in one page: $(grep -o 'cannot fit.*\|fitted to.*' "$CASE/stderr" | head -n 1)"
}

t_batch() {
	run cvpdf content/en.md content/zh.md -o "$CASE/out/"
	expect_rc 0
	expect_pdf "$CASE/out/en.pdf"
	expect_pdf "$CASE/out/zh.pdf"
	[ "$(pdf_lang "$CASE/out/zh.pdf")" = zh ] || fail "out/zh.pdf has no /Lang (zh) (the language was not detected)"
	[ "$(pdf_lang "$CASE/out/en.pdf")" = en ] || fail "out/en.pdf has no /Lang (en)"
	pdffonts "$CASE/out/zh.pdf" | grep -q "CJKsc" || fail "zh.pdf lacks the SC face"
	run cvpdf content/en.md content/zh.md -o "$CASE/single.pdf"
	expect_rc 2
	run cvpdf content/en.md missing.md -o "$CASE/out2/"
	expect_rc 1
	expect_pdf "$CASE/out2/en.pdf"
}

for s in modern classic compact; do
	check "styles: $s renders en and zh, pdfcheck passes" t_style_renders "$s"
done
check "styles: override order (defaults, front matter style, its keys, --style, --set; cjk section)" t_style_order
check "styles: bad keys and values name file:line and the allowed values" t_style_bad
check "styles: a missing font family is an error naming it" t_font_missing
check "styles: the missing family's Debian package is named" t_font_package
check "fit: a document over one page is shrunk to one, deterministically" t_fit_shrink
check "fit: a document that fits is left as it is" t_fit_already
check "fit: one that cannot fit says by how much and renders" t_fit_cannot
check "fit: en.md and zh.md --fit-pages 2 pass pdfcheck" t_fit_content
check "batch: several inputs into a directory, language per file" t_batch

# ---------------------------------------------------------------------------------------------
# --check and --fix-encoding: the mistakes a recruiter would otherwise find.

# check_case NAME WANT-REGEX|"" : runs --check on $CASE/NAME.md; "" means it must be clean.
check_case() {
	run cvpdf --check "$CASE/$1.md"
	if [ -z "$2" ]; then
		[ "$RC" -eq 0 ] || { show_stderr; fail "$1.md: --check warned (exit $RC) on text that is fine"; }
		[ -s "$CASE/stderr" ] && { show_stderr; fail "$1.md: --check printed something"; }
	else
		expect_rc 1
		expect_grep "$CASE/stderr" "$2" "$1.md's warning"
	fi
	[ -e "$CASE/$1.pdf" ] && fail "--check wrote a PDF"
	return 0
}

t_check_seed() {
	local seed=$SHARED/seeds/000_2820b381119d14b1.txt
	run cvpdf --check "$seed"
	expect_rc 1
	expect_grep "$CASE/stderr" "000_2820b381119d14b1.txt:12:4: warning: '.*üöÄ' looks like UTF-8 read as Mac Roman: it was probably '🚀'" "the mojibake on line 12"
	expect_grep "$CASE/stderr" "txt:34:4: warning: '\*\*' prints literally" "the unparsed emphasis on line 34"
	expect_grep "$CASE/stderr" "txt:17:8: warning: this line looks like a list item but is part of the paragraph above" "the swallowed list item on line 17"
	expect_grep "$CASE/stderr" "txt:34:1: warning: this item is written as 1. but printed as 5." "the list that continues"
}

t_fix_encoding() {
	local seed=$SHARED/seeds/000_2820b381119d14b1.txt
	cp "$seed" "$CASE/seed.md"
	cp "$seed" "$CASE/orig"
	run cvpdf --fix-encoding "$CASE/seed.md" -o "$CASE/fixed.md"
	expect_rc 0
	expect_same "$CASE/seed.md" "$CASE/orig" "--fix-encoding changed its input"
	run cvpdf --check "$CASE/fixed.md"
	grep -q "mojibake\|looks like UTF-8" "$CASE/stderr" && { show_stderr; fail "mojibake left after --fix-encoding"; }
	[ "$(wc -l <"$CASE/fixed.md")" -eq "$(wc -l <"$seed")" ] || fail "--fix-encoding changed the line count"
	# what it leaves is what --fix repairs next: the two together are --fix
	run cvpdf --fix "$CASE/fixed.md" -o "$CASE/both.md"
	expect_same "$CASE/both.md" content/en.md "--fix after --fix-encoding is not content/en.md"
	run cvpdf --fix-encoding "$CASE/seed.md" -o "$CASE/seed.md"
	expect_rc 1
	expect_same "$CASE/seed.md" "$CASE/orig" "--fix-encoding overwrote its input"
	run cvpdf --fix-encoding content/zh.md -o "$CASE/zh.md"
	expect_same "$CASE/zh.md" content/zh.md "--fix-encoding changed text that was fine"
}

# --fix on the damaged seed: content/en.md, which --check passes and which prints no literal
# **; the input never changes; --diff is a patch that makes the same file.
t_fix_seed() {
	local seed=$SHARED/seeds/000_2820b381119d14b1.txt
	cp "$seed" "$CASE/seed.md"
	cp "$seed" "$CASE/orig"
	run cvpdf --fix "$CASE/seed.md" -o "$CASE/fixed.md"
	expect_rc 0
	expect_same "$CASE/fixed.md" content/en.md "--fix of the seed is not content/en.md"
	expect_same "$CASE/seed.md" "$CASE/orig" "--fix changed its input"
	expect_grep "$CASE/stderr" "seed.md:17:1: note: repaired: an item indented too far" "the re-indent's note"
	expect_grep "$CASE/stderr" "seed.md:34:1: note: repaired: a list that continued the one before" "the list's note"
	[ "$(grep -c "spaces inside emphasis" "$CASE/stderr")" -eq 16 ] || { show_stderr; fail "expected 16 emphasis repairs"; }
	run cvpdf --check "$CASE/fixed.md"
	[ "$RC" -eq 0 ] || { show_stderr; fail "--check does not pass on the repaired file"; }
	run cvpdf "$CASE/fixed.md" -o "$CASE/fixed.pdf"
	pdf_text "$CASE/fixed.pdf" "$CASE/fixed.txt"
	grep -q '\*\*' "$CASE/fixed.txt" && fail "a literal ** is printed"
	run cvpdf --fix "$CASE/seed.md" -o "$CASE/seed.md"
	expect_rc 1
	expect_same "$CASE/seed.md" "$CASE/orig" "--fix overwrote its input"
	# the diff, applied by patch, gives the same file
	need patch
	cvpdf --fix --diff "$CASE/seed.md" >"$CASE/d.patch" 2>/dev/null || fail "--diff failed"
	cp "$seed" "$CASE/p.md"
	patch -s "$CASE/p.md" "$CASE/d.patch" || fail "patch refused the diff"
	expect_same "$CASE/p.md" content/en.md "the patched file"
	# nothing to repair: byte for byte, and an empty diff
	run cvpdf --fix content/zh.md -o "$CASE/zh.md"
	expect_same "$CASE/zh.md" content/zh.md "--fix changed a clean file"
	[ -s "$(cvpdf --fix --diff content/zh.md 2>/dev/null)" ] && fail "a diff for a clean file"
	return 0
}

# Each repair on its own, and what it must leave alone.
t_fix_kinds() {
	printf 'A ** spaced ** phrase, a __ also __ one and a ** lone one.\r\nNext line ** b **.\r\n' >"$CASE/e.md"
	run cvpdf --fix "$CASE/e.md" -o "$CASE/e.out"
	printf 'A **spaced** phrase, a __also__ one and a ** lone one.\r\nNext line **b**.\r\n' >"$CASE/e.want"
	expect_same "$CASE/e.out" "$CASE/e.want" "emphasis repaired, CRLF kept, a lone ** left"
	printf -- '- Parent item\n        - Nested too far\n  - A proper nested item\n' >"$CASE/i.md"
	run cvpdf --fix "$CASE/i.md" -o "$CASE/i.out"
	printf -- '- Parent item\n  - Nested too far\n  - A proper nested item\n' >"$CASE/i.want"
	expect_same "$CASE/i.out" "$CASE/i.want" "re-indented like the item after it"
	printf 'Some text\n2. an item that cannot interrupt\n' >"$CASE/o.md"
	run cvpdf --fix "$CASE/o.md" -o "$CASE/o.out"
	printf 'Some text\n\n2. an item that cannot interrupt\n' >"$CASE/o.want"
	expect_same "$CASE/o.out" "$CASE/o.want" "a blank line before the ordered item"
	printf -- '- item\n\n  1. one\n  2. two\n\n  1. again\n' >"$CASE/r.md"
	run cvpdf --fix "$CASE/r.md" -o "$CASE/r.out"
	printf -- '- item\n\n  1. one\n  2. two\n\n  <!-- -->\n\n  1. again\n' >"$CASE/r.want"
	expect_same "$CASE/r.out" "$CASE/r.want" "a nested list separated at its indent"
	run cvpdf --check "$CASE/r.out"
	[ "$RC" -eq 0 ] || { show_stderr; fail "the separated lists still warn"; }
	# a tight list with a jump is not guessed at; code is never touched
	printf '1. one\n2. two\n5. five\n\n```\n** code **\n```\n' >"$CASE/t.md"
	run cvpdf --fix "$CASE/t.md" -o "$CASE/t.out"
	expect_same "$CASE/t.out" "$CASE/t.md" "a tight list with a jump, code"
	run cvpdf --fix "$CASE/t.md"
	expect_rc 2
}

t_check_mojibake() {
	printf 'Caf\xc3\xa9, na\xc3\xafve, \xc3\x85ngstr\xc3\xb6m, Gr\xc3\xb6\xc3\x9fe, \xc2\xa9 2024 \xe2\x84\xa2, \xe2\x80\x9cquotes\xe2\x80\x9d \xe2\x80\x94 \xc3\x80 la carte, \xc3\x9fber \xc3\xbc \xc3\xb6 \xc3\xa4, Fran\xc3\xa7ois, 北京大学, Jos\xc3\xa9 \xc3\x91o\xc3\xb1o.\n' >"$CASE/fine.md"
	check_case fine ""
	printf 'Windows: \xc3\xa2\xe2\x82\xac\xe2\x80\x9cquoted\xc3\xa2\xe2\x82\xac\xc2\x9d and caf\xc3\x83\xc2\xa9.\n' >"$CASE/cp1252.md"
	check_case cp1252 "cp1252.md:1:10: warning: '.*' looks like UTF-8 read as Windows-1252"
}

t_check_emphasis() {
	printf 'A ** spaced ** phrase.\n' >"$CASE/spaced.md"
	check_case spaced "spaced.md:1:3: warning: '\*\*' prints literally"
	printf '中文**“引用”**后面。\n' >"$CASE/cjk.md"
	check_case cjk "cjk.md:1:7: warning: '\*\*' prints literally.*<b>"
	printf 'Literal \\*\\*stars\\*\\* on purpose, and **real bold** and __also bold__.\n' >"$CASE/escaped.md"
	check_case escaped ""
}

t_check_swallowed() {
	printf -- '- First item\n- Second item text\n       - Nested too far\n' >"$CASE/deep.md"
	check_case deep "deep.md:3:8: warning: this line looks like a list item"
	printf -- '- First item\n  - properly nested\n- Second item\n' >"$CASE/nested.md"
	check_case nested ""
}

t_check_numbering() {
	printf '1. one\n2. two\n\n1. three?\n' >"$CASE/restart.md"
	check_case restart "restart.md:4:1: warning: this item is written as 1. but printed as 3."
	printf '1. one\n1. two\n1. three\n' >"$CASE/lazy.md"
	check_case lazy ""
	printf '3. three\n4. four\n5. five\n' >"$CASE/start3.md"
	check_case start3 ""
}

t_check_headings() {
	printf '# Name\n\n## Section\n\n#### Too deep\n\ntext\n' >"$CASE/skip.md"
	check_case skip "skip.md:5:1: warning: heading level 4 follows level 2"
	printf '# Name\n\n## Empty\n\n## Full\n\ntext\n' >"$CASE/empty.md"
	check_case empty "empty.md:3:1: warning: section 'Empty' is empty"
	printf '# Name\n\n## Section\n\n### Sub\n\ntext\n' >"$CASE/good.md"
	check_case good ""
}

t_check_others() {
	printf 'A link [x](javascript:alert(1)) and ![photo](missing.png) and \xf3\xb0\x80\x80.\n' >"$CASE/misc.md"
	run cvpdf --check "$CASE/misc.md"
	expect_rc 1
	expect_grep "$CASE/stderr" "misc.md:1:8: warning: link target" "the unsafe link"
	expect_grep "$CASE/stderr" "misc.md:1:[0-9]+: warning: image" "the missing image"
	expect_grep "$CASE/stderr" "U\+F0000" "the uncovered character"
	run cvpdf --check content/zh.md
	expect_rc 0
}

check "check: the seed's mojibake, emphasis, swallowed item and numbering, with lines" t_check_seed
check "check: --fix-encoding repairs the seed's mojibake, never touches its input" t_fix_encoding
check "check: --fix on the seed gives content/en.md: --check clean, no literal **; --diff patches to it" t_fix_seed
check "check: --fix repairs emphasis, indent, interruption, continued lists; leaves the rest" t_fix_kinds
check "check: mojibake (Windows-1252 too); correct accents and CJK stay quiet" t_check_mojibake
check "check: emphasis that prints literally; escaped \\*\\* stays quiet" t_check_emphasis
check "check: a list item swallowed by a paragraph; proper nesting stays quiet" t_check_swallowed
check "check: lists printed with other numbers than written; lazy 1. 1. 1. stays quiet" t_check_numbering
check "check: skipped heading levels and empty sections" t_check_headings
check "check: unsafe links, missing images, uncovered characters; clean zh.md exits 0" t_check_others

# ---------------------------------------------------------------------------------------------
# Colour emoji.

emoji_md() {
	printf 'Flags 🇨🇳 🇺🇸, family 👨‍👩‍👧, skin 👍🏽, keycap 1️⃣, phone ☎️, rocket 🚀 🚀 🚀.\n\nText-default stays text: born 1990, item #1, a * b, © 2024, phone ☎ and ✉ ★ → ✓.\n'
}

t_emoji_color() {
	need pdfimages mutool
	emoji_md >"$CASE/e.md"
	run cvpdf "$CASE/e.md" -o "$CASE/e.pdf"
	expect_rc 0
	pdffonts "$CASE/e.pdf" >"$CASE/fonts"
	[ "$(grep -c 'Type 3' "$CASE/fonts")" -eq 1 ] || { cat "$CASE/fonts" >&2; fail "expected one Type3 emoji font"; }
	local n
	# each colour image carries one /SMask (its transparency); object dictionaries are not
	# compressed, and pdfimages does not look inside Type3 glyphs
	n=$(grep -a -o "/SMask" "$CASE/e.pdf" | wc -l)
	# 🇨🇳 🇺🇸 👨‍👩‍👧 👍🏽 1️⃣ ☎️ 🚀: seven distinct emoji, the rocket stored once for three uses
	# (the text-default ✉ of the second paragraph is text, not an eighth)
	[ "$n" -eq 7 ] || fail "expected 7 emoji images (each distinct one once), got $n"
	pdf_text "$CASE/e.pdf" "$CASE/poppler.txt"
	mutool draw -F txt -o "$CASE/mupdf.txt" "$CASE/e.pdf" 2>/dev/null
	local e tool
	for tool in poppler mupdf; do
		for e in 🇨🇳 🇺🇸 👍 1️ 🚀 ☎; do
			grep -q "$e" "$CASE/$tool.txt" || { cat "$CASE/$tool.txt" >&2; fail "$tool does not return $e"; }
		done
	done
	grep -q "🚀 🚀 🚀" "$CASE/poppler.txt" || fail "the three rockets do not come back"
}

# Digits, '#', '*', '©' and ☎ without U+FE0F are text: never from the emoji face.
t_emoji_text_default() {
	need mutool
	emoji_md >"$CASE/e.md"
	run cvpdf "$CASE/e.md" -o "$CASE/e.pdf"
	mutool draw -F stext -o "$CASE/e.xml" "$CASE/e.pdf" 2>/dev/null
	python3 - "$CASE/e.xml" <<'PY' || fail "a text-default character came from the emoji font"
import html, re, sys
font, chars = "", []
for m in re.finditer(r'<font name="([^"]*)"|<char [^>]*c="([^"]*)"', open(sys.argv[1]).read()):
    if m.group(1) is not None: font = m.group(1); continue
    chars.append((html.unescape(m.group(2)), font))
bad = []
for i, (c, font) in enumerate(chars):
    # the keycap 1️⃣ asks for emoji: its 1 comes from the emoji face, with U+FE0F after it
    keycap = i + 1 < len(chars) and chars[i + 1][0] in ("\ufe0f", "\u20e3")
    if keycap:
        continue
    if c in "1990#*©★→✓✉" and "Type3" in font or (c in "1990#*" and not re.search(r"Inter", font)):
        bad.append((c, font))
print(bad[:5])
sys.exit(1 if bad else 0)
PY
}

t_emoji_modes() {
	emoji_md >"$CASE/e.md"
	run cvpdf "$CASE/e.md" --set emoji=mono -o "$CASE/mono.pdf"
	expect_rc 0
	pdffonts "$CASE/mono.pdf" | grep -q "Type 3" && fail "emoji: mono still embedded colour emoji"
	run cvpdf "$CASE/e.md" --set emoji=none -o "$CASE/none.pdf"
	expect_rc 0
	expect_grep "$CASE/stderr" "e.md:1:7: warning: emoji are left out" "a warning that emoji are left out"
	pdf_text "$CASE/none.pdf" "$CASE/none.txt"
	grep -q "🚀" "$CASE/none.txt" && fail "emoji: none still shows emoji"
	return 0
}

t_emoji_content() {
	local l
	for l in en zh; do
		render $l content/$l.md
		"$PDFCHECK" --json "$OUT/$l.pdf" content/$l.md >"$CASE/$l.json" 2>&1
		python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); e=d.get("emoji"); sys.exit(0 if not e or e["extracted"] == e["source"] else 1)' "$CASE/$l.json" || fail "$l.md: not every emoji is extracted"
	done
	pdffonts "$OUT/en.pdf" | grep -q "Type 3" || fail "en.md's emoji are not in colour"
}

check "emoji: colour, each distinct emoji once, sequences whole, extracted by both tools" t_emoji_color
check "emoji: digits, #, *, © and text-style symbols never from the emoji face" t_emoji_text_default
check "emoji: style emoji: mono and none" t_emoji_modes
check "emoji: a text-style symbol after an emoji is not drawn from the emoji face" t_emoji_after
check "emoji: content files have every emoji in colour and extracted" t_emoji_content

t_fonts_report() {
	printf 'Born 1990 in 北京 🚀 ☎ ✓.\n' >"$CASE/f.md"
	run cvpdf --fonts "$CASE/f.md"
	expect_rc 0
	expect_grep "$CASE/stdout" "^Inter-Regular " "the text face"
	expect_grep "$CASE/stdout" "^NotoSansCJKsc-Regular " "the CJK face for Simplified Chinese"
	expect_grep "$CASE/stdout" "^NotoColorEmoji " "the emoji face"
	python3 - "$CASE/stdout" <<'PY' || fail "a character is listed under the wrong face"
import sys
faces, cur = {}, None
for line in open(sys.argv[1]):
    if not line.startswith("  "):
        cur = line.split(" ")[0]; faces[cur] = ""
    else:
        faces[cur] += line.strip()
ok = "1" in faces.get("Inter-Regular", "") and "北" in faces.get("NotoSansCJKsc-Regular", "") \
     and "🚀" in faces.get("NotoColorEmoji", "") and "☎" not in faces.get("NotoColorEmoji", "")
print(faces)
sys.exit(0 if ok else 1)
PY
}
check "fonts: --fonts shows which face each character got (digits text, ☎ not emoji)" t_fonts_report

# ---------------------------------------------------------------------------------------------
# Hardening: hostile input, killed runs, untrusted use, threads.

# t_stress FILE EXIT REGEX [--safe]: renders one file of the stress suite (tests/stress.py):
# never a crash or a hang (the time-out only guards against one), the expected exit status
# (0 with a valid PDF, or 1 with REGEX in the message); with --safe, safe mode's own limits
# may refuse it too (exit 1, "safe mode: ..."). Notes the time and peak memory.
t_stress() {
	local f=$1 want=$2 regex=$3 rc t0 t1
	shift 3
	t0=$(date +%s%N)
	/usr/bin/time -f "%M" -o "$CASE/mem" timeout "$TIMEOUT" "$CVPDF" -q "$@" "$f" -o "$CASE/out.pdf" 2>"$CASE/stderr" || rc=$?
	t1=$(date +%s%N)
	rc=${rc:-0}
	[ "$rc" -lt 128 ] && [ "$rc" -ne 124 ] || fail "$(describe_rc "$rc")"
	note "$(( (t1 - t0) / 1000000 )) ms, $(( $(tail -n 1 "$CASE/mem") / 1024 )) MB"
	if [ "$*" = "--safe" ] && [ "$rc" -eq 1 ] && grep -q "error: safe mode: " "$CASE/stderr"; then
		[ -e "$CASE/out.pdf" ] && fail "a refused document was written"
		return 0
	fi
	[ "$rc" -eq "$want" ] || { show_stderr; fail "exit $rc, expected $want"; }
	if [ "$rc" -eq 0 ]; then
		expect_pdf "$CASE/out.pdf"
	else
		expect_grep "$CASE/stderr" "error: .*$regex" "the refusal says why"
		[ -e "$CASE/out.pdf" ] && fail "a refused document was written"
	fi
	return 0
}

t_bad_bytes() {
	run cvpdf "$STRESS/bad-bytes.md" -o "$CASE/b.pdf"
	expect_rc 0
	local n
	# three bad sequences: FF FE, a lone C3, an encoded surrogate ED A0 80
	n=$(grep -c "warning: invalid UTF-8" "$CASE/stderr")
	[ "$n" -eq 3 ] || { show_stderr; fail "expected one warning for each of the 3 bad sequences, got $n"; }
	expect_grep "$CASE/stderr" "bad-bytes.md:1:7: warning: invalid UTF-8 \\(byte 0xFF\\)" "the first bad sequence at its position"
	expect_grep "$CASE/stderr" "bad-bytes.md:1:14: warning: invalid UTF-8 \\(byte 0xC3\\)" "the lone lead byte at its position"
	expect_grep "$CASE/stderr" "bad-bytes.md:1:18: warning: invalid UTF-8 \\(byte 0xED\\)" "the encoded surrogate at its position"
	expect_grep "$CASE/stderr" "NUL byte" "the NUL byte"
	expect_grep "$CASE/stderr" "control characters removed" "the control characters"
	# right-to-left words are reordered now, not reported: each reads back in its own order
	run cvpdf "$STRESS/rtl.md" -o "$CASE/r.pdf"
	expect_rc 0
	if grep -q "right-to-left" "$CASE/stderr"; then show_stderr; fail "right-to-left text is still reported"; fi
	pdftotext "$CASE/r.pdf" - | grep -q "مرحبا" || fail "the Arabic word does not read back in logical order"
	mutool draw -F txt -o - "$CASE/r.pdf" 2>/dev/null | grep -q "Hebrew שלום in a line" || fail "MuPDF does not read the Hebrew word in order with its spaces"
}

# A render killed while it works leaves the previous PDF and no temporary file.
t_killed() {
	mkdir "$CASE/out"
	printf 'previous\n' >"$CASE/out/cv.pdf"
	timeout -s KILL 2 "$CVPDF" -q "$STRESS/big-10mb.md" -o "$CASE/out/cv.pdf" 2>/dev/null
	[ "$(cat "$CASE/out/cv.pdf")" = previous ] || fail "the previous PDF was changed by a killed run"
	expect_only "$CASE/out" cv.pdf
}

t_safe() {
	mkdir -p "$CASE/doc"
	cp tests/inputs/img/photo.png "$CASE/doc/"
	ln -s "$ROOT/tests/inputs/img/icon.png" "$CASE/doc/link.png"
	printf -- '---\nstyle: /etc/x.yaml\n---\n![in](photo.png) ![abs](/etc/hostname) ![up](../photo.png) ![link](link.png) <img src="photo.png" alt="fromhtml">\n' >"$CASE/doc/u.md"
	run cvpdf --safe "$CASE/doc/u.md" -o "$CASE/u.pdf"
	expect_rc 0
	local n
	n=$(grep -c "safe mode" "$CASE/stderr")
	[ "$n" -eq 5 ] || { show_stderr; fail "expected 5 safe-mode refusals (absolute, .., symlink out, raw HTML, style path), got $n"; }
	n=$(grep -a -o "/Subtype /Image" "$CASE/u.pdf" | wc -l)
	[ "$n" -eq 1 ] || fail "expected only the image inside the directory, got $n images"
	# limits are refusals (exit 1), not usage errors (exit 2)
	run cvpdf --safe "$STRESS/big-10mb.md" -o "$CASE/big.pdf"
	expect_rc 1
	expect_grep "$CASE/stderr" "safe mode: the input has [0-9]+ bytes, more than" "the input size limit"
	run cvpdf --safe "$STRESS/big-1mb.md" -o "$CASE/big.pdf"
	expect_rc 1
	expect_grep "$CASE/stderr" "safe mode: [0-9]+ pages, more than the 20 allowed" "the page limit"
	[ -e "$CASE/big.pdf" ] && fail "a refused document was written"
	return 0
}

t_threads() {
	local bin=${CVPDF_THREADS:-}
	[ -n "$bin" ] || fail "CVPDF_THREADS is not set (make check sets it)"
	run "$bin" content/en.md content/zh.md
	expect_rc 0
	expect_grep "$CASE/stdout" "^ok - 6 threads sharing a cache directory" "the cache directory round ran"
}

# A cvpdf_cache shared by every file of the content, corpus, seeds and cases, twice over.
t_cache() {
	local bin=${CVPDF_THREADS:-}
	[ -n "$bin" ] || fail "CVPDF_THREADS is not set (make check sets it)"
	local files=(content/*.md tests/cases/*.md)
	[ -d "$SHARED/corpus" ] && files+=("$SHARED"/corpus/*.md "$SHARED"/seeds/*.txt)
	run "$bin" --cache "${files[@]}"
	expect_rc 0
	expect_grep "$CASE/stdout" "^ok - ${#files[@]} files through one cvpdf_cache" "every file compared"
}

# --timings: every stage, adding up to the total, printed even with -q; nothing without it.
t_timings() {
	run cvpdf -q --timings content/en.md -o "$CASE/en.pdf"
	expect_rc 0
	expect_grep "$CASE/stderr" "note: timings \(ms\): parse [0-9.]+ fonts [0-9.]+ shape [0-9.]+ break [0-9.]+ layout [0-9.]+ paginate [0-9.]+ subset [0-9.]+ write [0-9.]+ total [0-9.]+$" "all stages"
	python3 - "$CASE/stderr" <<'PY' || fail "the stages do not add up to the total"
import re, sys
t = [float(x) for x in re.findall(r" ([0-9.]+)", open(sys.argv[1]).read().split("timings (ms):")[1])]
sys.exit(0 if t[-1] > 0 and abs(sum(t[:-1]) - t[-1]) < 0.05 else 1)
PY
	run cvpdf -q content/en.md -o "$CASE/en2.pdf"
	[ ! -s "$CASE/stderr" ] || fail "-q without --timings printed something"
	cmp -s "$CASE/en.pdf" "$CASE/en2.pdf" || fail "--timings changed the PDF"
}

# make bench's program runs end to end (its figures are printed, never asserted).
t_bench() {
	local bin=${CVPDF_BENCH:-}
	[ -n "$bin" ] || fail "CVPDF_BENCH is not set (make test sets it)"
	run "$bin" "$CVPDF" 1
	expect_rc 0
	for row in "en.md" "zh.md" "10 pages" "100 pages"; do
		[ "$(grep -c "^$row  " "$CASE/stdout")" = 3 ] || fail "no whole-process (cached, uncached) and in-process rows for $row"
	done
	expect_grep "$CASE/stdout" "^en.md +2 " "en.md: 2 pages"
}

# ---- the cache directory (diskcache.c) ------------------------------------------------------

# The PDF is the same byte for byte without a cache directory, with an empty one (which the
# render fills: subsets, compiled patterns, emoji, shaped runs, fontconfig's answers) and with
# the filled one; German too (its patterns are the largest), Arabic (runs shaped right to
# left) and Hindi (reordered clusters).
t_disk_same() {
	local d=$CASE/cache f n
	for f in content/en.md content/zh.md tests/cases/de-hyphenate.md tests/cases/fr-hyphenate.md \
		tests/cases/rtl-ar.md tests/cases/hi-conjuncts.md; do
		n=$(basename "$f" .md)
		cvpdf -q --no-cache "$f" -o "$CASE/$n-none.pdf" || fail "$f: --no-cache"
		cvpdf -q --cache-dir "$d" "$f" -o "$CASE/$n-cold.pdf" || fail "$f: empty cache"
		cvpdf -q --cache-dir "$d" "$f" -o "$CASE/$n-warm.pdf" || fail "$f: filled cache"
		cmp -s "$CASE/$n-none.pdf" "$CASE/$n-cold.pdf" || fail "$f: the PDF differs with an empty cache directory"
		cmp -s "$CASE/$n-none.pdf" "$CASE/$n-warm.pdf" || fail "$f: the PDF differs with a filled cache directory"
	done
	for kind in subset hyph emoji shape fc fcstate; do
		ls "$d" | grep -q "^$kind-" || fail "no $kind entry was kept in $d"
	done
	[ "$(ls "$d" | grep -c '^hyph-')" -ge 3 ] || fail "not one compiled pattern file per language (en, de, fr)"
	# (shaped runs are kept per document and face: at least one entry for each of the six)
	[ "$(ls "$d" | grep -c '^shape-')" -ge 6 ] || fail "shaped runs are not kept per document"
	! ls -a "$d" | grep -q '^\.tmp-' || fail "a temporary file was left in the cache directory"
}

# Damaged entries (truncated, a byte changed, emptied, a directory in the way) are misses:
# the render succeeds with the same bytes and writes them again.
t_disk_damaged() {
	local d=$CASE/cache f k=0
	cvpdf -q --no-cache content/en.md -o "$CASE/ref.pdf" || fail "--no-cache"
	cvpdf -q --cache-dir "$d" content/en.md -o "$CASE/a.pdf" || fail "filling the cache"
	for f in "$d"/*; do
		k=$((k + 1))
		case $((k % 4)) in
		0) head -c 20 "$f" >"$f.x" && mv "$f.x" "$f" ;;
		1) "$DEBPY" -c 'import sys; p=sys.argv[1]; b=bytearray(open(p,"rb").read()); b[len(b)//2]^=0xFF; open(p,"wb").write(b)' "$f" ;;
		2) : >"$f" ;;
		3) rm -f "$f" && mkdir "$f" ;;
		esac
	done
	cvpdf -q --cache-dir "$d" content/en.md -o "$CASE/b.pdf" || fail "a render with damaged entries failed"
	cmp -s "$CASE/ref.pdf" "$CASE/b.pdf" || fail "damaged entries changed the PDF"
	cvpdf -q --cache-dir "$d" content/en.md -o "$CASE/c.pdf" || fail "the render after"
	cmp -s "$CASE/ref.pdf" "$CASE/c.pdf" || fail "the entries written again changed the PDF"
}

# Four renders at once into one empty cache directory: each PDF as without a cache, no
# temporary file left; a cache directory that cannot be made changes nothing either.
t_disk_concurrent() {
	local d=$CASE/cache i
	cvpdf -q --no-cache content/zh.md -o "$CASE/ref.pdf" || fail "--no-cache"
	for i in 1 2 3 4; do
		cvpdf -q --cache-dir "$d" content/zh.md -o "$CASE/$i.pdf" &
	done
	wait
	for i in 1 2 3 4; do
		cmp -s "$CASE/ref.pdf" "$CASE/$i.pdf" || fail "render $i of four at once differs"
	done
	! ls -a "$d" | grep -q '^\.tmp-' || fail "a temporary file was left"
	: >"$CASE/not-a-dir"
	cvpdf -q --cache-dir "$CASE/not-a-dir/cache" content/zh.md -o "$CASE/x.pdf" || fail "an impossible cache directory failed the render"
	cmp -s "$CASE/ref.pdf" "$CASE/x.pdf" || fail "an impossible cache directory changed the PDF"
	CVPDF_CACHE_DIR= cvpdf -q content/zh.md -o "$CASE/y.pdf" || fail "CVPDF_CACHE_DIR empty"
	cmp -s "$CASE/ref.pdf" "$CASE/y.pdf" || fail "CVPDF_CACHE_DIR empty changed the PDF"
}

# An entry names its font file by identity: a font file changed (here only its modification
# time) gets new subsets rather than the old ones.
t_disk_identity() {
	local d=$CASE/cache fd=$CASE/fonts n1 n2
	cp -r fonts "$fd"
	cvpdf -q --fonts-dir "$fd" --cache-dir "$d" tests/cases/en-hyphenate.md -o "$CASE/a.pdf" || fail "first render"
	n1=$(ls "$d" | grep -c '^subset-')
	[ "$n1" -ge 1 ] || fail "no subset kept"
	cvpdf -q --fonts-dir "$fd" --cache-dir "$d" tests/cases/en-hyphenate.md -o "$CASE/b.pdf" || fail "second render"
	[ "$(ls "$d" | grep -c '^subset-')" = "$n1" ] || fail "the same fonts made new subsets"
	touch -d '2001-01-01' "$fd"/*
	cvpdf -q --fonts-dir "$fd" --cache-dir "$d" tests/cases/en-hyphenate.md -o "$CASE/c.pdf" || fail "third render"
	n2=$(ls "$d" | grep -c '^subset-')
	[ "$n2" = $((n1 * 2)) ] || fail "changed font files did not make new subsets ($n1 then $n2)"
	cmp -s "$CASE/a.pdf" "$CASE/c.pdf" || fail "the PDF differs"
}

# fontconfig's answers are kept under a fingerprint of what it read: a font directory that
# appears for the user (here ~/.fonts) makes a new fingerprint, and the answers are asked again.
t_disk_fontconfig() {
	local d=$CASE/cache h=$CASE/home a b
	mkdir -p "$h"
	HOME=$h XDG_CONFIG_HOME= XDG_DATA_HOME= cvpdf -q --cache-dir "$d" content/zh.md -o "$CASE/1.pdf" || fail "first render"
	ls "$d" | grep -q '^fcstate-' || fail "no fontconfig fingerprint was kept"
	ls "$d" | grep -q '^fc-' || fail "no fontconfig answer was kept"
	a=$(cat "$d"/fcstate-* | md5sum)
	HOME=$h XDG_CONFIG_HOME= XDG_DATA_HOME= cvpdf -q --cache-dir "$d" content/zh.md -o "$CASE/2.pdf" || fail "second render"
	[ "$(cat "$d"/fcstate-* | md5sum)" = "$a" ] || fail "the fingerprint changed with nothing changed"
	mkdir "$h/.fonts"
	HOME=$h XDG_CONFIG_HOME= XDG_DATA_HOME= cvpdf -q --cache-dir "$d" content/zh.md -o "$CASE/3.pdf" || fail "third render"
	b=$(cat "$d"/fcstate-* | md5sum)
	[ "$b" != "$a" ] || fail "a new font directory left the fingerprint as it was"
	cmp -s "$CASE/1.pdf" "$CASE/2.pdf" && cmp -s "$CASE/1.pdf" "$CASE/3.pdf" || fail "the PDF differs"
	HOME=$h XDG_CONFIG_HOME= XDG_DATA_HOME= cvpdf -q --no-cache content/zh.md -o "$CASE/4.pdf" || fail "--no-cache"
	cmp -s "$CASE/1.pdf" "$CASE/4.pdf" || fail "the PDF differs from one made without the cache"
}

# The directory keeps at most $CVPDF_CACHE_MAX bytes of entries (here 200 KB), the oldest going
# first, and leaves files that are not entries alone.
t_disk_bound() {
	local d=$CASE/cache f total
	mkdir -p "$d"
	echo "not an entry" >"$d/keep-me.txt"
	head -c 300000 /dev/zero >"$d/big-file"
	for f in content/en.md content/zh.md tests/cases/rtl-ar.md tests/cases/hi-conjuncts.md; do
		CVPDF_CACHE_MAX=200000 cvpdf -q --cache-dir "$d" "$f" -o "$CASE/out.pdf" || fail "$f"
		total=$(find "$d" -maxdepth 1 -type f -regex '.*/[a-z]+-[0-9a-f]+' -printf '%s\n' | awk '{s += $1} END {print s + 0}')
		[ "$total" -le 200000 ] || fail "after $f: $total bytes of entries, over the bound"
	done
	[ -f "$d/keep-me.txt" ] && [ -f "$d/big-file" ] || fail "a file that is not an entry was removed"
	cvpdf -q --no-cache tests/cases/hi-conjuncts.md -o "$CASE/ref.pdf" || fail "--no-cache"
	cmp -s "$CASE/ref.pdf" "$CASE/out.pdf" || fail "the PDF differs"
}

check "diskcache: the same bytes without, with an empty and with a filled cache directory (en, zh, de, fr, ar, hi)" t_disk_same
check "diskcache: damaged entries are misses, the same bytes" t_disk_damaged
check "diskcache: four renders at once into one directory; an impossible directory changes nothing" t_disk_concurrent
check "diskcache: a changed font file makes new entries" t_disk_identity
check "diskcache: at most CVPDF_CACHE_MAX bytes of entries, other files left alone" t_disk_bound
check "diskcache: fontconfig's answers kept under a fingerprint that a new font directory changes" t_disk_fontconfig

STRESS=$TMP/stress
python3 tests/stress.py "$STRESS"
while IFS=$'\t' read -r name want regex; do
	what="renders"
	[ "$want" = 1 ] && what="is refused (exit 1)"
	check "stress: ${name%.md} $what, no crash" t_stress "$STRESS/$name" "$want" "$regex"
	check "stress: ${name%.md} with --safe renders or is refused, no crash" t_stress "$STRESS/$name" "$want" "$regex" --safe
done <"$STRESS/expect.tsv"
# ---- tagged PDF (PDF/UA-1), PDF/A-2, and what extractors read -----------------------------

need_py() {
	local m
	[ -x "$DEBPY" ] || fail "$DEBPY is not installed"
	for m in "$@"; do
		"$DEBPY" -c "import $m" 2>/dev/null || fail "python module $m is not installed (scripts/deps.sh --test)"
	done
}

# Every file of content/, the shared corpus and the cases with tables, notes, images, lists
# and links passes the PDF/UA checker (tests/pdfua-check.py), and so do PDF/A-2 versions.
t_tagged_check() {
	need_py pikepdf
	local f n=0 bad=""
	for f in content/*.md "$SHARED"/corpus/*.md tests/cases/md-*.md tests/cases/html-table-spans.md \
		tests/cases/table-*.md tests/cases/rtl-*.md tests/cases/image-*.md; do
		[ -f "$f" ] || continue
		n=$((n + 1))
		cvpdf -q "$f" -o "$CASE/$n.pdf" 2>/dev/null || { bad="$bad $f(render)"; continue; }
		"$DEBPY" "$ROOT/tests/pdfua-check.py" "$CASE/$n.pdf" >"$CASE/$n.txt" 2>&1 || { cat "$CASE/$n.txt" >&2; bad="$bad $f"; }
	done
	for f in content/en.md content/zh.md; do
		n=$((n + 1))
		cvpdf -q --pdf-standard a-2u "$f" -o "$CASE/$n.pdf" || { bad="$bad $f(a-2u render)"; continue; }
		"$DEBPY" "$ROOT/tests/pdfua-check.py" "$CASE/$n.pdf" >"$CASE/$n.txt" 2>&1 || { cat "$CASE/$n.txt" >&2; bad="$bad $f(a-2u)"; }
		grep -q "and PDF/A-2" "$CASE/$n.txt" || bad="$bad $f(not PDF/A)"
	done
	[ -z "$bad" ] || fail "PDF/UA failures in:$bad"
	note "$n files"
}

# The checker fails what it should: an untagged file (the PDF written without the structure
# tree: its catalog's entries removed) is reported, condition by condition.
t_tagged_checker_fails() {
	need_py pikepdf
	render en content/en.md
	"$DEBPY" - "$OUT/en.pdf" "$CASE/untagged.pdf" <<-'PY' || fail "could not strip the tags"
	import sys, pikepdf
	pdf = pikepdf.open(sys.argv[1])
	for k in ("/StructTreeRoot", "/MarkInfo", "/ViewerPreferences", "/Metadata"):
	    del pdf.Root[k]
	pdf.save(sys.argv[2])
	PY
	if "$DEBPY" "$ROOT/tests/pdfua-check.py" "$CASE/untagged.pdf" >"$CASE/out.txt" 2>&1; then
		fail "the checker passes an untagged file"
	fi
	local c
	for c in 01-002 01-006 06-001 07-001 01-011 28-011; do
		grep -q " $c " "$CASE/out.txt" || { cat "$CASE/out.txt" >&2; fail "the checker does not report $c"; }
	done
}

# pdfinfo says Tagged, and the structure tree reads the résumé in order: its words come back
# in the source's order (longest common subsequence), with no page number among them.
t_tagged_struct_order() {
	need pdfinfo pandoc
	local f
	for f in content/en.md content/zh.md; do
		render "s-$(basename "$f" .md)" "$f"
		pdfinfo "$OUT/s-$(basename "$f" .md).pdf" | grep -q '^Tagged: *yes' || fail "$f: pdfinfo does not say Tagged: yes"
		pdfinfo -struct-text "$OUT/s-$(basename "$f" .md).pdf" >"$CASE/struct.txt" 2>&1 || fail "pdfinfo -struct-text failed"
		sed '1,/^---$/{/^---$/!d}' "$f" | sed '1{/^---$/d}' | pandoc -f gfm -t plain --wrap=none >"$CASE/src.txt" 2>/dev/null ||
			fail "pandoc failed"
		python3 - "$CASE/src.txt" "$CASE/struct.txt" "$f" <<-'PY' || fail "$(cat "$CASE/why")"
		import re, sys
		tok = re.compile(r"[0-9A-Za-z\u00C0-\u024F]+|[\u3400-\u9FFF]")
		src = [t.lower() for t in tok.findall(open(sys.argv[1], encoding="utf-8").read())]
		text = "".join(re.findall(r'^\s*"(.*)"$', open(sys.argv[2], encoding="utf-8").read(), re.M))
		got = [t.lower() for t in tok.findall(text)]
		# LCS by rows (both a few thousand tokens)
		prev = [0] * (len(got) + 1)
		for a in src:
		    cur = [0]
		    for j, b in enumerate(got):
		        cur.append(prev[j] + 1 if a == b else max(prev[j + 1], cur[j]))
		    prev = cur
		r = prev[-1] / max(1, len(src))
		why = []
		if r < 0.98:
		    why.append("%s: the structure reads %.3f of the words in order" % (sys.argv[3], r))
		if re.search(r'"\s*\d+\s*/\s*\d+\s*"', open(sys.argv[2], encoding="utf-8").read()):
		    why.append("%s: a page number is in the structure" % sys.argv[3])
		open(sys.argv[1].replace("src.txt", "why"), "w").write("; ".join(why))
		print("%s %.4f" % (sys.argv[3], r))
		sys.exit(1 if why else 0)
		PY
	done
}

# Page numbers are pagination artifacts (drawn, found by pdftotext, not in the structure),
# rules and fills are artifacts, and a bullet is decoration while a number is a label.
t_tagged_artifacts() {
	need qpdf pdftotext
	render en content/en.md
	qpdf --qdf --object-streams=disable "$OUT/en.pdf" "$CASE/en.qdf" || fail "qpdf failed"
	grep -aq '^/Artifact<</Type/Pagination/Subtype/Footer>>BDC' "$CASE/en.qdf" || fail "no footer artifact"
	pdf_text "$OUT/en.pdf" "$CASE/en.txt"
	grep -Eq '^1 ?/ ?2$' "$CASE/en.txt" || fail "the page number is not drawn"
	grep -aq '^/Lbl<</MCID' "$CASE/en.qdf" || fail "no numbered item's label is tagged Lbl"
	grep -aq '/S /Lbl' "$CASE/en.qdf" || fail "no Lbl element"
}

# Real spaces: pypdf, which takes only space characters for spaces, reads no two words of
# the source run together, at changes of style, after list markers and between table cells.
t_spaces_pypdf() {
	need_py pypdf
	local f
	for f in content/en.md content/zh.md "$SHARED/corpus/en-m0rtyn-example-cv.md" "$SHARED/corpus/en-mikepqr-resume-md.md"; do
		cvpdf -q "$f" -o "$CASE/x.pdf" || fail "$f does not render"
		"$DEBPY" - "$CASE/x.pdf" "$f" <<-'PY' >"$CASE/glued.txt" || { cat "$CASE/glued.txt" >&2; fail "$f: pypdf reads words run together"; }
		import re, sys, pypdf
		text = "\n".join(p.extract_text() for p in pypdf.PdfReader(sys.argv[1]).pages)
		# (formulas left out: P_{comp} is "Pcomp" to a reader of glyphs)
		src = re.sub(r"\$[^$\n]*\$", " ", open(sys.argv[2], encoding="utf-8").read())
		word = re.compile(r"[0-9A-Za-z]+")
		vocab = set(w.lower() for w in word.findall(src))
		pairs = set()
		ws = [w.lower() for w in word.findall(src)]
		for a, b in zip(ws, ws[1:]):
		    pairs.add(a + b)
		glued = sorted(w for w in set(x.lower() for x in word.findall(text)) if w in pairs and w not in vocab)
		print(" ".join(glued[:20]))
		sys.exit(1 if glued else 0)
		PY
	done
}

# A code block keeps its indentation and its runs of spaces, on the page (the golden trace's
# line widths) and in the text pypdf reads: each space is a space glyph.
t_code_spaces() {
	need_py pypdf
	render code tests/cases/code-indent.md
	"$DEBPY" - "$OUT/code.pdf" <<-'PY' >"$CASE/got.txt" || { cat "$CASE/got.txt" >&2; fail "pypdf does not read the code as written"; }
	import sys, pypdf
	text = pypdf.PdfReader(sys.argv[1]).pages[0].extract_text()
	want = ["def fit(lines, width):", "    for line in lines:", "        if len(line) > width:   # too wide",
	        "            yield line[:width]"]
	lines = text.split("\n")
	print(text)
	sys.exit(0 if all(w in lines for w in want) else 1)
	PY
}

# --pdf-standard: a-2b and a-2u say so in the XMP with an sRGB output intent; ua-1 is the
# default file; anything else is a usage error.
t_pdf_standard() {
	need_py pikepdf
	render en content/en.md
	local s
	for s in a-2b a-2u; do
		cvpdf -q --pdf-standard "$s" content/en.md -o "$CASE/$s.pdf" || fail "--pdf-standard $s failed"
		"$DEBPY" - "$CASE/$s.pdf" "$s" <<-'PY' || fail "--pdf-standard $s: not PDF/A-2"
		import sys, pikepdf
		pdf = pikepdf.open(sys.argv[1])
		x = pdf.Root.Metadata.read_bytes().decode()
		want = "<pdfaid:conformance>%s</pdfaid:conformance>" % sys.argv[2][-1].upper()
		ok = "<pdfaid:part>2</pdfaid:part>" in x and want in x and "<pdfuaid:part>1</pdfuaid:part>" in x
		ok = ok and pdf.Root.OutputIntents[0].S == "/GTS_PDFA1" and "/ID" in pdf.trailer
		sys.exit(0 if ok else 1)
		PY
	done
	cvpdf -q --pdf-standard ua-1 content/en.md -o "$CASE/ua.pdf" || fail "--pdf-standard ua-1 failed"
	cmp -s "$CASE/ua.pdf" "$OUT/en.pdf" || fail "--pdf-standard ua-1 is not the default file"
	local rc=0
	cvpdf --pdf-standard a-3u content/en.md -o "$CASE/x.pdf" 2>"$CASE/err" || rc=$?
	[ "$rc" -eq 2 ] || fail "--pdf-standard a-3u exits $rc, not 2"
	grep -q "pdf-standard" "$CASE/err" || fail "no message for a bad --pdf-standard"
}

check "tagged: every content, corpus and structure case passes the PDF/UA checker (and PDF/A-2)" t_tagged_check
check "tagged: the checker reports an untagged file, condition by condition" t_tagged_checker_fails
check "tagged: pdfinfo -struct-text reads en and zh in the source's order, no page numbers" t_tagged_struct_order
check "tagged: footers, rules and bullets are artifacts; numbers are labels" t_tagged_artifacts
check "extract: pypdf reads no words run together (real spaces)" t_spaces_pypdf
check "extract: a code block's indentation and runs of spaces, drawn and read back" t_code_spaces
check "cli: --pdf-standard a-2b, a-2u (PDF/A-2), ua-1 (the default), a bad value exits 2" t_pdf_standard
check "hardening: bad bytes and right-to-left text reported" t_bad_bytes
check "hardening: a killed run leaves the previous PDF and no temp file" t_killed
check "hardening: --safe reads no file outside the directory, limits size" t_safe
check "hardening: documents render on several threads at once, identically" t_threads
check "cache: every file renders the same bytes through a shared cvpdf_cache" t_cache
check "cli: --timings reports every stage" t_timings
check "bench: make bench's program runs (1 run each)" t_bench

# The fonts and styles: a program in a cvpdf source tree (its executable in a directory with
# cvpdf.pc.in, or one or two levels below one) uses the tree's fonts/ and styles/, whatever the
# build baked in; elsewhere the baked DATADIR; --fonts-dir, CVPDF_FONTS, CVPDF_STYLES come first.
t_data_dirs() {
	local t=$CASE/tree
	[ -x "$CVPDF" ] || fail "no executable $CVPDF (run make first)"
	mkdir -p "$t/build/x" "$t/a/b/c" "$t/styles" "$CASE/empty"
	: >"$t/cvpdf.pc.in"
	ln -s "$ROOT/fonts" "$t/fonts"
	sed 's/^font-size: .*/font-size: 14pt/' styles/modern.yaml >"$t/styles/modern.yaml"
	cp "$CVPDF" "$t/build/x/cvpdf"
	cp "$CVPDF" "$t/a/b/c/cvpdf"
	printf '# Name\n\nText.\n' >"$CASE/s.md"
	run timeout "$TIMEOUT" "$t/build/x/cvpdf" --show-style "$CASE/s.md"
	expect_rc 0
	expect_grep "$CASE/stdout" "^font-size: 14pt" "the style of a binary two levels inside a tree (its styles/modern.yaml)"
	run timeout "$TIMEOUT" "$t/build/x/cvpdf" "$CASE/s.md" -o "$CASE/s.pdf"
	expect_rc 0
	expect_pdf "$CASE/s.pdf"
	run env CVPDF_STYLES="$ROOT/styles" timeout "$TIMEOUT" "$t/build/x/cvpdf" --show-style "$CASE/s.md"
	expect_grep "$CASE/stdout" "^font-size: 10pt" "CVPDF_STYLES before the tree's styles"
	run timeout "$TIMEOUT" "$t/build/x/cvpdf" --fonts-dir "$CASE/empty" "$CASE/s.md" -o "$CASE/x.pdf"
	expect_rc 1
	expect_grep "$CASE/stderr" "$CASE/empty/Inter-Regular.otf" "--fonts-dir before the tree's fonts"
	run env CVPDF_FONTS="$CASE/empty" timeout "$TIMEOUT" "$t/build/x/cvpdf" "$CASE/s.md" -o "$CASE/x.pdf"
	expect_rc 1
	expect_grep "$CASE/stderr" "$CASE/empty/Inter-Regular.otf" "CVPDF_FONTS before the tree's fonts"
	# three levels down is outside the tree: the baked directory (or the defaults without it)
	run timeout "$TIMEOUT" "$t/a/b/c/cvpdf" --show-style "$CASE/s.md"
	grep -q "^font-size: 14pt" "$CASE/stdout" && fail "a binary three levels below the tree still used its styles"
	return 0
}
check "paths: a binary in a source tree uses its fonts/ and styles/; the options and variables first" t_data_dirs

# ---------------------------------------------------------------------------------------------
# Installing: `make install` into a scratch DESTDIR; the library used through pkg-config.

INSTALL_ROOT=$TMP/install/root
INSTALL_USR=$INSTALL_ROOT/usr
VERSION=$(sed -n 's/^#define CVPDF_VERSION_STRING "\(.*\)"$/\1/p' src/cvpdf.h)
# pkg-config finds the tree's cvpdf.pc and prefixes its -I and -L with the tree
INSTALL_PC="PKG_CONFIG_SYSROOT_DIR=$INSTALL_ROOT PKG_CONFIG_PATH=$INSTALL_USR/lib/pkgconfig"

# installed: builds once for all the checks below, as a packager does, `make PREFIX=/usr` (a
# release build of its own objects under $TMP, O=$INSTALL_O, so it disturbs no other build:
# ./cvpdf, build/*, a concurrent make asan), then `make install DESTDIR=$INSTALL_ROOT` with no
# PREFIX (the build's is used), and fails unless both succeeded.
INSTALL_O=$TMP/install/obj
installed() {
	local rc=0
	if [ ! -f "$TMP/install/rc" ]; then
		mkdir -p "$TMP/install"
		{ env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL timeout 900 make -C "$ROOT" -j"$(nproc 2>/dev/null || echo 2)" all \
			BUILD=release O="$INSTALL_O" PREFIX=/usr >"$TMP/install/log" 2>&1 </dev/null &&
			env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL timeout 900 make -C "$ROOT" install \
				BUILD=release O="$INSTALL_O" DESTDIR="$INSTALL_ROOT" >"$TMP/install/install.log" 2>&1 </dev/null; } || rc=$?
		cat "$TMP/install/install.log" >>"$TMP/install/log" 2>/dev/null
		echo "$rc" >"$TMP/install/rc"
	fi
	rc=$(cat "$TMP/install/rc")
	[ "$rc" -eq 0 ] && return 0
	grep -v '^[[:space:]]*$' "$TMP/install/log" | tail -n 20 | sed 's/^/make: /' >&2
	fail "make PREFIX=/usr && make install DESTDIR=$INSTALL_ROOT: $(describe_rc "$rc")"
}

# make install compiles and links nothing: it installs the very files make built, and refuses
# (compiling nothing either) when asked for other baked-in paths than the build's.
t_install_builds_nothing() {
	need make
	installed
	local u=$INSTALL_USR
	grep -E '(^| )(cc|gcc|clang|ar) ' "$TMP/install/install.log" >"$CASE/compiles"
	[ -s "$CASE/compiles" ] && fail "make install compiled or linked: $(head -n 3 "$CASE/compiles")"
	expect_same "$u/bin/cvpdf" "$INSTALL_O/cvpdf" "bin/cvpdf is not the binary make built"
	expect_same "$u/lib/libcvpdf.so.$VERSION" "$INSTALL_O/libcvpdf.so.$VERSION" "libcvpdf.so is not the library make built"
	expect_same "$u/lib/libcvpdf.a" "$INSTALL_O/libcvpdf.a" "libcvpdf.a is not the archive make built"
	run env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -C "$ROOT" install BUILD=release O="$INSTALL_O" \
		PREFIX=/opt DESTDIR="$CASE/opt"
	[ "$RC" -ne 0 ] || fail "make install PREFIX=/opt installed a build made for /usr"
	expect_grep "$CASE/stderr" "was built for PREFIX=/usr" "make install's message"
	grep -E '(^| )(cc|gcc|clang) ' "$CASE/stdout" && fail "make install PREFIX=/opt compiled"
	[ -e "$CASE/opt" ] && fail "make install PREFIX=/opt created $CASE/opt"
	return 0
}

# expect_file PATH MODE [SAME-AS]: a regular file (not a symlink) with MODE, equal to SAME-AS.
expect_file() {
	[ -f "$1" ] && [ ! -L "$1" ] || fail "not installed: ${1#$INSTALL_ROOT}"
	[ "$(stat -c %a "$1")" = "$2" ] || fail "${1#$INSTALL_ROOT} has mode $(stat -c %a "$1"), expected $2"
	[ -z "${3:-}" ] || expect_same "$1" "$3" "${1#$INSTALL_ROOT} differs from $3"
}

# expect_link PATH TARGET: PATH is a symlink to TARGET.
expect_link() {
	[ -L "$1" ] || fail "${1#$INSTALL_ROOT} is not a symlink"
	[ "$(readlink "$1")" = "$2" ] || fail "${1#$INSTALL_ROOT} points to $(readlink "$1"), expected $2"
}

t_install_files() {
	need make readelf
	installed
	local u=$INSTALL_USR f n=0
	[ -n "$VERSION" ] || fail "no VERSION in the Makefile"
	expect_file "$u/bin/cvpdf" 755
	expect_file "$u/lib/libcvpdf.a" 644
	expect_file "$u/lib/libcvpdf.so.$VERSION" 644
	expect_link "$u/lib/libcvpdf.so.${VERSION%%.*}" "libcvpdf.so.$VERSION"
	expect_link "$u/lib/libcvpdf.so" "libcvpdf.so.${VERSION%%.*}"
	readelf -d "$u/lib/libcvpdf.so.$VERSION" >"$CASE/dynamic" 2>&1
	expect_grep "$CASE/dynamic" "SONAME.*\[libcvpdf\.so\.${VERSION%%.*}\]" "the library's soname"
	expect_file "$u/include/cvpdf.h" 644 src/cvpdf.h
	expect_file "$u/lib/pkgconfig/cvpdf.pc" 644
	expect_file "$u/share/man/man1/cvpdf.1" 644 man/cvpdf.1
	expect_file "$u/share/man/man5/cvpdf.5" 644 man/cvpdf.5
	for f in styles/*.yaml; do
		expect_file "$u/share/cvpdf/styles/${f##*/}" 644 "$f"
	done
	for f in fonts/*; do
		expect_file "$u/share/cvpdf/fonts/${f##*/}" 644 "$f"
		case $f in fonts/LICENSE*) n=$((n + 1)) ;; esac
	done
	[ "$n" -gt 0 ] || fail "no fonts/LICENSE* file to install"
	# the installed binary is linked statically with the library and looks for its fonts and
	# styles where they were installed, not in this checkout
	readelf -d "$u/bin/cvpdf" >"$CASE/bin-dynamic" 2>&1
	grep -q libcvpdf "$CASE/bin-dynamic" && fail "bin/cvpdf needs libcvpdf.so (it should link libcvpdf.a)"
	grep -aq /usr/share/cvpdf/fonts "$u/bin/cvpdf" || fail "bin/cvpdf does not look for fonts in /usr/share/cvpdf/fonts"
	grep -aq /usr/share/cvpdf/styles "$u/bin/cvpdf" || fail "bin/cvpdf does not look for styles in /usr/share/cvpdf/styles"
	grep -aqF "$ROOT/fonts" "$u/bin/cvpdf" && fail "bin/cvpdf still names the checkout's $ROOT/fonts"
	run env CVPDF_FONTS="$u/share/cvpdf/fonts" CVPDF_STYLES="$u/share/cvpdf/styles" timeout "$TIMEOUT" \
		"$u/bin/cvpdf" --style classic content/en.md -o "$CASE/en.pdf"
	expect_rc 0
	grep -q "style 'classic' not found" "$CASE/stderr" && { show_stderr; fail "bin/cvpdf did not find the installed styles"; }
	expect_pdf "$CASE/en.pdf"
	return 0
}

t_install_pc() {
	need pkg-config
	installed
	local got
	got=$(env $INSTALL_PC pkg-config --modversion cvpdf 2>&1)
	[ "$got" = "$VERSION" ] || fail "pkg-config --modversion cvpdf: '$got', expected '$VERSION'"
	got=$(env $INSTALL_PC pkg-config --libs cvpdf 2>&1)
	[ "$(echo $got)" = "-L$INSTALL_USR/lib -lcvpdf" ] || fail "pkg-config --libs cvpdf: '$got'"
	env $INSTALL_PC pkg-config --cflags cvpdf >"$CASE/cflags" 2>&1
	expect_grep "$CASE/cflags" "^-I$INSTALL_USR/include( |$)" "pkg-config --cflags cvpdf"
	env $INSTALL_PC pkg-config --static --libs cvpdf >"$CASE/static" 2>&1
	expect_grep "$CASE/static" "-lcvpdf .*-lhyphen .*-lhpdf .*-lpthread" "pkg-config --static --libs cvpdf"
	# --static lists everything libcvpdf.a needs: the example links it (found first in
	# $CASE/a, which holds only the archive) and runs without the shared library
	need cc readelf
	mkdir "$CASE/a"
	ln -s "$INSTALL_USR/lib/libcvpdf.a" "$CASE/a/"
	# shellcheck disable=SC2046
	cc -std=c11 $(env $INSTALL_PC pkg-config --cflags cvpdf) examples/render.c -L"$CASE/a" \
		$(env $INSTALL_PC pkg-config --static --libs cvpdf) -o "$CASE/render" 2>"$CASE/cc.err" ||
		{ head -n 20 "$CASE/cc.err" >&2; fail "examples/render.c does not link libcvpdf.a with pkg-config --static --libs"; }
	readelf -d "$CASE/render" >"$CASE/dynamic" 2>&1
	grep -q libcvpdf "$CASE/dynamic" && fail "the static example still needs libcvpdf.so"
	printf '# Name\n\nText.\n' >"$CASE/s.md"
	run env CVPDF_FONTS="$INSTALL_USR/share/cvpdf/fonts" timeout "$TIMEOUT" "$CASE/render" "$CASE/s.md" "$CASE/s.pdf"
	expect_rc 0
	expect_pdf "$CASE/s.pdf"
	# Requires.private names exactly the Makefile's PKGS
	env $INSTALL_PC pkg-config --print-requires-private cvpdf | awk '{ print $1 }' | sort >"$CASE/requires"
	sed -nE 's/^PKGS *= *//p' Makefile | tr ' ' '\n' | grep . | sort >"$CASE/pkgs"
	[ -s "$CASE/pkgs" ] || fail "no PKGS in the Makefile"
	expect_same "$CASE/requires" "$CASE/pkgs" "Requires.private [$(echo $(cat "$CASE/requires"))] is not the Makefile's PKGS [$(echo $(cat "$CASE/pkgs"))]"
}

# examples/render.c, built against the tree with pkg-config and linked with its libcvpdf.so,
# renders en.md with the installed fonts and styles (the compiled-in /usr/share/cvpdf is not
# there) as the command does.
t_install_example() {
	need pkg-config cc ldd pdfinfo pdftotext
	installed
	local u=$INSTALL_USR got want name
	# shellcheck disable=SC2046
	cc -std=c11 -Wall -Wextra -Werror $(env $INSTALL_PC pkg-config --cflags cvpdf) examples/render.c \
		$(env $INSTALL_PC pkg-config --libs cvpdf) -o "$CASE/render" 2>"$CASE/cc.err" ||
		{ head -n 20 "$CASE/cc.err" >&2; fail "examples/render.c does not build against the installed tree"; }
	readelf -d "$CASE/render" >"$CASE/dynamic" 2>&1
	expect_grep "$CASE/dynamic" "NEEDED.*\[libcvpdf\.so\.${VERSION%%.*}\]" "the example's needed libraries"
	LD_LIBRARY_PATH=$u/lib ldd "$CASE/render" >"$CASE/ldd" 2>&1
	expect_grep "$CASE/ldd" "libcvpdf\.so\.${VERSION%%.*} => $u/lib/libcvpdf\.so\.${VERSION%%.*} " "ldd of the example"
	printf '# Name\n\nA ** spaced ** phrase.\n' >"$CASE/w.md"
	local envs=(env LD_LIBRARY_PATH="$u/lib" CVPDF_FONTS="$u/share/cvpdf/fonts" CVPDF_STYLES="$u/share/cvpdf/styles" timeout "$TIMEOUT")
	run "${envs[@]}" "$CASE/render" "$CASE/w.md" "$CASE/w.pdf"
	expect_rc 0
	expect_grep "$CASE/stderr" "w\.md:3:3: warning: '\*\*' prints literally" "the diagnostic with file:line:col"
	run "${envs[@]}" "$CASE/render" content/en.md "$CASE/en.pdf"
	expect_rc 0
	expect_grep "$CASE/stdout" "libcvpdf $VERSION" "the example's output (cvpdf_version)"
	grep -q "built-in styles are not in" "$CASE/stderr" && { show_stderr; fail "the library did not find the installed styles"; }
	expect_pdf "$CASE/en.pdf"
	name=$(sed -n 's/^# //p' content/en.md | head -n 1)
	pdf_text "$CASE/en.pdf" "$CASE/en.txt"
	expect_grep "$CASE/en.txt" "$name" "the text of the example's en.pdf"
	# as many pages as the command makes
	render en content/en.md
	got=$(info_field "$CASE/en.pdf" Pages)
	want=$(info_field "$OUT/en.pdf" Pages)
	[ -n "$got" ] && [ "$got" = "$want" ] || fail "the example's en.pdf has '$got' pages, cvpdf's '$want'"
	run "${envs[@]}" "$CASE/render" "$CASE/no-such.md" "$CASE/x.pdf"
	expect_rc 1
	note "$got pages"
}

# The shared library exports the functions cvpdf.h declares, and nothing else.
t_install_exports() {
	need nm
	installed
	nm -D --defined-only "$INSTALL_USR/lib/libcvpdf.so.$VERSION" >"$CASE/nm" 2>&1 || { cat "$CASE/nm" >&2; fail "nm -D failed"; }
	awk 'NF >= 3 { print $NF }' "$CASE/nm" | sort -u >"$CASE/exported"
	grep -qx cvpdf_render "$CASE/exported" || fail "cvpdf_render is not exported"
	grep -v '^cvpdf_' "$CASE/exported" >"$CASE/others"
	[ -s "$CASE/others" ] && fail "exports symbols other than cvpdf_*: $(head -n 10 "$CASE/others" | tr '\n' ' ')"
	grep -oE '^CVPDF_API[^(]*\(' src/cvpdf.h | grep -oE '[[:alnum:]_]+\($' | tr -d '(' | sort -u >"$CASE/declared"
	comm -3 "$CASE/declared" "$CASE/exported" >"$CASE/diff"
	[ -s "$CASE/diff" ] && fail "declared CVPDF_API but not exported, or the reverse: $(echo $(cat "$CASE/diff"))"
	note "$(wc -l <"$CASE/exported") symbols"
}

t_uninstall() {
	need make
	installed
	cp -a "$INSTALL_ROOT" "$CASE/root"
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$ROOT" uninstall DESTDIR="$CASE/root" PREFIX=/usr >"$CASE/make.log" 2>&1 ||
		{ tail -n 10 "$CASE/make.log" >&2; fail "make uninstall failed"; }
	find "$CASE/root" ! -type d >"$CASE/left"
	[ -s "$CASE/left" ] && fail "make uninstall left: $(sed "s|^$CASE/root||" "$CASE/left" | head -n 10 | tr '\n' ' ')"
	[ -e "$CASE/root/usr/share/cvpdf" ] && fail "make uninstall left the share/cvpdf directory"
	return 0
}

check "install: make PREFIX=/usr; make install DESTDIR installs every file, the .so chain, the paths" t_install_files
check "install: make install compiles nothing, installs what make built, refuses other paths" t_install_builds_nothing
check "install: cvpdf.pc gives the tree's -I/-L, the version, PKGS; --static links libcvpdf.a" t_install_pc
check "install: examples/render.c builds with pkg-config, links libcvpdf.so.0, renders en.md" t_install_example
check "install: libcvpdf.so exports exactly the CVPDF_API functions, all cvpdf_*" t_install_exports
check "install: make uninstall removes every installed file" t_uninstall

if [ -s "$TMP/fidelity" ]; then
	sort -n "$TMP/fidelity" | awk -F '\t' '{ s += $1; n++; printf "# fidelity %s  %s\n", $1, $2 }
		END { printf "# fidelity: %d files, mean %.4f\n", n, s / n }'
fi
[ "$SKIPPED" -eq 0 ] || echo "# $SKIPPED skipped (counted neither as passed nor as failed)"
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
