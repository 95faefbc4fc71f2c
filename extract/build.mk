# extract/: `scxprof extract` (mem, sched-util). Linked into libscxprof.a.
EXTRACT_SRCS := $(wildcard extract/*.c)
EXTRACT_OBJS := $(EXTRACT_SRCS:%.c=$(OUTPUT)/obj/%.o)
