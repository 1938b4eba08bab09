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
BIN      = cvpdf

.PHONY: all check test render clean regen
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

check test: $(BIN) $(O)/unit $(O)/threads $(O)/locale/de_DE.UTF-8
	CVPDF_UNIT=$(O)/unit CVPDF_THREADS=$(O)/threads CVPDF_LOCPATH=$(CURDIR)/$(O)/locale bash tests/run.sh

# Regenerates the golden traces of tests/cases and shows what changed: review before committing.
regen: $(BIN)
	@for f in tests/cases/*.md; do ./$(BIN) -q --trace $$f -o $${f%.md}.trace; done
	@git --no-pager diff --stat -- tests/cases; git --no-pager diff -- tests/cases | head -n 200

clean:
	rm -rf build $(BIN) out
