# cvpdf: GNU make. `make` builds ./cvpdf and, under $(O) (build/$(BUILD)/), libcvpdf.a,
# libcvpdf.so and cvpdf.pc; `make check` builds and runs every test; `make render` renders
# content/*.md into out/*.pdf; `make install` (DESTDIR) installs what `make` built;
# `make lint` runs the static analysers. BUILD=release|debug|sanitize.
#
# Flags. What the project requires is in CV_CPPFLAGS, CV_CFLAGS, CV_LDFLAGS and CV_LDLIBS. The
# conventional CPPFLAGS, CFLAGS, LDFLAGS and LDLIBS, from the command line or the environment
# (dpkg-buildflags exports them), follow them on every compile and link line, so a packager's
# flags win; CFLAGS is on the link lines too. BUILD only sets CFLAGS's default (release -O2 -g,
# debug -O0 -g3, sanitize -O1 -g): a CFLAGS of your own replaces it (make BUILD=debug CFLAGS=-O1
# builds at -O1). The sanitizers of BUILD=sanitize are required flags, which CFLAGS adds to.
# XCFLAGS and XLDFLAGS, the older hooks, still come last. Objects are rebuilt when any of these
# change ($(O)/build.cfg), programs relinked when the link flags do ($(O)/link.cfg); headers are
# tracked by the compiler (-MMD -MP, $(O)/*.d).
#
# Paths. PREFIX, LIBDIR, INCLUDEDIR and DATADIR are chosen when building: the library looks for
# its fonts and styles in $(DATADIR)/fonts and $(DATADIR)/styles (and, run from this source
# tree, in its fonts/ and styles/: src/render.c), cvpdf.pc names $(LIBDIR) and $(INCLUDEDIR).
# `make` records them (with BINDIR, MANDIR) in $(O)/paths.mk and `make install` installs the
# files `make` built, compiling nothing, under those paths: `make PREFIX=/usr && make install
# DESTDIR=/tmp/root`. An install asking for other baked-in paths than the build's stops with a
# message instead of installing files that would look in the wrong place.
CC         ?= cc
PKG_CONFIG ?= pkg-config
INSTALL    ?= install
BUILD      ?= release
# the version is the public header's (CVPDF_VERSION_STRING)
VERSION     := $(shell sed -n 's/^\#define CVPDF_VERSION_STRING "\(.*\)"$$/\1/p' src/cvpdf.h)
# the build directory: another O builds a second tree (make O=/tmp/o PREFIX=/usr)
O          ?= build/$(BUILD)
# the release binary is ./cvpdf; other builds keep theirs in $(O)
BIN        ?= $(if $(filter build/release,$(O)),cvpdf,$(O)/cvpdf)

# installation paths: `make install` and `make uninstall` default to those `make` recorded
ifneq ($(filter install uninstall,$(MAKECMDGOALS)),)
-include $(O)/paths.mk
endif
PREFIX     ?= $(or $(BUILT_PREFIX),/usr/local)
ifneq ($(BUILT_PREFIX),)
ifeq ($(PREFIX),$(BUILT_PREFIX))
BINDIR     ?= $(BUILT_BINDIR)
LIBDIR     ?= $(BUILT_LIBDIR)
INCLUDEDIR ?= $(BUILT_INCLUDEDIR)
MANDIR     ?= $(BUILT_MANDIR)
DATADIR    ?= $(BUILT_DATADIR)
endif
endif
BINDIR     ?= $(PREFIX)/bin
LIBDIR     ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
MANDIR     ?= $(PREFIX)/share/man
DATADIR    ?= $(PREFIX)/share/cvpdf
# the paths compiled into the objects and cvpdf.pc (install checks them against the build's)
BAKED_PATHS = $(PREFIX) $(LIBDIR) $(INCLUDEDIR) $(DATADIR)

# the shared library: libcvpdf.so -> libcvpdf.so.0 (the soname) -> libcvpdf.so.0.1.0
SOMAJOR  = $(firstword $(subst ., ,$(VERSION)))
SONAME   = libcvpdf.so.$(SOMAJOR)
SOREAL   = libcvpdf.so.$(VERSION)

