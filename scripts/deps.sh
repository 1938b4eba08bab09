#!/bin/sh
# Installs the Debian 12 packages cvpdf needs to build, render and test, when any is missing.
# Usage: scripts/deps.sh [--test]   (--test adds the tools the test suite drives: make lint's
# analysers, and what tests/deb.sh needs to build the .debs and bootstrap a Debian 12 root;
# liblzma-dev because libxml-2.0.pc names -llzma for the suite's link with pkg-config --static)
set -eu
BUILD_PKGS="gcc g++ make pkg-config libhpdf-dev libcmark-gfm-dev libcmark-gfm-extensions-dev
 libharfbuzz-dev libfreetype-dev libicu-dev libhyphen-dev libcld2-dev libyaml-dev
 libfontconfig-dev libxml2-dev libdeflate-dev zlib1g-dev fonts-noto-cjk fonts-noto-core fonts-noto-color-emoji fonts-symbola
 fonts-dejavu-extra
 hyphen-en-us hyphen-de hyphen-fr hyphen-es hyphen-pt-pt hyphen-pt-br hyphen-it hyphen-nl hyphen-ru
 hyphen-pl hyphen-sv hyphen-da hyphen-cs hyphen-sk hyphen-hu hyphen-ro hyphen-uk hyphen-hr hyphen-sl
 hyphen-lt hyphen-ca hyphen-el hyphen-bg hyphen-gl hyphen-id"
TEST_PKGS="fonts-dejavu-core poppler-utils mupdf-tools qpdf pandoc python3 mandoc locales valgrind clang libclang-rt-14-dev time binutils patch
 liblzma-dev cppcheck clang-tidy build-essential debhelper dpkg-dev debootstrap lintian python3-pikepdf python3-pypdf libgs-common"
pkgs=$BUILD_PKGS
[ "${1:-}" = "--test" ] && pkgs="$pkgs $TEST_PKGS"
missing=""
for p in $pkgs; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "cvpdf: installing Debian packages:$missing" >&2
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
