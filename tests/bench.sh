#!/usr/bin/env bash
# make bench: whole-process render figures for the two résumés and generated 10- and 100-page
# documents: median wall time and user time over RUNS runs, peak memory, output size.
set -u
cd "$(dirname "$0")/.."
CVPDF=${CVPDF:-./cvpdf}
RUNS=${RUNS:-7}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
para="Led the design of a distributed training system that scaled sparse models to trillions of parameters while cutting the cost per step by an order of magnitude across several data centres. "
gen() { # gen PAGES FILE: about PAGES pages of headings and paragraphs
	{
		printf '# Benchmark Document\n\n'
		for i in $(seq $(($1 * 5))); do
			printf '## Section %d\n\n%s%s%s\n\n- %s\n- %s\n\n' "$i" "$para" "$para" "$para" "$para" "$para"
		done
	} >"$2"
}
gen 10 "$TMP/p10.md"
gen 100 "$TMP/p100.md"
median() { sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
printf '%-14s %6s %10s %10s %10s %9s\n' document pages "wall (ms)" "user (ms)" "peak (MB)" "size (KB)"
for doc in content/en.md content/zh.md "$TMP/p10.md" "$TMP/p100.md"; do
	: >"$TMP/wall"
	: >"$TMP/user"
	: >"$TMP/rss"
	for r in $(seq "$RUNS"); do
		/usr/bin/time -f "%e %U %M" -o "$TMP/t" "$CVPDF" -q "$doc" -o "$TMP/out.pdf" 2>/dev/null
		read -r e u m <"$TMP/t"
		awk -v e="$e" 'BEGIN{printf "%d\n", e * 1000}' >>"$TMP/wall"
		awk -v u="$u" 'BEGIN{printf "%d\n", u * 1000}' >>"$TMP/user"
		echo "$m" >>"$TMP/rss"
	done
	pages=$(pdfinfo "$TMP/out.pdf" 2>/dev/null | awk '/^Pages:/{print $2}')
	size=$(($(stat -c %s "$TMP/out.pdf") / 1024))
	name=$(basename "$doc")
	case $name in p10.md) name="10 pages" ;; p100.md) name="100 pages" ;; esac
	printf '%-14s %6s %10s %10s %10s %9s\n' "$name" "$pages" "$(median <"$TMP/wall")" "$(median <"$TMP/user")" \
		"$(($(median <"$TMP/rss") / 1024))" "$size"
done
echo "# median of $RUNS whole-process runs on $(nproc) cores; time(1) resolves to 10 ms"
