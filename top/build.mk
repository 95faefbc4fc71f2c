# top/: scxtop. main.c holds the dispatch table; live/, trace/, analyze/ and mcp/
# are sibling subtrees linked into libscxtop.a.
SCXTOP := $(OUTPUT)/scxtop
SCXTOP_SRCS := $(wildcard top/live/*.c top/trace/*.c top/analyze/*.c top/mcp/*.c)

# Perfetto protos: our subset (schemas/perfetto/*.proto, upstream field numbers)
# compiled by protoc-c into build/gen/perfetto/<name>.pb-c.[ch], included as
# "perfetto/<name>.pb-c.h" and linked into libscxtop.
PROTOC_C ?= protoc-c
PERFETTO_PROTOS := $(wildcard schemas/perfetto/*.proto)
PERFETTO_PB_C := $(PERFETTO_PROTOS:schemas/%.proto=$(OUTPUT)/gen/%.pb-c.c)
GEN_HDRS += $(PERFETTO_PB_C:.c=.h)
SCXTOP_SRCS += $(PERFETTO_PB_C)

$(OUTPUT)/gen/perfetto/%.pb-c.c $(OUTPUT)/gen/perfetto/%.pb-c.h: schemas/perfetto/%.proto
	$(call msg,PROTOC-C,$<)
	@mkdir -p $(@D)
	$(Q)$(PROTOC_C) -Ischemas --c_out=$(OUTPUT)/gen $<
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
