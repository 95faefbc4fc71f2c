# common/: the static library shared by scxprof and scxtop (logging, errors,
# strbuf, JSON writer, atomic output, child processes, signals, CLI, hash map).
VERSION := 0.1.0

COMMON_SRCS := $(wildcard common/*.c)
COMMON_OBJS := $(COMMON_SRCS:%.c=$(OUTPUT)/obj/%.o)
LIBCOMMON := $(OUTPUT)/libcommon.a
LIBS_A += $(LIBCOMMON)

$(LIBCOMMON): $(COMMON_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && $(AR) rcs $@ $^
