# cvpdf: GNU make. `make` builds ./cvpdf; `make check` builds and runs every test;
# `make render` renders content/*.md into out/*.pdf. BUILD=release|debug|sanitize.
CC      ?= cc
BUILD   ?= release
PREFIX  ?= /usr/local
VERSION  = 0.1.0
FONTDIR ?= $(CURDIR)/fonts
STYLEDIR ?= $(CURDIR)/styles

PKGS     = harfbuzz harfbuzz-subset icu-uc libcmark-gfm yaml-0.1 fontconfig libxml-2.0 freetype2
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   = $(shell pkg-config --libs $(PKGS)) -lhyphen

WARN     = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wno-unused-parameter
CFLAGS_release  = -O2 -g
CFLAGS_debug    = -O0 -g3
CFLAGS_sanitize = -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer
CFLAGS  = -std=c11 $(WARN) $(CFLAGS_$(BUILD)) -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L \
          -fvisibility=hidden -DCVPDF_BUILDING -DCVPDF_VERSION='"$(VERSION)"' \
          -DCVPDF_FONTDIR='"$(FONTDIR)"' -DCVPDF_STYLEDIR='"$(STYLEDIR)"' $(PKG_CFLAGS) $(XCFLAGS)
LDFLAGS_sanitize = -fsanitize=address,undefined
LDLIBS  = $(PKG_LIBS) -lhpdf -lpthread $(LDFLAGS_$(BUILD)) $(XLDFLAGS)

O        = build/$(BUILD)
LIB_SRC  = util.c yaml.c style.c build.c breaks.c shape.c font.c layout.c paginate.c \
           cff.c subset.c pdffont.c pdf.c render.c hyphen.c linebreak.c trace.c \
           html.c image.c mojibake.c check.c emoji.c
LIB_OBJ  = $(LIB_SRC:%.c=$(O)/%.o)
# the release binary is ./cvpdf; other builds keep theirs under build/
BIN      = $(if $(filter release,$(BUILD)),cvpdf,$(O)/cvpdf)

.PHONY: all check test render clean regen asan valgrind fuzz fuzz-smoke bench
all: $(BIN)

$(O)/%.o: src/%.c src/internal.h src/cvpdf.h src/pdf.h src/mojibake_tables.h Makefile | $(O)
	$(CC) $(CFLAGS) -c $< -o $@

$(O):
	mkdir -p $@

$(O)/libcvpdf.a: $(LIB_OBJ)
	rm -f $@
	ar rcs $@ $^

$(BIN): $(O)/main.o $(O)/libcvpdf.a
	$(CC) -o $@ $^ $(LDLIBS)

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
test: $(BIN) $(O)/unit $(O)/threads $(O)/locale/de_DE.UTF-8
	CVPDF=$(CURDIR)/$(BIN) CVPDF_UNIT=$(O)/unit CVPDF_THREADS=$(O)/threads CVPDF_LOCPATH=$(CURDIR)/$(O)/locale bash tests/run.sh

check: test asan valgrind fuzz-smoke

ASAN_ENV = ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
           LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0
asan:
	$(MAKE) BUILD=sanitize build/sanitize/cvpdf build/sanitize/unit build/sanitize/threads build/sanitize/locale/de_DE.UTF-8
	@echo "# the whole suite under AddressSanitizer + UndefinedBehaviorSanitizer"
	$(ASAN_ENV) CVPDF=$(CURDIR)/build/sanitize/cvpdf CVPDF_UNIT=build/sanitize/unit CVPDF_THREADS=build/sanitize/threads \
	    CVPDF_LOCPATH=$(CURDIR)/build/sanitize/locale TIMEOUT=600 bash tests/run.sh

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
build/fuzz/cvpdf-fuzz: tests/fuzz.c $(addprefix src/,$(LIB_SRC)) src/internal.h src/cvpdf.h
	mkdir -p build/fuzz
	$(FUZZ_CC) $(FUZZ_FLAGS) -fsanitize=fuzzer -Isrc -o $@ tests/fuzz.c $(addprefix src/,$(LIB_SRC)) $(PKG_LIBS) -lhpdf -lpthread
FUZZ_TIME ?= 600
fuzz-corpus:
	@mkdir -p build/fuzz/corpus && cp tests/cases/*.md content/*.md tests/inputs/*.md build/fuzz/corpus/ 2>/dev/null; true
fuzz: build/fuzz/cvpdf-fuzz fuzz-corpus
	$(ASAN_ENV) ./build/fuzz/cvpdf-fuzz -max_total_time=$(FUZZ_TIME) -timeout=20 -rss_limit_mb=4096 \
	    -artifact_prefix=build/fuzz/ build/fuzz/corpus
# the smoke run is deterministic (a fixed seed and number of runs): CI gets the same answer
fuzz-smoke: build/fuzz/cvpdf-fuzz fuzz-corpus
	@echo "# fuzzing: the kept findings, then 600 runs from seed 1"
	$(ASAN_ENV) ./build/fuzz/cvpdf-fuzz -runs=0 tests/fuzz-regressions
	$(ASAN_ENV) ./build/fuzz/cvpdf-fuzz -seed=1 -runs=600 -timeout=20 -rss_limit_mb=4096 \
	    -artifact_prefix=build/fuzz/ build/fuzz/corpus > build/fuzz/smoke.log 2>&1 || { tail -n 40 build/fuzz/smoke.log; exit 1; }
	@tail -n 2 build/fuzz/smoke.log

# Whole-process figures: median wall and user time, peak memory, output size (tests/bench.sh).
bench: $(BIN)
	CVPDF=./$(BIN) bash tests/bench.sh

# Regenerates the golden traces of tests/cases and shows what changed: review before committing.
regen: $(BIN)
	@for f in tests/cases/*.md; do ./$(BIN) -q --trace $$f -o $${f%.md}.trace; done
	@git --no-pager diff --stat -- tests/cases; git --no-pager diff -- tests/cases | head -n 200

clean:
	rm -rf build $(BIN) out
