# cvpdf: GNU make. `make` builds ./cvpdf and, under build/$(BUILD)/, libcvpdf.a, libcvpdf.so and
# cvpdf.pc; `make check` builds and runs every test; `make render` renders content/*.md into
# out/*.pdf; `make install` (PREFIX, DESTDIR) installs. BUILD=release|debug|sanitize.
CC      ?= cc
BUILD   ?= release
PREFIX  ?= /usr/local
VERSION  = 0.1.0
# where the binary and library look for the bundled fonts and the built-in styles: the repo's
# own directories here; `make install` builds a second set of objects with the installed ones
FONTDIR ?= $(CURDIR)/fonts
STYLEDIR ?= $(CURDIR)/styles

# installation directories (`make install` puts them under $(DESTDIR))
BINDIR     ?= $(PREFIX)/bin
LIBDIR     ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
MANDIR     ?= $(PREFIX)/share/man
DATADIR    ?= $(PREFIX)/share/cvpdf
# the objects `make install` builds, apart from the repo's build/$(BUILD)
INSTALL_O  ?= build/install-$(BUILD)

# the shared library: libcvpdf.so -> libcvpdf.so.0 (the soname) -> libcvpdf.so.0.1.0
SOMAJOR  = $(firstword $(subst ., ,$(VERSION)))
SONAME   = libcvpdf.so.$(SOMAJOR)
SOREAL   = libcvpdf.so.$(VERSION)

PKGS     = harfbuzz harfbuzz-subset icu-uc libcmark-gfm yaml-0.1 fontconfig libxml-2.0 freetype2
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   = $(shell pkg-config --libs $(PKGS)) -lhyphen -lz

WARN     = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wno-unused-parameter
CFLAGS_release  = -O2 -g
CFLAGS_debug    = -O0 -g3
CFLAGS_sanitize = -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer
CFLAGS  = -std=c11 $(WARN) $(CFLAGS_$(BUILD)) -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L \
          -fPIC -fvisibility=hidden -DCVPDF_BUILDING -DCVPDF_VERSION='"$(VERSION)"' \
          -DCVPDF_FONTDIR='"$(FONTDIR)"' -DCVPDF_STYLEDIR='"$(STYLEDIR)"' $(PKG_CFLAGS) $(XCFLAGS)
LDFLAGS_sanitize = -fsanitize=address,undefined
LDLIBS  = $(PKG_LIBS) -lhpdf -lpthread $(LDFLAGS_$(BUILD)) $(XLDFLAGS)
# every symbol the shared library needs must come from a library it names (not under the
# sanitizers, whose runtime only the executable carries)
SO_LDFLAGS = -shared -Wl,-soname,$(SONAME) $(if $(filter sanitize,$(BUILD)),,-Wl,-z,defs)

O        = build/$(BUILD)
LIB_SRC  = util.c context.c yaml.c style.c model.c builder.c markdown.c breaks.c shape.c font.c layout.c facepick.c itemize.c items.c block.c setline.c table.c paginate.c \
           cff.c subset.c pdffont.c pdf.c render.c hyphen.c linebreak.c trace.c \
           html.c image.c mojibake.c check.c emoji.c cache.c
LIB_OBJ  = $(LIB_SRC:%.c=$(O)/%.o)
# the release binary is ./cvpdf; other builds keep theirs under build/
BIN      = $(if $(filter release,$(BUILD)),cvpdf,$(O)/cvpdf)

.PHONY: all check test render clean regen asan tsan valgrind fuzz fuzz-smoke bench install uninstall FORCE
all: $(BIN) $(O)/libcvpdf.a $(O)/libcvpdf.so $(O)/cvpdf.pc