PKGS     = harfbuzz harfbuzz-subset icu-uc libcmark-gfm yaml-0.1 fontconfig libxml-2.0 freetype2 libdeflate
PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(PKGS))
PKG_LIBS   := $(shell $(PKG_CONFIG) --libs $(PKGS)) -lhyphen

# what the project requires
WARN        = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wno-unused-parameter
CV_DEFINES  = -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L -DCVPDF_BUILDING \
              -DCVPDF_FONTDIR='"$(DATADIR)/fonts"' -DCVPDF_STYLEDIR='"$(DATADIR)/styles"'
CV_CPPFLAGS = $(CV_DEFINES) $(PKG_CFLAGS)
SAN_sanitize = -fsanitize=address,undefined -fno-omit-frame-pointer
CV_CFLAGS   = -std=c11 $(WARN) -fPIC -fvisibility=hidden $(SAN_$(BUILD))
SANLD_sanitize = -fsanitize=address,undefined
CV_LDFLAGS  = $(SANLD_$(BUILD))
CV_LDLIBS   = $(PKG_LIBS) -lhpdf -lcld2 -lstdc++ -lpthread
# the defaults a packager's CFLAGS replaces
CFLAGS_release  = -O2 -g
CFLAGS_debug    = -O0 -g3
CFLAGS_sanitize = -O1 -g
CFLAGS     ?= $(CFLAGS_$(BUILD))

# one compile and one link command for everything make builds with $(CC)
COMPILE  = $(CC) $(CV_CPPFLAGS) $(CPPFLAGS) $(CV_CFLAGS) $(CFLAGS) $(XCFLAGS)
LINKFLAGS = $(CFLAGS) $(XCFLAGS) $(CV_LDFLAGS) $(LDFLAGS) $(XLDFLAGS)
LINKLIBS = $(CV_LDLIBS) $(LDLIBS)
# every symbol the shared library needs must come from a library it names (not under the
# sanitizers, whose runtime only the executable carries)
SO_LDFLAGS = -shared -Wl,-soname,$(SONAME) $(if $(filter sanitize,$(BUILD)),,-Wl,-z,defs)

LIB_SRC  = util.c context.c yaml.c style.c model.c builder.c markdown.c breaks.c bidi.c shape.c font.c layout.c \
           facepick.c itemize.c items.c block.c setline.c table.c paginate.c \
           cff.c subset.c pdffont.c pdfcontent.c pdf.c pdftags.c pdfpack.c pdfmeta.c deflate.c diskcache.c tags.c render.c options.c sanitize.c fit.c file.c hyphen.c linebreak.c trace.c \
           html.c image.c mojibake.c check.c emoji.c cache.c memo.c langid.c anchors.c smartpunct.c shortcode.c fix.c math.c mathsrc.c
# the one C++ file, CLD2's client (CLD2 has only a C++ interface): a thin wrapper built once,
# without sanitizers, and linked into every build
CLD2_OBJ = build/cld2/cld2.o
LIB_OBJ  = $(LIB_SRC:%.c=$(O)/%.o) $(CLD2_OBJ)

.PHONY: all check test render clean regen regen-tables asan tsan valgrind fuzz fuzz-smoke oom oom-full bench bench-typst install uninstall \
        lint lint-cppcheck deb-check FORCE
all: $(BIN) $(O)/libcvpdf.a $(O)/libcvpdf.so $(O)/cvpdf.pc
	@printf '%s\n' '# the paths $(O) was built for (make install reads them)' 'BUILT_PREFIX = $(PREFIX)' \
	    'BUILT_BINDIR = $(BINDIR)' 'BUILT_LIBDIR = $(LIBDIR)' 'BUILT_INCLUDEDIR = $(INCLUDEDIR)' \
	    'BUILT_MANDIR = $(MANDIR)' 'BUILT_DATADIR = $(DATADIR)' 'BUILT_BIN = $(BIN)' >$(O)/paths.mk.new
	@cmp -s $(O)/paths.mk.new $(O)/paths.mk && rm -f $(O)/paths.mk.new || mv -f $(O)/paths.mk.new $(O)/paths.mk

