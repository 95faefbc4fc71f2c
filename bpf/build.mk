# bpf/: one BPF program per concern (<name>.bpf.c), with <name>.h holding the
# types shared with user space. Each becomes build/bpf/<name>.skel.h whose
# skeleton struct is <name>_bpf (doctor_bpf__open(), ...).
BPF_SRCS := $(wildcard bpf/*.bpf.c)
BPF_OBJS := $(BPF_SRCS:bpf/%.bpf.c=$(OUTPUT)/bpf/%.bpf.o)
SKELS += $(BPF_SRCS:bpf/%.bpf.c=$(OUTPUT)/bpf/%.skel.h)

$(OUTPUT)/vmlinux.h: | $(OUTPUT)
ifneq ($(VMLINUX_H),)
	$(call msg,CP,$@)
	$(Q)cp $(VMLINUX_H) $@
else
	$(call msg,GEN,$@)
	$(Q)test -r $(VMLINUX_BTF) || { echo "error: $(VMLINUX_BTF) not readable: this kernel has no BTF; pass VMLINUX_BTF=<vmlinux with BTF> or VMLINUX_H=<header>" >&2; exit 1; }
	$(Q)$(BPFTOOL) btf dump file $(VMLINUX_BTF) format c > $@
endif

$(OUTPUT)/bpf/%.bpf.o: bpf/%.bpf.c $(OUTPUT)/vmlinux.h
	$(call msg,BPF,$@)
	@mkdir -p $(@D)
	$(Q)$(CLANG) $(BPF_CFLAGS) $(CLANG_BPF_SYS_INCLUDES) -MMD -MP -MF $(@:.o=.d) -MT $@ \
		-c $< -o $(@:.o=.tmp.o)
	$(Q)$(BPFTOOL) gen object $@ $(@:.o=.tmp.o)

$(OUTPUT)/bpf/%.skel.h: $(OUTPUT)/bpf/%.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name $(subst -,_,$*)_bpf > $@