$(O)/%.o: src/%.c $(wildcard src/*.h) Makefile $(O)/build.cfg | $(O)
	$(CC) $(CFLAGS) -c $< -o $@

$(O):
	mkdir -p $@

# build.cfg holds the compiler and flags (FONTDIR, STYLEDIR, PREFIX...) the objects were built
# with; it changes, and the objects are rebuilt, only when they do
BUILD_CFG := $(subst ','"'"',$(CC) $(CFLAGS) | $(PREFIX) $(LIBDIR) $(INCLUDEDIR))
$(O)/build.cfg: FORCE | $(O)
	@printf '%s\n' '$(BUILD_CFG)' | cmp -s - $@ || printf '%s\n' '$(BUILD_CFG)' >$@
FORCE:

$(O)/libcvpdf.a: $(LIB_OBJ)
	rm -f $@
	ar rcs $@ $^

# exports only what src/cvpdf.h marks CVPDF_API (-fvisibility=hidden)
$(O)/$(SOREAL): $(LIB_OBJ)
	$(CC) $(SO_LDFLAGS) -o $@ $^ $(LDLIBS)
$(O)/$(SONAME): $(O)/$(SOREAL)
	ln -sfn $(SOREAL) $@
$(O)/libcvpdf.so: $(O)/$(SONAME)
	ln -sfn $(SONAME) $@

# pkg-config file: paths under PREFIX are written relative to ${prefix}; Requires.private are
# the PKGS, Libs.private the libraries linked without pkg-config (for libcvpdf.a)
PC_LIBS_PRIVATE = $(filter-out $(shell pkg-config --libs $(PKGS)),$(PKG_LIBS)) -lhpdf -lpthread
$(O)/cvpdf.pc: cvpdf.pc.in $(O)/build.cfg | $(O)
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(patsubst $(PREFIX)/%,$${prefix}/%,$(LIBDIR))|' \
	    -e 's|@INCLUDEDIR@|$(patsubst $(PREFIX)/%,$${prefix}/%,$(INCLUDEDIR))|' \
	    -e 's|@VERSION@|$(VERSION)|' -e 's|@REQUIRES_PRIVATE@|$(PKGS)|' \
	    -e 's|@LIBS_PRIVATE@|$(PC_LIBS_PRIVATE)|' $< >$@

# the command links libcvpdf.a: ./cvpdf runs from the repo without LD_LIBRARY_PATH
$(BIN): $(O)/main.o $(O)/libcvpdf.a
	$(CC) -o $@ $^ $(LDLIBS)

# `make install PREFIX=/usr DESTDIR=/tmp/root`: builds the binary, libraries and cvpdf.pc again
# under $(INSTALL_O), looking for fonts and styles in $(DATADIR), then installs them with the
# header, the man pages, the styles and the fonts (with their licences).
install:
	$(MAKE) O=$(INSTALL_O) BIN=$(INSTALL_O)/cvpdf FONTDIR=$(DATADIR)/fonts STYLEDIR=$(DATADIR)/styles all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(INCLUDEDIR) \
	    $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(DATADIR)/styles $(DESTDIR)$(DATADIR)/fonts
	install -m 755 $(INSTALL_O)/cvpdf $(DESTDIR)$(BINDIR)/cvpdf
	install -m 644 $(INSTALL_O)/libcvpdf.a $(INSTALL_O)/$(SOREAL) $(DESTDIR)$(LIBDIR)/
	ln -sfn $(SOREAL) $(DESTDIR)$(LIBDIR)/$(SONAME)
	ln -sfn $(SONAME) $(DESTDIR)$(LIBDIR)/libcvpdf.so
	install -m 644 src/cvpdf.h $(DESTDIR)$(INCLUDEDIR)/cvpdf.h
	install -m 644 $(INSTALL_O)/cvpdf.pc $(DESTDIR)$(LIBDIR)/pkgconfig/cvpdf.pc
	install -m 644 man/cvpdf.1 $(DESTDIR)$(MANDIR)/man1/cvpdf.1
	install -m 644 man/cvpdf.5 $(DESTDIR)$(MANDIR)/man5/cvpdf.5
	install -m 644 $(wildcard styles/*.yaml) $(DESTDIR)$(DATADIR)/styles/
	install -m 644 $(wildcard fonts/*) $(DESTDIR)$(DATADIR)/fonts/
	@if [ -z "$(DESTDIR)" ] && [ "$$(id -u)" = 0 ] && command -v ldconfig >/dev/null; then ldconfig; fi

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/cvpdf $(DESTDIR)$(LIBDIR)/libcvpdf.a $(DESTDIR)$(LIBDIR)/$(SOREAL) \
	    $(DESTDIR)$(LIBDIR)/$(SONAME) $(DESTDIR)$(LIBDIR)/libcvpdf.so $(DESTDIR)$(INCLUDEDIR)/cvpdf.h \
	    $(DESTDIR)$(LIBDIR)/pkgconfig/cvpdf.pc $(DESTDIR)$(MANDIR)/man1/cvpdf.1 $(DESTDIR)$(MANDIR)/man5/cvpdf.5 \
	    $(addprefix $(DESTDIR)$(DATADIR)/,$(wildcard styles/*.yaml fonts/*))
	-rmdir $(DESTDIR)$(DATADIR)/styles $(DESTDIR)$(DATADIR)/fonts $(DESTDIR)$(DATADIR)

$(O)/unit: tests/unit.c $(O)/libcvpdf.a
	$(CC) $(CFLAGS) -Isrc -o $@ $^ $(LDLIBS)

$(O)/threads: tests/threads.c $(O)/libcvpdf.a
	$(CC) $(CFLAGS) -Isrc -o $@ $^ $(LDLIBS)

CONTENT = $(wildcard content/*.md)
render: $(BIN)
	@mkdir -p out
	@for f in $(CONTENT); do b=$$(basename $$f .md); \
	  ./$(BIN) $$f -o out/$$b.pdf && echo "rendered out/$$b.pdf"; done

# a locale with a decimal comma, built here so the test needs no system change
$(O)/locale/de_DE.UTF-8:
	mkdir -p $(O)/locale
	localedef -i de_DE -f UTF-8 $@ 2>/dev/null || test -d $@

# `make test`: the suite once, quickly. `make check`: everything: the suite, the suite again
# under AddressSanitizer + UndefinedBehaviorSanitizer, valgrind over the content and corpus,
# and a short fuzzing run.
test: $(BIN) $(O)/unit $(O)/threads $(O)/bench $(O)/locale/de_DE.UTF-8
	CVPDF=$(CURDIR)/$(BIN) CVPDF_UNIT=$(O)/unit CVPDF_THREADS=$(O)/threads CVPDF_BENCH=$(O)/bench \
	    CVPDF_LOCPATH=$(CURDIR)/$(O)/locale bash tests/run.sh

check: test asan tsan valgrind fuzz-smoke

ASAN_ENV = ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
           LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0
asan:
	$(MAKE) BUILD=sanitize build/sanitize/cvpdf build/sanitize/unit build/sanitize/threads build/sanitize/bench \
	    build/sanitize/locale/de_DE.UTF-8
	@echo "# the whole suite under AddressSanitizer + UndefinedBehaviorSanitizer"
	$(ASAN_ENV) CVPDF=$(CURDIR)/build/sanitize/cvpdf CVPDF_UNIT=build/sanitize/unit CVPDF_THREADS=build/sanitize/threads \
	    CVPDF_BENCH=build/sanitize/bench CVPDF_LOCPATH=$(CURDIR)/build/sanitize/locale TIMEOUT=600 bash tests/run.sh

# ThreadSanitizer over tests/threads.c: renders on six threads at once, with and without a
# shared cvpdf_cache (and the hyphenation patterns loading on a thread of their own)
TSAN_FLAGS = -std=c11 -g -O1 -fsanitize=thread -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L -DCVPDF_BUILDING \
             -DCVPDF_VERSION='"$(VERSION)"' -DCVPDF_FONTDIR='"$(FONTDIR)"' -DCVPDF_STYLEDIR='"$(STYLEDIR)"' $(PKG_CFLAGS)
build/tsan/threads: tests/threads.c $(addprefix src/,$(LIB_SRC)) $(wildcard src/*.h)
	mkdir -p build/tsan
	$(FUZZ_CC) $(TSAN_FLAGS) -Isrc -o $@ tests/threads.c $(addprefix src/,$(LIB_SRC)) $(PKG_LIBS) -lhpdf -lpthread
tsan: build/tsan/threads
	@echo "# ThreadSanitizer: renders on several threads, with and without a shared cache"
	TSAN_OPTIONS=halt_on_error=1:exitcode=66 ./build/tsan/threads content/en.md content/zh.md
	TSAN_OPTIONS=halt_on_error=1:exitcode=66 ./build/tsan/threads --cache content/*.md tests/cases/*.md

VALGRIND = valgrind -q --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite,indirect \
           --suppressions=$(CURDIR)/tests/valgrind.supp
valgrind: $(BIN)
	@echo "# valgrind memcheck over the content files and the corpus"
	@n=0; f=0; for m in content/*.md ../shared/corpus/*.md ../shared/seeds/*.txt; do \
	  [ -e "$$m" ] || continue; n=$$((n+1)); \
	  if $(VALGRIND) ./$(BIN) -q "$$m" -o /tmp/cvpdf-valgrind.pdf >/dev/null 2>/tmp/cvpdf-valgrind.log; \
	  then echo "ok - valgrind: $$m"; else f=$$((f+1)); echo "FAIL - valgrind: $$m"; head -30 /tmp/cvpdf-valgrind.log; fi; \
	done; rm -f /tmp/cvpdf-valgrind.pdf /tmp/cvpdf-valgrind.log; echo "$$((n-f)) passed, $$f failed"; [ $$f -eq 0 ]

# libFuzzer: `make fuzz` searches for FUZZ_TIME seconds (default 600); `make fuzz-smoke`
# replays every kept finding, then makes 600 deterministic runs.
FUZZ_CC = clang
FUZZ_FLAGS = -std=c11 -g -O1 -fsanitize=fuzzer-no-link,address,undefined -D_DEFAULT_SOURCE \
             -D_POSIX_C_SOURCE=200809L -DCVPDF_BUILDING -DCVPDF_VERSION='"$(VERSION)"' \
             -DCVPDF_FONTDIR='"$(FONTDIR)"' -DCVPDF_STYLEDIR='"$(STYLEDIR)"' $(PKG_CFLAGS)
build/fuzz/cvpdf-fuzz: tests/fuzz.c $(addprefix src/,$(LIB_SRC)) $(wildcard src/*.h)
	mkdir -p build/fuzz
	$(FUZZ_CC) $(FUZZ_FLAGS) -fsanitize=fuzzer -Isrc -o $@ tests/fuzz.c $(addprefix src/,$(LIB_SRC)) $(PKG_LIBS) -lhpdf -lpthread
FUZZ_TIME ?= 600
# the seeds: the test cases, the résumés, and documents dense in inline markup; the dictionary
# gives the fuzzer Markdown's and HTML's tokens
fuzz-corpus:
	@mkdir -p build/fuzz/corpus && cp tests/cases/*.md content/*.md tests/inputs/*.md tests/fuzz-seeds/*.md \
	    build/fuzz/corpus/ 2>/dev/null; true
FUZZ_RUN = -dict=tests/fuzz.dict -timeout=20 -rss_limit_mb=4096 -artifact_prefix=build/fuzz/
fuzz: build/fuzz/cvpdf-fuzz fuzz-corpus
	$(ASAN_ENV) ./build/fuzz/cvpdf-fuzz -max_total_time=$(FUZZ_TIME) $(FUZZ_RUN) build/fuzz/corpus
# the smoke run is deterministic (a fixed seed and number of runs): CI gets the same answer
fuzz-smoke: build/fuzz/cvpdf-fuzz fuzz-corpus
	@echo "# fuzzing: the kept findings, then 600 runs from seed 1"
	$(ASAN_ENV) ./build/fuzz/cvpdf-fuzz -runs=0 tests/fuzz-regressions
	$(ASAN_ENV) ./build/fuzz/cvpdf-fuzz -seed=1 -runs=600 $(FUZZ_RUN) \
	    build/fuzz/corpus > build/fuzz/smoke.log 2>&1 || { tail -n 40 build/fuzz/smoke.log; exit 1; }
	@tail -n 2 build/fuzz/smoke.log

# Speed and size (tests/bench.c): whole-process medians of the command (wall, user, peak memory,
# size, the library's stage timers) and in-process re-renders through a cvpdf_cache.
$(O)/bench: tests/bench.c $(O)/libcvpdf.a
	$(CC) $(CFLAGS) -Isrc -o $@ $^ $(LDLIBS)
bench: $(BIN) $(O)/bench
	$(O)/bench ./$(BIN) $(or $(RUNS),7)

# Regenerates the golden traces of tests/cases and shows what changed: review before committing.
regen: $(BIN)
	@for f in tests/cases/*.md; do ./$(BIN) -q --trace $$f -o $${f%.md}.trace; done
	@git --no-pager diff --stat -- tests/cases; git --no-pager diff -- tests/cases | head -n 200

clean:
	rm -rf build $(BIN) out
