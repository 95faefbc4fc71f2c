# SPDX-License-Identifier: GPL-2.0
#
# One build for scxprof and scxtop. Everything generated goes under build/.
#
#   make [all]          build/scxprof, build/scxtop, man pages, bash completion
#   make demo           install missing deps, build, run the demo
#   make check          install missing deps, build with -Werror, run every test
#   make test [T=...]   run tests without the dependency check (T: test files/dirs)
#   make bench          benchmarks (ratios against a reference measured in the same run)
#   make fuzz           libFuzzer targets (clang), FUZZ_SECONDS per target
#   make install        PREFIX=/usr/local DESTDIR=
#   make clean
#
# Knobs: V=1 (show commands), SANITIZE=1 (ASan+UBSan), CC, CLANG, BPFTOOL,
# VMLINUX_BTF (BTF to generate vmlinux.h from), VMLINUX_H (use this header instead),
# EXTRA_CFLAGS, EXTRA_LDFLAGS.

OUTPUT := build
PREFIX ?= /usr/local
DESTDIR ?=

CC ?= gcc
CLANG ?= clang
BPFTOOL ?= bpftool
PKG_CONFIG ?= pkg-config
VMLINUX_BTF ?= /sys/kernel/btf/vmlinux
VMLINUX_H ?=

ifeq ($(V),1)
Q :=
msg :=
else
Q := @
msg = @printf '  %-9s %s\n' "$(1)" "$(2)";
endif

ARCH := $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/i.86/x86/' -e 's/aarch64.*/arm64/' \
	-e 's/arm.*/arm/' -e 's/riscv64/riscv/' -e 's/ppc64le/powerpc/' -e 's/s390x/s390/' \
	-e 's/loongarch64/loongarch/')

# Libraries come from pkg-config (Debian 12 packages, see scripts/install-deps).
PKGS := libbpf libelf zlib libarchive libpcre2-8 jansson libprotobuf-c ncursesw
PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)
CMOCKA_CFLAGS := $(shell $(PKG_CONFIG) --cflags cmocka 2>/dev/null)
CMOCKA_LIBS := $(shell $(PKG_CONFIG) --libs cmocka 2>/dev/null)

WARNINGS := -Wall -Wextra -Werror -Wmissing-prototypes -Wstrict-prototypes -Wvla \
	-Wwrite-strings -Wformat=2 -Wno-unused-parameter -Wshadow=local
CFLAGS_BASE := -std=gnu11 -O2 -g $(WARNINGS) -D_GNU_SOURCE -fno-common
ifeq ($(SANITIZE),1)
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
endif
INCLUDES := -I. -I$(OUTPUT) -I$(OUTPUT)/gen
ALL_CFLAGS = $(CFLAGS_BASE) $(SAN_FLAGS) $(INCLUDES) $(PKG_CFLAGS) $(EXTRA_CFLAGS)
ALL_LDFLAGS = $(SAN_FLAGS) $(EXTRA_LDFLAGS)
LIBS = $(PKG_LIBS) -lm

# Clang's BPF target lacks the host's system include dirs; borrow them
# (libbpf-bootstrap does the same) so <asm/types.h> and friends resolve.
CLANG_BPF_SYS_INCLUDES ?= $(shell $(CLANG) -v -E - </dev/null 2>&1 \
	| sed -n '/<...> search starts here:/,/End of search list./{ s| \(/.*\)|-idirafter \1|p }')
BPF_CFLAGS := -g -O2 -Wall -target bpf -D__TARGET_ARCH_$(ARCH) -I$(OUTPUT) -Ibpf

.DEFAULT_GOAL := all
.DELETE_ON_ERROR:
.SECONDARY:
.PHONY: all demo check test bench fuzz install clean docs deps FORCE

# Fragments append to these.
BINS :=
LIBS_A :=
SKELS :=
GEN_HDRS :=
UNIT_TESTS :=
FUZZ_TARGETS :=
DOCS :=

include common/build.mk
include bpf/build.mk
include extract/build.mk
include profiler/build.mk
include top/build.mk
include tests/build.mk

# Objects are rebuilt when the compiler flags change (e.g. SANITIZE=1 and back),
# so build/ never mixes instrumented and plain objects.
FLAGS_STAMP := $(OUTPUT)/flags.stamp
# Expanded now, so target-specific additions (tests' -I flags) never leak into it.
STAMP_TEXT := $(CC) $(CFLAGS_BASE) $(SAN_FLAGS) $(EXTRA_CFLAGS) $(EXTRA_LDFLAGS)
$(FLAGS_STAMP): FORCE | $(OUTPUT)
	@echo '$(STAMP_TEXT)' > $@.tmp; \
	cmp -s $@.tmp $@ 2>/dev/null && rm -f $@.tmp || mv $@.tmp $@

# --version shows the git commit; the header is replaced only when it changes.
$(OUTPUT)/gen/version.h: FORCE | $(OUTPUT)/gen
	@v=$$(sed -n 's/^VERSION := //p' common/build.mk); \
	c=$$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown); \
	git diff --quiet HEAD -- 2>/dev/null || c="$$c-dirty"; \
	printf '#define SCX_VERSION "%s"\n#define SCX_GIT_COMMIT "%s"\n' "$$v" "$$c" > $@.tmp; \
	cmp -s $@.tmp $@ 2>/dev/null && rm -f $@.tmp || mv $@.tmp $@
GEN_HDRS += $(OUTPUT)/gen/version.h

$(OUTPUT) $(OUTPUT)/gen:
	$(Q)mkdir -p $@

# Generic C rule: every object under build/obj mirrors its source path.
$(OUTPUT)/obj/%.o: %.c $(FLAGS_STAMP) | $(GEN_HDRS) $(SKELS)
	$(call msg,CC,$<)
	@mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

all: $(BINS) docs

docs: $(DOCS)

deps:
	$(Q)scripts/install-deps

demo: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)scripts/demo

check: deps
	$(Q)$(MAKE) --no-print-directory test

bench: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)scripts/bench/run $(B)

install: all
	$(call msg,INSTALL,$(DESTDIR)$(PREFIX))
	$(Q)install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions
	$(Q)install -m 0755 $(BINS) $(DESTDIR)$(PREFIX)/bin/
	$(Q)install -m 0644 $(filter %.1,$(DOCS)) $(DESTDIR)$(PREFIX)/share/man/man1/
	$(Q)install -m 0644 $(filter $(OUTPUT)/completion/%,$(DOCS)) \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/

clean:
	$(call msg,CLEAN,$(OUTPUT))
	$(Q)rm -rf $(OUTPUT)

-include $(shell find $(OUTPUT) -name '*.d' 2>/dev/null)
