# radesk — non-recursive build.
#
#   make            build build/radesk (and its translations)
#   make run        install what is missing, prepare demo/, open the TUI
#   make check      install what is missing, build, run every test, then the
#                   unit and CLI tests again under AddressSanitizer + UBSan
#   make bench      benchmarks, results appended to build/bench.txt
#   make fuzz       libFuzzer targets (clang), short runs
#   make tsan       the CA outbox tests (sender threads) under ThreadSanitizer
#   make install PREFIX=/usr/local DESTDIR=
#
# Sources are found by wildcard: a new .c file in a module folder, a new
# tests/unit/<module>/test_*.c or a new po/zh_CN/*.po needs no Makefile edit.

PREFIX   ?= /usr/local
# make run and make check build (and prepare fonts, run clang-tidy) on every
# core, as they are usually called without -j; the tests run one at a time.
JOBS     ?= $(shell nproc 2>/dev/null || echo 2)
DESTDIR  ?=
BUILD    ?= build
SAN      ?=
CC       ?= cc
VERSION  := 0.1.0

PKGS := ncursesw formw menuw panelw sqlite3 libcrypto libssl libcurl \
        libqrencode pangocairo pangoft2 fontconfig cairo-pdf jansson inih libargon2 libp11 p11-kit-1

PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CUPS_CFLAGS = $(shell cups-config --cflags 2>/dev/null)
CUPS_LIBS   = $(shell cups-config --libs 2>/dev/null)

WARN    := -Wall -Wextra -Werror -Wno-unused-parameter -Wshadow -Wformat=2 -Wno-format-truncation -Wvla
CFLAGS  ?= -O2 -g
CFLAGS  += -std=c11 -D_GNU_SOURCE $(WARN) -I. $(PKG_CFLAGS) $(CUPS_CFLAGS) \
           -DRADESK_VERSION='"$(VERSION)"' -DRADESK_PREFIX='"$(PREFIX)"' -MMD -MP
LDLIBS  += $(PKG_LIBS) $(CUPS_LIBS) -lm -ldl -lpthread

ifeq ($(SAN),1)
CFLAGS  += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDFLAGS += -fsanitize=address,undefined
endif

MODULES := core data forms print ca ukey workflows ui cli
LIB_SRC := $(filter-out cli/main.c,$(foreach m,$(MODULES),$(wildcard $(m)/*.c)))
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
MIGRATIONS := $(sort $(wildcard data/migrations/*.sql))
LIB_OBJ  += $(BUILD)/obj/gen/migrations.o
MAIN_OBJ := $(BUILD)/obj/cli/main.o
LIB     := $(BUILD)/libradesk.a
BIN     := $(BUILD)/radesk

UNIT_SRC  := $(wildcard tests/unit/*/test_*.c)
UNIT_BIN  := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRC))
UNIT_HELP := $(wildcard tests/unit/*.c)
UNIT_HOBJ := $(UNIT_HELP:%.c=$(BUILD)/obj/%.o)
TOOL_SRC  := $(wildcard tests/tools/*.c)
TOOL_BIN  := $(patsubst tests/tools/%.c,$(BUILD)/tools/%,$(TOOL_SRC))
SHIM_SRC  := $(wildcard tests/shims/*.c)
SHIM_SO   := $(patsubst tests/shims/%.c,$(BUILD)/shims/%.so,$(SHIM_SRC))
BENCH_SRC := $(wildcard bench/bench_*.c)
BENCH_BIN := $(patsubst bench/%.c,$(BUILD)/bench/%,$(BENCH_SRC))

# Noto Sans CJK SC flattened for printing (scripts/prepare-font; about 30 s
# a face, once).  Generated beside the templates, found by print/ctx.c.
NOTO_DIR ?= /usr/share/fonts/opentype/noto
FONTS    := share/fonts/NotoSansCJKsc-Regular.otf share/fonts/NotoSansCJKsc-Bold.otf

PO_FILES := $(wildcard po/zh_CN/*.po)
MO       := $(BUILD)/locale/zh_CN/LC_MESSAGES/radesk.mo

.PHONY: fonts demo-reset all run check test bench fuzz soak tsan install clean deps tests tools pot lint tidy tidy-lint
all: $(BIN) $(MO)

deps:
	@scripts/install-deps

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(CFLAGS) -c $< -o $@

$(BUILD)/gen/migrations.c: $(MIGRATIONS) scripts/embed-migrations
	@mkdir -p $(dir $@)
	@scripts/embed-migrations $(MIGRATIONS) > $@

$(BUILD)/obj/gen/migrations.o: $(BUILD)/gen/migrations.c
	@mkdir -p $(dir $@)
	@$(CC) $(CFLAGS) -c $< -o $@

$(LIB): $(LIB_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(BIN): $(MAIN_OBJ) $(LIB)
	$(CC) $(LDFLAGS) -o $@ $(MAIN_OBJ) $(LIB) $(LDLIBS)

$(BUILD)/tests/%: tests/unit/%.c $(LIB) $(UNIT_HOBJ)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(UNIT_HOBJ) $(LIB) $(LDLIBS) $(shell pkg-config --libs cmocka)

$(BUILD)/tools/%: tests/tools/%.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS)

$(BUILD)/shims/%.so: tests/shims/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -fPIC -shared -o $@ $< -ldl

$(BUILD)/bench/%: bench/%.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS)

$(MO): $(PO_FILES)
	@mkdir -p $(dir $@)
	msgcat --use-first -o $(BUILD)/zh_CN.po $(PO_FILES)
	msgfmt --check -o $@ $(BUILD)/zh_CN.po

tests: $(BIN) $(MO) $(UNIT_BIN) $(TOOL_BIN) $(SHIM_SO) $(FONTS)

fonts: $(FONTS)

share/fonts/NotoSansCJKsc-%.otf: scripts/prepare-font
	@mkdir -p $(dir $@)
	@echo "  FONT    $@ (once, about 30 s)"
	@scripts/prepare-font $(NOTO_DIR)/NotoSansCJK-$*.ttc "Noto Sans CJK SC" $@

# The message catalogue template, from every _() and N_() in the sources.
pot:
	@mkdir -p $(BUILD)
	xgettext --language=C --from-code=UTF-8 -k_ -kN_ -c'TRANSLATORS' -o $(BUILD)/radesk.pot $(sort $(LIB_SRC) cli/main.c $(wildcard */*.def))