$(O)/%.o: src/%.c $(O)/build.cfg | $(O)
	$(COMPILE) -MMD -MP -c $< -o $@

$(O):
	mkdir -p $@

$(CLD2_OBJ): src/cld2.cc
	@mkdir -p build/cld2
	$(CXX) -O2 -g -fPIC -fvisibility=hidden -Wall -Wextra -c $< -o $@

# the header dependencies the compiler wrote (-MMD -MP)
-include $(wildcard $(O)/*.d)

# build.cfg holds the compiler and flags (and so DATADIR, in CVPDF_FONTDIR) the objects were
# built with, and the paths cvpdf.pc names; link.cfg the link flags. Each changes, and what
# depends on it is rebuilt, only when they do.
BUILD_CFG := $(subst ','"'"',$(COMPILE) | $(PREFIX) $(LIBDIR) $(INCLUDEDIR))
LINK_CFG  := $(subst ','"'"',$(CC) $(LINKFLAGS) | $(SO_LDFLAGS) | $(LINKLIBS))
$(O)/build.cfg: FORCE | $(O)
	@printf '%s\n' '$(BUILD_CFG)' | cmp -s - $@ || printf '%s\n' '$(BUILD_CFG)' >$@
$(O)/link.cfg: FORCE | $(O)
	@printf '%s\n' '$(LINK_CFG)' | cmp -s - $@ || printf '%s\n' '$(LINK_CFG)' >$@
FORCE:

$(O)/libcvpdf.a: $(LIB_OBJ)
	rm -f $@
	ar rcs $@ $^

# exports only what src/cvpdf.h marks CVPDF_API (-fvisibility=hidden)
$(O)/$(SOREAL): $(LIB_OBJ) $(O)/link.cfg
	$(CC) $(LINKFLAGS) $(SO_LDFLAGS) -o $@ $(LIB_OBJ) $(LINKLIBS)
$(O)/$(SONAME): $(O)/$(SOREAL)
	ln -sfn $(SOREAL) $@
$(O)/libcvpdf.so: $(O)/$(SONAME)
	ln -sfn $(SONAME) $@

# pkg-config file: paths under PREFIX are written relative to ${prefix}; Requires.private are
# the PKGS, Libs.private the libraries linked without pkg-config (for libcvpdf.a)
PC_LIBS_PRIVATE = $(filter-out $(shell $(PKG_CONFIG) --libs $(PKGS)),$(PKG_LIBS)) -lhpdf -lcld2 -lstdc++ -lpthread
$(O)/cvpdf.pc: cvpdf.pc.in $(O)/build.cfg | $(O)
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(patsubst $(PREFIX)/%,$${prefix}/%,$(LIBDIR))|' \
	    -e 's|@INCLUDEDIR@|$(patsubst $(PREFIX)/%,$${prefix}/%,$(INCLUDEDIR))|' \
	    -e 's|@VERSION@|$(VERSION)|' -e 's|@REQUIRES_PRIVATE@|$(PKGS)|' \
	    -e 's|@LIBS_PRIVATE@|$(PC_LIBS_PRIVATE)|' $< >$@

# the command links libcvpdf.a: ./cvpdf runs from the repo without LD_LIBRARY_PATH
$(BIN): $(O)/main.o $(O)/libcvpdf.a $(O)/link.cfg
	$(CC) $(LINKFLAGS) -o $@ $(O)/main.o $(O)/libcvpdf.a $(LINKLIBS)

# `make PREFIX=/usr && make install DESTDIR=/tmp/root`: installs the binary, the libraries and
# cvpdf.pc `make` built in $(O) (it builds nothing: run make first), with the header, the man
# pages, the styles and the fonts (with their licences), under the paths of that build.
INSTALL_FILES = $(BUILT_BIN) $(O)/libcvpdf.a $(O)/$(SOREAL) $(O)/cvpdf.pc
install:
	@test -f $(O)/paths.mk || { echo "make install: nothing built in $(O) yet: run make first (with the same PREFIX, LIBDIR, DATADIR, BUILD, O)" >&2; exit 1; }
	@test '$(strip $(BAKED_PATHS))' = '$(strip $(BUILT_PREFIX) $(BUILT_LIBDIR) $(BUILT_INCLUDEDIR) $(BUILT_DATADIR))' || \
	  { echo "make install: $(O) was built for PREFIX=$(BUILT_PREFIX) LIBDIR=$(BUILT_LIBDIR) INCLUDEDIR=$(BUILT_INCLUDEDIR) DATADIR=$(BUILT_DATADIR)," >&2; \
	    echo "  not PREFIX=$(PREFIX) LIBDIR=$(LIBDIR) INCLUDEDIR=$(INCLUDEDIR) DATADIR=$(DATADIR): run make with those first" >&2; exit 1; }
	@for f in $(INSTALL_FILES); do test -f $$f || { echo "make install: $$f is missing: run make first" >&2; exit 1; }; done
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(INCLUDEDIR) \
	    $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(DATADIR)/styles $(DESTDIR)$(DATADIR)/fonts
	$(INSTALL) -m 755 $(BUILT_BIN) $(DESTDIR)$(BINDIR)/cvpdf
	$(INSTALL) -m 644 $(O)/libcvpdf.a $(O)/$(SOREAL) $(DESTDIR)$(LIBDIR)/
	ln -sfn $(SOREAL) $(DESTDIR)$(LIBDIR)/$(SONAME)
	ln -sfn $(SONAME) $(DESTDIR)$(LIBDIR)/libcvpdf.so
	$(INSTALL) -m 644 src/cvpdf.h $(DESTDIR)$(INCLUDEDIR)/cvpdf.h
	$(INSTALL) -m 644 $(O)/cvpdf.pc $(DESTDIR)$(LIBDIR)/pkgconfig/cvpdf.pc
	$(INSTALL) -m 644 man/cvpdf.1 $(DESTDIR)$(MANDIR)/man1/cvpdf.1
	$(INSTALL) -m 644 man/cvpdf.5 $(DESTDIR)$(MANDIR)/man5/cvpdf.5
	$(INSTALL) -m 644 $(wildcard styles/*.yaml) $(DESTDIR)$(DATADIR)/styles/
	$(INSTALL) -m 644 $(wildcard fonts/*) $(DESTDIR)$(DATADIR)/fonts/
	@if [ -z "$(DESTDIR)" ] && [ "$$(id -u)" = 0 ] && command -v ldconfig >/dev/null; then ldconfig; fi

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/cvpdf $(DESTDIR)$(LIBDIR)/libcvpdf.a $(DESTDIR)$(LIBDIR)/$(SOREAL) \
	    $(DESTDIR)$(LIBDIR)/$(SONAME) $(DESTDIR)$(LIBDIR)/libcvpdf.so $(DESTDIR)$(INCLUDEDIR)/cvpdf.h \
	    $(DESTDIR)$(LIBDIR)/pkgconfig/cvpdf.pc $(DESTDIR)$(MANDIR)/man1/cvpdf.1 $(DESTDIR)$(MANDIR)/man5/cvpdf.5 \
	    $(addprefix $(DESTDIR)$(DATADIR)/,$(wildcard styles/*.yaml fonts/*))
	-rmdir $(DESTDIR)$(DATADIR)/styles $(DESTDIR)$(DATADIR)/fonts $(DESTDIR)$(DATADIR)

# the test programs (tests/unit.c, tests/threads.c, tests/api.c, tests/bench.c), compiled and linked in one
TEST_LINK = $(COMPILE) -MMD -MP -Isrc $(CV_LDFLAGS) $(LDFLAGS) $(XLDFLAGS) -o $@ $< $(O)/libcvpdf.a $(LINKLIBS) -lz
$(O)/unit: tests/unit.c $(O)/libcvpdf.a $(O)/build.cfg $(O)/link.cfg
	$(TEST_LINK)

$(O)/threads: tests/threads.c $(O)/libcvpdf.a $(O)/build.cfg $(O)/link.cfg
	$(TEST_LINK)

$(O)/api: tests/api.c $(O)/libcvpdf.a $(O)/build.cfg $(O)/link.cfg
	$(TEST_LINK)

# `make lint`: cppcheck and clang-tidy over src/*.c and tests/*.c; any finding fails. cppcheck
# runs its warning, performance and portability checks (and its errors) with the POSIX library
# model; clang-tidy the checks in .clang-tidy (bugprone-*, cert-*, the clang static analyzer,
# with what is left out and why), with the compiler's warnings. A false positive is suppressed
# where it occurs, with its reason (cppcheck-suppress, NOLINT(check)). Each file's clang-tidy
# verdict is kept in build/lint/ until it, a header, .clang-tidy or the Makefile changes.
CPPCHECK   = cppcheck
CLANG_TIDY = clang-tidy
LINT_SRC   = $(wildcard src/*.c tests/*.c)
LINT_FLAGS = -std=c11 $(WARN) $(CV_CPPFLAGS) -Isrc
lint: lint-cppcheck $(LINT_SRC:%.c=build/lint/%.tidy)
	@echo "lint: cppcheck and clang-tidy found nothing in $(words $(LINT_SRC)) files"
lint-cppcheck:
	@command -v $(CPPCHECK) >/dev/null || { echo "lint: $(CPPCHECK) is not installed (scripts/deps.sh --test)" >&2; exit 1; }
	$(CPPCHECK) --std=c11 --library=posix --enable=warning,performance,portability --inline-suppr \
	    --error-exitcode=1 --quiet $(CV_DEFINES) -Isrc $(LINT_SRC)
build/lint/%.tidy: %.c $(wildcard src/*.h tests/*.h) .clang-tidy Makefile
	@command -v $(CLANG_TIDY) >/dev/null || { echo "lint: $(CLANG_TIDY) is not installed (scripts/deps.sh --test)" >&2; exit 1; }
	@mkdir -p $(@D)
	@echo "clang-tidy $<"
	@$(CLANG_TIDY) --quiet $< -- $(LINT_FLAGS) >$@.log 2>&1 || { grep -v 'warnings generated' $@.log >&2; exit 1; }
	@touch $@

CONTENT = $(wildcard content/*.md)
render: $(BIN)
	@mkdir -p out
	@for f in $(CONTENT); do b=$$(basename $$f .md); \
	  $(abspath $(BIN)) $$f -o out/$$b.pdf && echo "rendered out/$$b.pdf"; done

# a locale with a decimal comma, built here so the test needs no system change
$(O)/locale/de_DE.UTF-8:
	mkdir -p $(O)/locale
	localedef -i de_DE -f UTF-8 $@ 2>/dev/null || test -d $@

# `make test`: the suite once, quickly. `make check`: everything: the suite, the suite again
# under AddressSanitizer + UndefinedBehaviorSanitizer, valgrind over the content and corpus,
# and a short fuzzing run.
test: $(BIN) $(O)/unit $(O)/threads $(O)/api $(O)/bench $(O)/locale/de_DE.UTF-8
	CVPDF=$(abspath $(BIN)) CVPDF_UNIT=$(O)/unit CVPDF_THREADS=$(O)/threads CVPDF_API=$(O)/api CVPDF_BENCH=$(O)/bench \
	    CVPDF_LOCPATH=$(CURDIR)/$(O)/locale bash tests/run.sh

check: lint test asan tsan valgrind fuzz-smoke oom deb-check

ASAN_ENV = ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
           LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0
asan:
	$(MAKE) BUILD=sanitize O=build/sanitize BIN=build/sanitize/cvpdf build/sanitize/cvpdf build/sanitize/unit build/sanitize/threads build/sanitize/api build/sanitize/bench \
	    build/sanitize/locale/de_DE.UTF-8
	@echo "# the whole suite under AddressSanitizer + UndefinedBehaviorSanitizer"
	$(ASAN_ENV) CVPDF=$(CURDIR)/build/sanitize/cvpdf CVPDF_UNIT=build/sanitize/unit CVPDF_THREADS=build/sanitize/threads CVPDF_API=build/sanitize/api \
	    CVPDF_BENCH=build/sanitize/bench CVPDF_LOCPATH=$(CURDIR)/build/sanitize/locale TIMEOUT=600 bash tests/run.sh

# ThreadSanitizer over tests/threads.c: renders on six threads at once, with and without a
# shared cvpdf_cache (and the hyphenation patterns loading on a thread of their own)
# (this build and the fuzzer's, with clang, keep flags of their own: a packager's are for $(CC))
TSAN_FLAGS = -std=c11 -g -O1 -fsanitize=thread $(CV_CPPFLAGS)
build/tsan/threads: tests/threads.c tests/harness.h $(addprefix src/,$(LIB_SRC)) $(wildcard src/*.h) $(CLD2_OBJ)
	mkdir -p build/tsan
	$(FUZZ_CC) $(TSAN_FLAGS) -Isrc -o $@ tests/threads.c $(addprefix src/,$(LIB_SRC)) $(CLD2_OBJ) $(CV_LDLIBS)
tsan: build/tsan/threads
	@echo "# ThreadSanitizer: renders on several threads, with and without a shared cache"
	TSAN_OPTIONS=halt_on_error=1:exitcode=66 ./build/tsan/threads content/en.md content/zh.md
	TSAN_OPTIONS=halt_on_error=1:exitcode=66 ./build/tsan/threads --cache content/*.md tests/cases/*.md

VALGRIND = valgrind -q --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite,indirect \
           --suppressions=$(CURDIR)/tests/valgrind.supp
# (with an empty cache directory, which the files fill, then content/ again, read from it)
valgrind: $(BIN)
	@echo "# valgrind memcheck over the content files and the corpus, then the content again from the cache directory"
	@rm -rf /tmp/cvpdf-valgrind-cache; \
	n=0; f=0; for m in content/*.md ../shared/corpus/*.md ../shared/seeds/*.txt content/*.md; do \
	  [ -e "$$m" ] || continue; n=$$((n+1)); \
	  if CVPDF_CACHE_DIR=/tmp/cvpdf-valgrind-cache $(VALGRIND) $(abspath $(BIN)) -q "$$m" -o /tmp/cvpdf-valgrind.pdf >/dev/null 2>/tmp/cvpdf-valgrind.log; \
	  then echo "ok - valgrind: $$m"; else f=$$((f+1)); echo "FAIL - valgrind: $$m"; head -30 /tmp/cvpdf-valgrind.log; fi; \
	done; rm -rf /tmp/cvpdf-valgrind.pdf /tmp/cvpdf-valgrind.log /tmp/cvpdf-valgrind-cache; echo "$$((n-f)) passed, $$f failed"; [ $$f -eq 0 ]

# libFuzzer: `make fuzz` searches for FUZZ_TIME seconds (default 600); `make fuzz-smoke`
# replays every kept finding, then makes 600 deterministic runs.
FUZZ_CC = clang
FUZZ_FLAGS = -std=c11 -g -O1 -fsanitize=fuzzer-no-link,address,undefined $(CV_CPPFLAGS)
build/fuzz/cvpdf-fuzz: tests/fuzz.c $(addprefix src/,$(LIB_SRC)) $(wildcard src/*.h) $(CLD2_OBJ)
	mkdir -p build/fuzz
	$(FUZZ_CC) $(FUZZ_FLAGS) -fsanitize=fuzzer -Isrc -o $@ tests/fuzz.c $(addprefix src/,$(LIB_SRC)) $(CLD2_OBJ) $(CV_LDLIBS)
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

# The Debian packages (tests/deb.sh): built with dpkg-buildpackage from a copy of the tree, checked
# with lintian, installed with apt into a fresh Debian 12 root (debootstrapped once, cached in
# ~/.cache/cvpdf) and run there: cvpdf on content/*.md, examples/render.c against libcvpdf-dev.
deb-check:
	bash tests/deb.sh

# Allocation-failure injection (tests/oom.c): the library's objects, under AddressSanitizer +
# LeakSanitizer + UndefinedBehaviorSanitizer, linked so that only their own malloc, calloc,
# realloc, free and pthread_create go through the test's allocator, which fails the Nth; for
# each N a render must end in CVPDF_ERR_NOMEM or give the good bytes, crash- and leak-free.
# `make oom` (in `make check`) tries a deterministic sample of N for the résumés and every N
# for a small document (about 2.5 minutes); `make oom-full` every N for all three (about 4.5).
OOM_FLAGS = -std=c11 -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=undefined \
            -fno-omit-frame-pointer $(CV_CPPFLAGS)
OOM_WRAP  = -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=free,--wrap=pthread_create,--wrap=pthread_join
OOM_OBJ   = $(LIB_SRC:%.c=build/oom/%.o)
build/oom/%.o: src/%.c $(wildcard src/*.h) Makefile
	@mkdir -p build/oom
	$(FUZZ_CC) $(OOM_FLAGS) -c $< -o $@
build/oom/oom: tests/oom.c tests/harness.h $(OOM_OBJ) $(CLD2_OBJ)
	$(FUZZ_CC) $(OOM_FLAGS) -Isrc -o $@ tests/oom.c $(OOM_OBJ) $(CLD2_OBJ) $(OOM_WRAP) $(CV_LDLIBS)
OOM_ENV   = ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
            LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0
OOM_JOBS ?= 2
oom: build/oom/oom
	@echo "# allocation failures: every N of a small document, a sample of N for the résumés"
	$(OOM_ENV) ./build/oom/oom --jobs $(OOM_JOBS) --sample 100,7 content/en.md content/zh.md --all tests/inputs/oom-mix.md
	@echo "# and with a cache directory: filled by the first render (each entry read back), and one that cannot be made (each made and its write tried)"
	rm -rf build/oom/disk
	$(OOM_ENV) ./build/oom/oom --jobs $(OOM_JOBS) --modes nocache,warm --opt cache-dir=$(CURDIR)/build/oom/disk --sample 60,13 content/en.md content/zh.md
	$(OOM_ENV) ./build/oom/oom --jobs $(OOM_JOBS) --modes nocache --opt cache-dir=/proc/cvpdf-no-cache --sample 60,13 content/en.md content/zh.md
oom-full: build/oom/oom
	@echo "# allocation failures: every N, for each document and mode"
	$(OOM_ENV) ./build/oom/oom --jobs $(OOM_JOBS) --all content/en.md content/zh.md tests/inputs/oom-mix.md

# Speed and size (tests/bench.c): whole-process medians of the command (wall, user, peak memory,
# size, the library's stage timers) and in-process re-renders through a cvpdf_cache.
$(O)/bench: tests/bench.c $(O)/libcvpdf.a $(O)/build.cfg $(O)/link.cfg
	$(TEST_LINK)
bench: $(BIN) $(O)/bench
	$(O)/bench $(abspath $(BIN)) $(or $(RUNS),7)
# Typst on the same résumés, measured the same way, for the README's comparison (installs
# Typst's npm package under build/typst; needs Node.js and npm)
bench-typst:
	sh scripts/typst-bench.sh $(or $(RUNS),7)

# Regenerates src/hanvariant.inc from ICU's transliterators (scripts/gen-hanvariant.c) and
# src/gemoji.inc, GitHub's emoji shortcodes, from the npm package gemoji (needs npm and node).
GEMOJI_VERSION = 8.1.0
regen-tables:
	@mkdir -p build
	$(CC) -O2 scripts/gen-hanvariant.c -o build/gen-hanvariant $$($(PKG_CONFIG) --cflags --libs icu-i18n icu-uc)
	build/gen-hanvariant >src/hanvariant.inc.new && mv src/hanvariant.inc.new src/hanvariant.inc
	rm -rf build/gemoji && mkdir -p build/gemoji
	cd build/gemoji && npm pack --silent gemoji@$(GEMOJI_VERSION) >/dev/null && tar xzf gemoji-$(GEMOJI_VERSION).tgz
	node scripts/gen-gemoji.mjs build/gemoji/package/index.js $(GEMOJI_VERSION) >src/gemoji.inc.new && mv src/gemoji.inc.new src/gemoji.inc
	@git --no-pager diff --stat -- src/hanvariant.inc src/gemoji.inc

# Regenerates the golden traces of tests/cases and shows what changed: review before committing.
regen: $(BIN)
	@for f in tests/cases/*.md; do $(abspath $(BIN)) -q --trace $$f -o $${f%.md}.trace; done
	@git --no-pager diff --stat -- tests/cases; git --no-pager diff -- tests/cases | head -n 200

clean:
	rm -rf build $(BIN) out
