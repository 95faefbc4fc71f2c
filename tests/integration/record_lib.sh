# Helpers shared by the record_*.sh tests (sourced after lib.sh; not a test itself).

# json FILE KEY.PATH: print a value of a JSON document (lists index by number).
json() {
	/usr/bin/python3 -c 'import json,sys; v=json.load(open(sys.argv[1]))
for k in sys.argv[2].split("."): v=v[int(k)] if k.isdigit() else v[k]
print(json.dumps(v) if isinstance(v,(dict,list,bool)) or v is None else v)' "$1" "$2"
}

# wait_for 'SHELL CONDITION': poll every 0.1 s, fail after 30 s.
wait_for() {
	local i
	for i in $(seq 300); do
		eval "$1" && return 0
		sleep 0.1
	done
	fail "timed out waiting for: $1"
}

# bpffs on /sys/fs/bpf for the test (mounted, and unmounted at exit, if it was not).
need_bpffs() {
	if [ "$(stat -f -c %T /sys/fs/bpf 2>/dev/null)" != bpf_fs ]; then
		mount -t bpf bpf /sys/fs/bpf || skip "cannot mount bpffs on /sys/fs/bpf"
		at_exit "umount /sys/fs/bpf"
	fi
}
