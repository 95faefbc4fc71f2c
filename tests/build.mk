# tests/: cmocka unit drivers (tests/unit/test_<module>.c, one per module),
# integration scripts (tests/integration/*.sh), small helper programs used by the
# integration tests (tests/helpers/*.c), and libFuzzer targets
# (tests/fuzz/fuzz_<name>.c) whose corpus (tests/fuzz/corpus/<name>/) is replayed
# by `make check` through a plain driver.
TEST_LIBS := $(LIBSCXTOP) $(LIBSCXPROF) $(LIBCOMMON)

UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_TESTS += $(UNIT_SRCS:tests/unit/%.c=$(OUTPUT)/tests/unit/%)
TEST_SUPPORT_OBJS := $(patsubst %.c,$(OUTPUT)/obj/%.o,$(wildcard tests/unit/support/*.c))

$(OUTPUT)/obj/tests/%.o: ALL_CFLAGS += $(CMOCKA_CFLAGS) -Itests/unit

# Per-test extra link flags: TEST_LDFLAGS_test_foo := -Wl,--wrap=bar
$(OUTPUT)/tests/unit/%: $(OUTPUT)/obj/tests/unit/%.o $(TEST_SUPPORT_OBJS) $(TEST_LIBS)
	$(call msg,LINK,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(ALL_LDFLAGS) $< $(TEST_SUPPORT_OBJS) $(TEST_LDFLAGS_$*) $(TEST_LIBS) $(LIBS) \
		$(CMOCKA_LIBS) -o $@

HELPER_SRCS := $(wildcard tests/helpers/*.c)
TEST_HELPERS := $(HELPER_SRCS:tests/helpers/%.c=$(OUTPUT)/tests/helpers/%)
$(OUTPUT)/tests/helpers/%: $(OUTPUT)/obj/tests/helpers/%.o $(TEST_LIBS)
	$(call msg,LINK,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(ALL_LDFLAGS) $^ $(LIBS) -o $@

# Fuzz targets: replayed over their corpus in `make check` (built with $(CC), and
# with ASan/UBSan under SANITIZE=1); fuzzed with libFuzzer by `make fuzz`.
FUZZ_SRCS := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_NAMES := $(FUZZ_SRCS:tests/fuzz/fuzz_%.c=%)
FUZZ_REPLAYS := $(FUZZ_NAMES:%=$(OUTPUT)/tests/fuzz/replay_%)
FUZZ_SECONDS ?= 60

$(OUTPUT)/tests/fuzz/replay_%: $(OUTPUT)/obj/tests/fuzz/fuzz_%.o $(TEST_LIBS)
	$(call msg,LINK,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -DFUZZ_NAME='"$*"' tests/fuzz/replay_main.c $^ \
		$(LIBS) -o $@

# libFuzzer build: every library source recompiled with clang's fuzzer
# instrumentation into build/fuzz/obj.
FUZZ_CFLAGS = -std=gnu11 -O1 -g -D_GNU_SOURCE -fsanitize=fuzzer-no-link,address,undefined \
	-fno-omit-frame-pointer $(INCLUDES) $(PKG_CFLAGS)
FUZZ_LIB_SRCS := $(COMMON_SRCS) $(SCXPROF_SRCS) $(EXTRACT_SRCS) $(SCXTOP_SRCS)
FUZZ_LIB_OBJS := $(FUZZ_LIB_SRCS:%.c=$(OUTPUT)/fuzz/obj/%.o)

$(OUTPUT)/fuzz/obj/%.o: %.c | $(GEN_HDRS) $(SKELS)
	$(call msg,CC-FUZZ,$<)
	@mkdir -p $(@D)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) -MMD -MP -c $< -o $@

$(OUTPUT)/fuzz/libfuzzlib.a: $(FUZZ_LIB_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(OUTPUT)/fuzz/fuzz_%: $(OUTPUT)/fuzz/obj/tests/fuzz/fuzz_%.o $(OUTPUT)/fuzz/libfuzzlib.a
	$(call msg,LINK,$@)
	$(Q)$(CLANG) -fsanitize=fuzzer,address,undefined $^ $(LIBS) -o $@

fuzz: $(FUZZ_NAMES:%=$(OUTPUT)/fuzz/fuzz_%)
	$(Q)for n in $(FUZZ_NAMES); do \
		echo "fuzz: $$n for $(FUZZ_SECONDS)s"; \
		mkdir -p $(OUTPUT)/fuzz/corpus/$$n; \
		$(OUTPUT)/fuzz/fuzz_$$n -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
			-artifact_prefix=$(OUTPUT)/fuzz/$$n- \
			$(OUTPUT)/fuzz/corpus/$$n tests/fuzz/corpus/$$n || exit 1; \
	done

TEST_DEPS := all $(UNIT_TESTS) $(TEST_HELPERS) $(FUZZ_REPLAYS)

# T= picks tests (files or directories); default is everything.
test: $(TEST_DEPS)
	$(Q)tests/run-tests $(or $(T),$(UNIT_TESTS) $(FUZZ_REPLAYS) tests/integration)