run:
	@scripts/install-deps
	@$(MAKE) --no-print-directory -j$(JOBS) all fonts
	@scripts/demo-env
	@if [ -f demo/env ]; then . ./demo/env; fi; \
	 RADESK_CONFIG=$(CURDIR)/demo/radesk.conf exec $(BIN) --config $(CURDIR)/demo/radesk.conf

check:
	@scripts/install-deps
	@$(MAKE) --no-print-directory -j$(JOBS) tests
	@$(MAKE) --no-print-directory -j$(JOBS) lint
	@$(MAKE) --no-print-directory pot
	@$(MAKE) --no-print-directory -j$(JOBS) BUILD=build-asan SAN=1 tests
	@tests/run --build $(BUILD) --asan-build build-asan

test: tests
	@tests/run --build $(BUILD)

bench: $(BIN) $(BENCH_BIN) $(FONTS)
	@bench/run $(BUILD)

soak: tests
	@SOAK=1 tests/run --build $(BUILD) --only integration

# The outbox's sender threads and its main thread share the pipeline's
# state: its tests run against a build with ThreadSanitizer, any report
# failing them.
tsan:
	@CFLAGS="-O1 -g -fsanitize=thread" LDFLAGS="-fsanitize=thread" \
	 $(MAKE) --no-print-directory -j$(JOBS) BUILD=build-tsan tests
	@TSAN_OPTIONS="halt_on_error=1 exitcode=66" tests/run --build build-tsan --only integration ca_outbox

fuzz:
	@scripts/install-deps
	@tests/fuzz/run

install: all fonts
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
	  $(DESTDIR)$(PREFIX)/share/man/man5 $(DESTDIR)$(PREFIX)/share/locale/zh_CN/LC_MESSAGES \
	  $(DESTDIR)$(PREFIX)/share/radesk
	install -m 0755 $(BIN) $(DESTDIR)$(PREFIX)/bin/radesk
	install -m 0644 $(MO) $(DESTDIR)$(PREFIX)/share/locale/zh_CN/LC_MESSAGES/radesk.mo
	install -m 0644 docs/radesk.1 $(DESTDIR)$(PREFIX)/share/man/man1/radesk.1
	install -m 0644 docs/radesk.conf.5 $(DESTDIR)$(PREFIX)/share/man/man5/radesk.conf.5
	cp -R share/. $(DESTDIR)$(PREFIX)/share/radesk/ 2>/dev/null || true

# Statements of rd_db_prepare may be cached: data/ gives them back with
# rd_db_done; a sqlite3_finalize there would free one the cache still holds.
lint: tidy-lint
	@if grep -n 'sqlite3_finalize' $(filter-out data/db.c,$(wildcard data/*.c)); then \
	  echo "lint: data/ must give statements back with rd_db_done, not sqlite3_finalize" >&2; exit 1; fi
	cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability \
	  --suppress=missingIncludeSystem --inline-suppr -I. $(MODULES)

# clang-tidy over the modules' sources with the build's own flags; the
# checks and why some are off are in .clang-tidy.  One stamp per file, so
# `make -j2 tidy` runs two at a time and later only what changed.
TIDY       ?= clang-tidy
TIDY_FLAGS  = $(filter-out -MMD -MP -g -O2,$(CFLAGS)) -Wno-unknown-warning-option
TIDY_OK    := $(patsubst %.c,$(BUILD)/tidy/%.ok,$(LIB_SRC) cli/main.c)
# What `make lint` checks: the whole tree.
TIDY_LINT  := $(TIDY_OK)

tidy: $(TIDY_OK)
tidy-lint: $(TIDY_LINT)

$(BUILD)/tidy/%.ok: %.c .clang-tidy $(wildcard */*.h */*.def)
	@mkdir -p $(dir $@)
	@echo "  TIDY    $<"
	@$(TIDY) --quiet $< -- $(TIDY_FLAGS) >$@.log 2>&1 && touch $@ || \
	  { grep -v '^[0-9]* warnings\{0,1\} generated\.$$' $@.log; exit 1; }

demo-reset:
	-pkill -f "cupsd -[cC] $(CURDIR)/demo/cups/cupsd.conf" 2>/dev/null
	-tests/fixtures/cfssl-ca.sh stop $(CURDIR)/demo/ca >/dev/null 2>&1
	rm -rf demo

clean:
	rm -rf build build-asan build-fuzz build-tsan

-include $(shell find $(BUILD)/obj $(BUILD)/tests $(BUILD)/tools $(BUILD)/bench -name '*.d' 2>/dev/null)
