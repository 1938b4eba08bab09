#!/usr/bin/env bash
# tests/deb.sh (make deb-check): the Debian packages build, install and run.
#
#   1. builds them with `dpkg-buildpackage -us -uc` from a copy of this tree (tracked and
#      untracked files, not what .gitignore names) in a scratch directory, so nothing is left
#      in the repository; checks that dpkg-buildflags reached every compile and link line, that
#      `make install` compiled nothing, and lintian (errors and warnings fail);
#   2. installs them with apt into a fresh Debian 12 root (a copy of a minbase bookworm made by
#      debootstrap once and kept in $CACHE, with the .debs apt downloads), so their
#      dependencies come from the Debian mirror;
#   3. there, runs `cvpdf --version`, renders content/en.md and content/zh.md (checked with
#      pdfinfo on the host), compiles examples/render.c with pkg-config against libcvpdf-dev,
#      shared and static, runs it, and purges the packages.
#
# Exits 0 when all holds, else 1 with a line saying what failed. Needs root (debootstrap,
# chroot, mount), or password-less sudo, and scripts/deps.sh --test.
#
# Environment: CVPDF_DEB_CACHE (default ${XDG_CACHE_HOME:-$HOME/.cache}/cvpdf), DEBIAN_MIRROR
# (default http://deb.debian.org/debian), DEBIAN_SECURITY (http://deb.debian.org/debian-security),
# KEEP=1 keeps the scratch directory, REFRESH=1 bootstraps the cached root again.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
# the package build takes its flags from dpkg-buildflags only, not from a make around this one
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES CFLAGS CPPFLAGS CXXFLAGS LDFLAGS LDLIBS
SUITE=bookworm
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
SECURITY=${DEBIAN_SECURITY:-http://deb.debian.org/debian-security}

die() {
	printf 'deb-check: FAIL: %s\n' "$*" >&2
	exit 1
}
step() { printf 'deb-check: %s\n' "$*"; }
# the tail of a log, as context for a failure
show() { [ -f "$1" ] && tail -n "${2:-25}" "$1" | sed 's/^/deb-check: | /' >&2 || true; }

if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
		exec sudo -n --preserve-env=CVPDF_DEB_CACHE,DEBIAN_MIRROR,DEBIAN_SECURITY,KEEP,REFRESH,XDG_CACHE_HOME \
			bash "$0" "$@"
	fi
	die "needs root (debootstrap, chroot and mount) or password-less sudo"
fi
for t in dpkg-buildpackage dh debootstrap chroot pdfinfo flock; do
	command -v "$t" >/dev/null || die "$t is not installed (scripts/deps.sh --test)"
done
CACHE=${CVPDF_DEB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/cvpdf}
ARCH=$(dpkg --print-architecture)
VERSION=$(dpkg-parsechangelog -l "$ROOT/debian/changelog" -SVersion)
T0=$(date +%s)
elapsed() { echo "$(($(date +%s) - T0)) s"; }

TMP=$(mktemp -d "${TMPDIR:-/tmp}/cvpdf-deb.XXXXXX")
R=$TMP/root
cleanup() {
	local m
	for m in "$R/var/cache/apt/archives" "$R/proc"; do
		mountpoint -q "$m" 2>/dev/null && umount -l "$m"
	done
	if [ -n "${KEEP:-}" ]; then
		echo "deb-check: scratch directory kept: $TMP" >&2
	else
		rm -rf "$TMP"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------------------------------------
# 1. Build the packages from a copy of the tree
SRC=$TMP/build/cvpdf-$VERSION
mkdir -p "$SRC"
if git -C "$ROOT" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	git -C "$ROOT" ls-files -z --cached --others --exclude-standard |
		(cd "$ROOT" && tar --null -T - -cf -) | tar -xf - -C "$SRC"
else
	tar -C "$ROOT" --exclude=./build --exclude=./cvpdf --exclude=./out --exclude=./.git -cf - . | tar -xf - -C "$SRC"
fi
# files deleted in the work tree but still in the index are not copied
step "building the packages in $TMP/build ($(elapsed))"
(cd "$SRC" && dpkg-buildpackage -us -uc -b) >"$TMP/build.log" 2>&1 || {
	show "$TMP/build.log" 40
	die "dpkg-buildpackage -us -uc -b failed (log above)"
}
DEBS=""
for p in cvpdf:$ARCH cvpdf-data:all libcvpdf0:$ARCH libcvpdf-dev:$ARCH; do
	f=$TMP/build/${p%%:*}_${VERSION}_${p##*:}.deb
	[ -f "$f" ] || die "dpkg-buildpackage made no ${f##*/} (made: $(cd "$TMP/build" && echo *.deb))"
	DEBS="$DEBS $f"
done
# dpkg-buildflags (debian/rules asks for hardening=+all) on every compile and link line
grep -E '^(cc|gcc|[a-z0-9_]+-linux-gnu-gcc(-[0-9]+)?) ' "$TMP/build.log" >"$TMP/cc-lines" || true
[ -s "$TMP/cc-lines" ] || die "no compiler command in the build log"
grep -v -- ' -c ' "$TMP/cc-lines" | grep -- ' -o ' >"$TMP/link-lines" || true
[ "$(wc -l <"$TMP/link-lines")" -ge 2 ] || die "fewer than two link lines in the build log"
bad=$(grep -c -v -e '-fstack-protector-strong' "$TMP/cc-lines" || true)
[ "$bad" -eq 0 ] || die "$bad compile or link lines without dpkg-buildflags's CFLAGS: $(grep -v -e '-fstack-protector-strong' "$TMP/cc-lines" | head -n 1 | cut -c1-160)"
bad=$(grep -- ' -c ' "$TMP/cc-lines" | grep -c -v -e '-D_FORTIFY_SOURCE=' || true)
[ "$bad" -eq 0 ] || die "$bad compile lines without dpkg-buildflags's CPPFLAGS"
bad=$(grep -c -v -e '-Wl,-z,relro -Wl,-z,now' "$TMP/link-lines" || true)
[ "$bad" -eq 0 ] || die "$bad link lines without dpkg-buildflags's LDFLAGS: $(grep -v -e '-Wl,-z,now' "$TMP/link-lines" | head -n 1 | cut -c1-160)"
# `make install` (dh_auto_install) installs what `make` built, compiling nothing
awk '/^   (debian\/rules )?(override_)?dh_auto_install/ { on = 1; next } on && /^   (debian\/rules )?(override_)?dh_[a-z_]+$/ && !/dh_auto_install/ { on = 0 } on' \
	"$TMP/build.log" >"$TMP/install.log"
grep -q 'make.* install' "$TMP/install.log" || die "no make install in the build log"
if grep -E '^(cc|gcc|ar|[a-z0-9_]+-linux-gnu-(gcc|ar)) ' "$TMP/install.log" >"$TMP/install-cc"; then
	die "make install compiled or linked: $(head -n 1 "$TMP/install-cc" | cut -c1-160)"
fi
step "built $(cd "$TMP/build" && echo *.deb) ($(elapsed)); $(wc -l <"$TMP/cc-lines") compile and link lines carry dpkg-buildflags"
if command -v lintian >/dev/null; then
	lintian --fail-on error,warning --tag-display-limit 0 "$TMP/build/cvpdf_${VERSION}_${ARCH}.changes" \
		>"$TMP/lintian.log" 2>&1 || {
		grep -v 'running with root privileges' "$TMP/lintian.log" | sed 's/^/deb-check: | /' >&2
		die "lintian reports errors or warnings (above)"
	}
	step "lintian: no error, no warning ($(elapsed))"
else
	step "lintian is not installed: not run (scripts/deps.sh --test installs it)"
fi

# ---------------------------------------------------------------------------------------------
# 2. A fresh Debian 12 root: a copy of the cached minbase one
BASE=$CACHE/$SUITE-$ARCH-minbase
mkdir -p "$CACHE/apt-archives/partial"
exec 9>"$CACHE/lock"
flock 9
if [ -n "${REFRESH:-}" ] || [ ! -f "$BASE/.complete" ]; then
	step "bootstrapping a minbase $SUITE root into $BASE (once; later runs copy it)"
	rm -rf "$BASE" "$BASE.tmp"
	debootstrap --variant=minbase --arch="$ARCH" "$SUITE" "$BASE.tmp" "$MIRROR" >"$TMP/debootstrap.log" 2>&1 || {
		show "$TMP/debootstrap.log"
		rm -rf "$BASE.tmp"
		die "debootstrap $SUITE from $MIRROR failed (log above)"
	}
	cat >"$BASE.tmp/etc/apt/sources.list" <<-EOF
		deb $MIRROR $SUITE main
		deb $MIRROR $SUITE-updates main
		deb $SECURITY $SUITE-security main
	EOF
	rm -f "$BASE.tmp"/var/cache/apt/archives/*.deb
	touch "$BASE.tmp/.complete"
	mv "$BASE.tmp" "$BASE"
	step "bootstrapped ($(elapsed))"
fi
cp -a "$BASE" "$R"
flock -u 9
cp -L /etc/resolv.conf "$R/etc/resolv.conf"
mount -t proc proc "$R/proc"
# the .debs apt downloads are kept between runs
mount --bind "$CACHE/apt-archives" "$R/var/cache/apt/archives"
mkdir -p "$R/tmp/debs" "$R/tmp/work"
cp $DEBS "$R/tmp/debs/"
cp "$ROOT/content/en.md" "$ROOT/content/zh.md" "$ROOT/examples/render.c" "$R/tmp/work/"
chmod -R a+rX "$R/tmp/debs" "$R/tmp/work"
# inroot: runs a shell command in the root, its output in $TMP/in.log
inroot() {
	chroot "$R" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
		DEBIAN_FRONTEND=noninteractive sh -c "$1" >"$TMP/in.log" 2>&1
}

step "installing the packages with apt in a fresh $SUITE root ($(elapsed))"
inroot "apt-get update -q" || { show "$TMP/in.log"; die "apt-get update in the $SUITE root failed"; }
names=""
for d in $DEBS; do names="$names /tmp/debs/${d##*/}"; done
inroot "apt-get install -y -q -o Dpkg::Options::=--force-unsafe-io $names" || { show "$TMP/in.log"; die "apt-get install of the packages failed (log above)"; }
inroot "apt-get install -y -q -o Dpkg::Options::=--force-unsafe-io --no-install-recommends gcc libc6-dev pkg-config" ||
	{ show "$TMP/in.log"; die "apt-get install of gcc and pkg-config failed"; }
inroot "apt-get autoclean -q" || true
inroot "dpkg-query -W -f='\${Package} \${Version} \${Status}\n' cvpdf cvpdf-data libcvpdf0 libcvpdf-dev"
[ "$(grep -c " $VERSION install ok installed" "$TMP/in.log")" -eq 4 ] || { show "$TMP/in.log"; die "not all four packages are installed"; }
step "installed, with $(chroot "$R" dpkg-query -W -f='${Status}\n' | grep -c 'install ok installed') packages in the root ($(elapsed))"

# ---------------------------------------------------------------------------------------------
# 3. Run them there
inroot "cvpdf --version" || { show "$TMP/in.log"; die "cvpdf --version failed in the root"; }
grep -q "$VERSION" "$TMP/in.log" || { show "$TMP/in.log"; die "cvpdf --version does not say $VERSION"; }
step "cvpdf --version: $(head -n 1 "$TMP/in.log")"
# pdf NAME: the PDF $R/tmp/work/NAME.pdf is one, with at least one page; prints the page count
pdf() {
	local f=$R/tmp/work/$1.pdf n
	[ -s "$f" ] || die "$1.pdf was not written"
	[ "$(head -c 5 "$f")" = "%PDF-" ] || die "$1.pdf does not start with %PDF-"
	n=$(pdfinfo "$f" 2>/dev/null | sed -n 's/^Pages: *//p')
	[ -n "$n" ] && [ "$n" -ge 1 ] || die "pdfinfo does not read $1.pdf (pages: '${n:-none}')"
	echo "$n"
}
# the installed fonts and styles are found (no checkout here: the baked /usr/share/cvpdf)
no_missing_data() {
	if grep -E "bundled font|built-in styles are not in|style '[a-z]+' not found|error:" "$TMP/in.log"; then
		die "$1: the installed fonts or styles were not found (above)"
	fi
}
for doc in en zh; do
	inroot "cd /tmp/work && cvpdf $doc.md -o $doc.pdf" || { show "$TMP/in.log"; die "cvpdf $doc.md failed in the root"; }
	no_missing_data "cvpdf $doc.md"
	step "content/$doc.md: $(pdf "$doc") pages, $(stat -c %s "$R/tmp/work/$doc.pdf") bytes"
done
inroot "cd /tmp/work && cvpdf -q --style classic en.md -o classic.pdf" || { show "$TMP/in.log"; die "cvpdf --style classic failed"; }
no_missing_data "cvpdf --style classic"
pdf classic >/dev/null
if [ -x "$ROOT/cvpdf" ]; then
	# the same bytes as this tree's ./cvpdf on the host, when the root's fonts are the host's
	# (a note, not a check: the host may have other fonts installed)
	for doc in en zh; do
		"$ROOT/cvpdf" -q "$ROOT/content/$doc.md" -o "$TMP/host-$doc.pdf" 2>/dev/null || continue
		if cmp -s "$TMP/host-$doc.pdf" "$R/tmp/work/$doc.pdf"; then
			step "$doc.pdf is byte-identical to ./cvpdf's on the host"
		else
			step "note: $doc.pdf differs from ./cvpdf's on the host (other fonts there?)"
		fi
	done
fi

inroot "cd /tmp/work && gcc -std=c11 -Wall -Wextra -Werror \$(pkg-config --cflags cvpdf) render.c -o render \$(pkg-config --libs cvpdf)" ||
	{ show "$TMP/in.log"; die "examples/render.c does not compile against libcvpdf-dev with pkg-config"; }
inroot "ldd /tmp/work/render"
grep -Eq "libcvpdf\.so\.0 => (/usr)?/lib/[^ ]*libcvpdf\.so\.0 " "$TMP/in.log" || { show "$TMP/in.log"; die "render does not link the installed libcvpdf.so.0"; }
inroot "cd /tmp/work && ./render en.md render.pdf" || { show "$TMP/in.log"; die "examples/render.c's program failed"; }
no_missing_data "render en.md"
[ "$(pdf render)" = "$(pdf en)" ] || die "render.pdf has another page count than cvpdf's en.pdf"
# libcvpdf.a, with what cvpdf.pc lists for it (Requires.private, Libs.private) linked shared (a
# static link of all of them would need every -dev package's own private dependencies)
inroot "cd /tmp/work && pc=\$(pkg-config --variable=pcfiledir cvpdf)/cvpdf.pc &&
	gcc -std=c11 \$(pkg-config --cflags cvpdf) render.c -o render-static -Wl,-Bstatic -lcvpdf -Wl,-Bdynamic \
	\$(pkg-config --libs \$(pkg-config --print-requires-private cvpdf)) \$(sed -n 's/^Libs.private://p' \$pc) &&
	! ldd render-static | grep -q libcvpdf && ./render-static zh.md render-static.pdf" ||
	{ show "$TMP/in.log"; die "examples/render.c does not link libcvpdf.a with what cvpdf.pc lists"; }
pdf render-static >/dev/null
step "examples/render.c: compiled with pkg-config, linked with libcvpdf.so.0 and with libcvpdf.a, renders ($(elapsed))"

inroot "apt-get purge -y -q cvpdf cvpdf-data libcvpdf0 libcvpdf-dev" || { show "$TMP/in.log"; die "apt-get purge failed"; }
[ ! -e "$R/usr/share/cvpdf" ] && [ ! -e "$R/usr/bin/cvpdf" ] || die "purging left /usr/share/cvpdf or /usr/bin/cvpdf"
step "purged; all checks passed in $(elapsed)"
