# top/: scxtop. main.c holds the dispatch table; live/, trace/, analyze/ and mcp/
# are sibling subtrees linked into libscxtop.a.
SCXTOP := $(OUTPUT)/scxtop
SCXTOP_SRCS := $(wildcard top/live/*.c top/trace/*.c top/analyze/*.c top/mcp/*.c)
SCXTOP_OBJS := $(SCXTOP_SRCS:%.c=$(OUTPUT)/obj/%.o)
LIBSCXTOP := $(OUTPUT)/libscxtop.a
BINS += $(SCXTOP)
DOCS += $(OUTPUT)/man/scxtop.1 $(OUTPUT)/completion/scxtop

$(LIBSCXTOP): $(SCXTOP_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(SCXTOP): $(OUTPUT)/obj/top/main.o $(LIBSCXTOP) $(LIBSCXPROF) $(LIBCOMMON)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(ALL_LDFLAGS) $^ $(LIBS) -o $@
