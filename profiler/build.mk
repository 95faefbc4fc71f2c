# profiler/: scxprof. main.c holds the dispatch table; every other file here and
# in extract/ goes into libscxprof.a, which unit tests link directly.
SCXPROF := $(OUTPUT)/scxprof
SCXPROF_SRCS := $(filter-out profiler/main.c,$(wildcard profiler/*.c))
SCXPROF_OBJS := $(SCXPROF_SRCS:%.c=$(OUTPUT)/obj/%.o)
LIBSCXPROF := $(OUTPUT)/libscxprof.a
BINS += $(SCXPROF)
DOCS += $(OUTPUT)/man/scxprof.1 $(OUTPUT)/completion/scxprof

# EXTRACT_OBJS comes from extract/build.mk, included first.
$(LIBSCXPROF): $(SCXPROF_OBJS) $(EXTRACT_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(SCXPROF): $(OUTPUT)/obj/profiler/main.o $(LIBSCXPROF) $(LIBCOMMON)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(ALL_LDFLAGS) $^ $(LIBS) -o $@

$(OUTPUT)/man/%.1: $(OUTPUT)/%
	$(call msg,GEN,$@)
	@mkdir -p $(@D)
	$(Q)$< --generate=man > $@

$(OUTPUT)/completion/%: $(OUTPUT)/%
	$(call msg,GEN,$@)
	@mkdir -p $(@D)
	$(Q)$< --generate=bash-completion > $@

# The synthetic sample profile (scripts/gen-sample-profile): used by `make demo`,
# extract and the tests. Too big for tests/data (about 6 MB), so it is generated.
SAMPLE_PROFILE := $(OUTPUT)/sample/sample-profile.tar.gz
$(SAMPLE_PROFILE): scripts/gen-sample-profile
	$(call msg,GEN,$@)
	$(Q)mkdir -p $(@D) && rm -f $@ && scripts/gen-sample-profile -o $(@D) >/dev/null
all: $(SAMPLE_PROFILE)
