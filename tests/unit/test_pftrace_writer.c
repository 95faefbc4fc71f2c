// SPDX-License-Identifier: GPL-2.0
/*
 * The Perfetto writer: one packet of each kind against hand-computed bytes
 * (field numbers from the upstream protos), then the properties that make
 * trace_processor keep the data: pid and cpu always set, sorted bundles,
 * sequence flags, ProcessTree entries that only repeat what changed.
 */
#include "test_common.h"

#include "perfetto/trace.pb-c.h"
#include "top/trace/pftrace_writer.h"

#define BYTES(...) ((const uint8_t[]){__VA_ARGS__}), sizeof((const uint8_t[]){__VA_ARGS__})

struct out {
	char *buf;
	size_t len;
	FILE *fp;
	struct pftrace_writer *w;
	/* packets of the finished trace: offsets of each record's body */
	size_t pkt_off[4096], pkt_len[4096];
	size_t npkt;
};

static const struct pftrace_clocks fixed_clocks = {100, 200, 300};

static void out_open(struct out *o, struct pftrace_opts *po)
{
	memset(o, 0, sizeof(*o));
	o->fp = open_memstream(&o->buf, &o->len);
	assert_non_null(o->fp);
	po->sysname = "Linux";
	po->version = "v";
	po->release = "6.1";
	po->machine = "m";
	if (!po->clocks && !po->no_clock_snapshot)
		po->clocks = &fixed_clocks;
	assert_int_equal(pftrace_writer_create(&o->w, o->fp, po), 0);
}

/* Finish, then split the Trace into its packet records (0x0a, varint length, body). */
static void out_finish(struct out *o)
{
	size_t i = 0;

	assert_int_equal(pftrace_writer_finish(o->w), 0);
	fflush(o->fp);
	while (i < o->len) {
		uint64_t len = 0;
		unsigned shift = 0;

		assert_int_equal((uint8_t)o->buf[i++], 0x0a);
		while ((uint8_t)o->buf[i] & 0x80) {
			len |= (uint64_t)((uint8_t)o->buf[i++] & 0x7f) << shift;
			shift += 7;
		}
		len |= (uint64_t)(uint8_t)o->buf[i++] << shift;
		assert_true(o->npkt < ARRAY_SIZE(o->pkt_off));
		o->pkt_off[o->npkt] = i;
		o->pkt_len[o->npkt++] = len;
		i += len;
	}
	assert_int_equal(i, o->len);
	assert_int_equal(pftrace_writer_stats(o->w)->bytes, o->len);
}

static void out_close(struct out *o)
{
	pftrace_writer_destroy(o->w);
	fclose(o->fp);
	free(o->buf);
}

static void expect_packet(const struct out *o, size_t i, const uint8_t *want, size_t n)
{
	assert_true(i < o->npkt);
	if (o->pkt_len[i] != n || memcmp(o->buf + o->pkt_off[i], want, n)) {
		size_t k;

		printf("packet %zu: got %zu bytes:", i, o->pkt_len[i]);
		for (k = 0; k < o->pkt_len[i]; k++)
			printf(" %02x", (uint8_t)o->buf[o->pkt_off[i] + k]);
		printf("\n");
	}
	assert_int_equal(o->pkt_len[i], n);
	assert_memory_equal(o->buf + o->pkt_off[i], want, n);
}

static Perfetto__Protos__TracePacket *unpack(const struct out *o, size_t i)
{
	Perfetto__Protos__TracePacket *p = perfetto__protos__trace_packet__unpack(
		NULL, o->pkt_len[i], (const uint8_t *)o->buf + o->pkt_off[i]);

	assert_non_null(p);
	return p;
}

static void task(struct sched_task *t, int32_t tid, int32_t tgid, const char *comm)
{
	t->tid = tid;
	t->tgid = tgid;
	t->prio = 120;
	sched_comm_set(t->comm, comm);
}

static struct sched_event ev_at(uint64_t ts, uint32_t cpu, uint16_t kind, int32_t pid)
{
	struct sched_event e;

	memset(&e, 0, sizeof(e));
	e.ts = ts;
	e.cpu = cpu;
	e.kind = kind;
	e.pid = pid;
	e.tgid = -1;
	return e;
}

/* SystemInfo, then ClockSnapshot: the first packets of every trace. */
static void writer__header__system_info_and_clock_snapshot_bytes(void **state)
{
	struct pftrace_opts po = PFTRACE_OPTS_INIT;
	struct out o;

	po.nr_cpus = 2;
	out_open(&o, &po);
	out_finish(&o);
	assert_int_equal(o.npkt, 2);	/* no events: no stats either */
	expect_packet(&o, 0, BYTES(
		0xea, 0x02, 0x16,			/* system_info (45), 22 bytes */
		0x0a, 0x12,				/*   utsname, 18 bytes */
		0x0a, 0x05, 'L', 'i', 'n', 'u', 'x',	/*     sysname */
		0x12, 0x01, 'v',			/*     version */
		0x1a, 0x03, '6', '.', '1',		/*     release */
		0x22, 0x01, 'm',			/*     machine */
		0x40, 0x02,				/*   num_cpus 2 */
		0xb8, 0x05, 0x01,			/* first_packet_on_sequence (87) */
		0x50, 0x01,				/* trusted_packet_sequence_id 1 */
		0x68, 0x01));				/* SEQ_INCREMENTAL_STATE_CLEARED */
	expect_packet(&o, 1, BYTES(
		0x40, 0x64,				/* timestamp 100 */
		0x32, 0x16,				/* clock_snapshot (6), 22 bytes */
		0x0a, 0x04, 0x08, 0x06, 0x10, 0x64,	/*   BOOTTIME 100 */
		0x0a, 0x05, 0x08, 0x03, 0x10, 0xc8, 0x01,	/* MONOTONIC 200 */
		0x0a, 0x05, 0x08, 0x01, 0x10, 0xac, 0x02,	/* REALTIME 300 */
		0x10, 0x06,				/*   primary_trace_clock BOOTTIME */
		0x50, 0x01));
	out_close(&o);
}

/* Two switches and a waking on CPU 1 → one bundle with compact_sched. */
static void writer__compact_sched__bundle_bytes(void **state)
{
	struct pftrace_opts po = PFTRACE_OPTS_INIT;
	struct sched_event e;
	struct out o;

	po.no_clock_snapshot = true;
	out_open(&o, &po);
	e = ev_at(1000, 1, SCHED_EV_SWITCH, 10);
	task(&e.sw.prev, 10, -1, "a");
	task(&e.sw.next, 20, -1, "bb");
	e.sw.prev_state = SCHED_STATE_INTERRUPTIBLE;
	assert_int_equal(pftrace_write_event(o.w, &e), 0);
	e = ev_at(1500, 1, SCHED_EV_WAKING, 20);
	task(&e.wake.task, 10, -1, "a");
	e.wake.target_cpu = 1;
	assert_int_equal(pftrace_write_event(o.w, &e), 0);
	e = ev_at(2000, 1, SCHED_EV_SWITCH, 20);
	task(&e.sw.prev, 20, -1, "bb");
	task(&e.sw.next, 0, 0, "swapper/1");
	e.sw.prev_state = SCHED_STATE_PREEMPTED;
	assert_int_equal(pftrace_write_event(o.w, &e), 0);
	out_finish(&o);
	/* SystemInfo, the bundle, FtraceStats start and end */
	assert_int_equal(o.npkt, 4);
	expect_packet(&o, 1, BYTES(
		0x0a, 0x3d,				/* ftrace_events (1), 61 bytes */
		0x08, 0x01,				/*   cpu 1 */
		0x22, 0x39,				/*   compact_sched (4), 57 bytes */
		0x2a, 0x02, 'b', 'b',			/*     intern_table[0] */
		0x2a, 0x01, 'a',			/*     intern_table[1] */
		0x2a, 0x09, 's', 'w', 'a', 'p', 'p', 'e', 'r', '/', '1',
		0x0a, 0x04, 0xe8, 0x07, 0xe8, 0x07,	/*     switch_timestamp 1000, +1000 */
		0x12, 0x03, 0x01, 0x80, 0x02,		/*     switch_prev_state S, R+ */
		0x1a, 0x02, 0x14, 0x00,			/*     switch_next_pid 20, 0 */
		0x22, 0x02, 0x78, 0x78,			/*     switch_next_prio 120, 120 */
		0x32, 0x02, 0x00, 0x02,			/*     switch_next_comm_index 0, 2 */
		0x3a, 0x02, 0xdc, 0x0b,			/*     waking_timestamp 1500 */
		0x42, 0x01, 0x0a,			/*     waking_pid 10 */
		0x4a, 0x01, 0x01,			/*     waking_target_cpu 1 */
		0x52, 0x01, 0x78,			/*     waking_prio 120 */
		0x5a, 0x01, 0x01,			/*     waking_comm_index 1 */
		0x50, 0x01));
	out_close(&o);
}

/* Full events: migrate (with orig_cpu), softirq_entry, cpu_frequency. */
static void writer__full_events__bytes_with_pid_always_set(void **state)
{
	struct pftrace_opts po = PFTRACE_OPTS_INIT;
	struct sched_event e;
	struct out o;

	po.no_clock_snapshot = true;
	out_open(&o, &po);
	e = ev_at(3000, 1, SCHED_EV_MIGRATE, 10);
	task(&e.migrate.task, 10, -1, "a");
	e.migrate.orig_cpu = 0;
	e.migrate.dest_cpu = 1;
	assert_int_equal(pftrace_write_event(o.w, &e), 0);
	e = ev_at(3100, 1, SCHED_EV_SOFTIRQ_ENTRY, 0);
	e.softirq.vec = 3;
	assert_int_equal(pftrace_write_event(o.w, &e), 0);
	e = ev_at(3200, 1, SCHED_EV_CPU_FREQ, 0);
	e.freq.cpu_id = 1;
	e.freq.khz = 1800000;
	assert_int_equal(pftrace_write_event(o.w, &e), 0);
	out_finish(&o);
	expect_packet(&o, 1, BYTES(
		0x0a, 0x32,				/* ftrace_events, 50 bytes */
		0x08, 0x01,				/*   cpu 1 */
		0x12, 0x13,				/*   event, 19 bytes */
		0x08, 0xb8, 0x17,			/*     timestamp 3000 */
		0x10, 0x0a,				/*     pid 10 */
		0xda, 0x1e, 0x0b,			/*     sched_migrate_task (491), 11 bytes */
		0x0a, 0x01, 'a', 0x10, 0x0a, 0x18, 0x78,	/* comm, pid, prio */
		0x20, 0x00, 0x28, 0x01,			/*       orig_cpu 0, dest_cpu 1 */
		0x12, 0x0a,				/*   event, 10 bytes */
		0x08, 0x9c, 0x18, 0x10, 0x00,		/*     timestamp 3100, pid 0 (idle) */
		0xc2, 0x01, 0x02, 0x08, 0x03,		/*     softirq_entry (24) vec 3 */
		0x12, 0x0d,				/*   event, 13 bytes */
		0x08, 0x80, 0x19, 0x10, 0x00,		/*     timestamp 3200, pid 0 */
		0x5a, 0x06, 0x08, 0xc0, 0xee, 0x6d, 0x10, 0x01,	/* cpu_frequency 1800000 kHz, cpu 1 */
		0x50, 0x01));
	out_close(&o);
}

/* A task with a known tgid: Thread then Process entry, stamped with its time. */
static void writer__process_tree__thread_and_process_bytes(void **state)
{
	struct pftrace_opts po = PFTRACE_OPTS_INIT;
	struct sched_event e;
	struct out o;

	po.no_clock_snapshot = true;
	out_open(&o, &po);
	e = ev_at(1000, 0, SCHED_EV_WAKING, 0);
	task(&e.wake.task, 10, 10, "a");
	assert_int_equal(pftrace_write_event(o.w, &e), 0);
	out_finish(&o);
	expect_packet(&o, 1, BYTES(
		0x40, 0xe8, 0x07,			/* timestamp 1000 */
		0x12, 0x12,				/* process_tree (2), 18 bytes */
		0x12, 0x07, 0x08, 0x0a, 0x12, 0x01, 'a', 0x18, 0x0a,	/* threads {10, "a", tgid 10} */
		0x0a, 0x07, 0x08, 0x0a, 0x1a, 0x01, 'a', 0x48, 0x01,	/* processes {10, ["a"], is_comm} */
		0x50, 0x01));
	out_close(&o);
}

/* A sched_ext DSQ: two counter tracks, then a counter event on each. */
static void writer__dsq__counter_track_and_event_bytes(void **state)
{
	struct pftrace_opts po = PFTRACE_OPTS_INIT;
	struct sched_event e;
	struct out o;

	po.no_clock_snapshot = true;
	out_open(&o, &po);
	e = ev_at(5000, 0, SCHED_EV_DSQ, 0);
	e.dsq.dsq_id = 42;
	e.dsq.latency_ns = 7000;
	e.dsq.nr_queued = 3;
	assert_int_equal(pftrace_write_event(o.w, &e), 0);
	out_finish(&o);
	expect_packet(&o, 1, BYTES(
		0x40, 0x88, 0x27,			/* timestamp 5000 */
		0xe2, 0x03, 0x17,			/* track_descriptor (60), 23 bytes */
		0x08, 0x80, 0x02,			/*   uuid 256 */
		0x12, 0x0e, 'D', 'S', 'Q', ' ', '4', '2', ' ', 'l', 'a', 't', 'e', 'n', 'c', 'y',
		0x42, 0x02, 0x18, 0x01,			/*   counter { unit: UNIT_TIME_NS } */
		0x50, 0x01));
	expect_packet(&o, 3, BYTES(
		0x40, 0x88, 0x27,			/* timestamp 5000 */
		0x5a, 0x09,				/* track_event (11), 9 bytes */
		0x48, 0x04,				/*   type TYPE_COUNTER */
		0x58, 0x80, 0x02,			/*   track_uuid 256 */
		0xf0, 0x01, 0xd8, 0x36,			/*   counter_value (30) 7000 */
		0x50, 0x01,
		0x68, 0x02));				/* SEQ_NEEDS_INCREMENTAL_STATE */
	{
		Perfetto__Protos__TracePacket *p = unpack(&o, 2);

		assert_int_equal(p->data_case, PERFETTO__PROTOS__TRACE_PACKET__DATA_TRACK_DESCRIPTOR);
		assert_string_equal(p->track_descriptor->name, "DSQ 42 nr_queued");
		assert_int_equal(p->track_descriptor->uuid, 257);
		assert_int_equal(p->track_descriptor->counter->unit,
				 PERFETTO__PROTOS__COUNTER_DESCRIPTOR__UNIT__UNIT_COUNT);
		perfetto__protos__trace_packet__free_unpacked(p, NULL);
		p = unpack(&o, 4);
		assert_int_equal(p->track_event->track_uuid, 257);
		assert_int_equal(p->track_event->counter_value, 3);
		perfetto__protos__trace_packet__free_unpacked(p, NULL);
	}
	out_close(&o);
}

/* FtraceStats: start and end of trace, dropped events as overrun. */
static void writer__ftrace_stats__dropped_events_bytes(void **state)
{
	struct pftrace_opts po = PFTRACE_OPTS_INIT;
	struct sched_event e;
	struct out o;

	po.no_clock_snapshot = true;
	out_open(&o, &po);
	assert_int_equal(pftrace_note_dropped(o.w, 0, 5), 0);
	e = ev_at(1000, 0, SCHED_EV_SOFTIRQ_RAISE, 0);
	assert_int_equal(pftrace_write_event(o.w, &e), 0);
	out_finish(&o);
	assert_int_equal(o.npkt, 4);
	{
		/* the bundle after the loss says so: lost_events (3) = 1 */
		Perfetto__Protos__TracePacket *p = unpack(&o, 1);

		assert_true(p->ftrace_events->has_lost_events && p->ftrace_events->lost_events);
		perfetto__protos__trace_packet__free_unpacked(p, NULL);
	}
	expect_packet(&o, 2, BYTES(
		0x40, 0xe8, 0x07,			/* timestamp 1000 */
		0x92, 0x02, 0x08,			/* ftrace_stats (34), 8 bytes */
		0x08, 0x01,				/*   phase START_OF_TRACE */
		0x12, 0x04, 0x08, 0x00, 0x18, 0x00,	/*   cpu_stats {cpu 0, overrun 0} */
		0x50, 0x01));
	expect_packet(&o, 3, BYTES(
		0x40, 0xe8, 0x07,
		0x92, 0x02, 0x0c,			/* ftrace_stats, 12 bytes */
		0x08, 0x02,				/*   phase END_OF_TRACE */
		0x12, 0x08, 0x08, 0x00, 0x18, 0x05,	/*   cpu_stats {cpu 0, overrun 5, */
		0x40, 0x05, 0x48, 0x01,			/*     dropped_events 5, read_events 1} */
		0x50, 0x01));
	assert_int_equal(pftrace_writer_stats(o.w)->dropped, 5);
	out_close(&o);
}

/* Every other kind decodes with protobuf-c into the fields the writer was given. */
static void writer__all_kinds__decode_field_by_field(void **state)
{
	struct pftrace_opts po = PFTRACE_OPTS_INIT;
	Perfetto__Protos__TracePacket *p;
	Perfetto__Protos__FtraceEventBundle *b;
	struct sched_event e;
	struct out o;
	size_t i, bundle = SIZE_MAX;

	po.no_clock_snapshot = true;
	po.verbose_sched = true;
	out_open(&o, &po);
	e = ev_at(100, 2, SCHED_EV_SWITCH, 0);
	task(&e.sw.prev, 0, 0, "swapper/2");
	task(&e.sw.next, 7, 7, "seven");
	assert_int_equal(pftrace_write_event(o.w, &e), 0);
	e = ev_at(110, 2, SCHED_EV_WAKEUP, 7);
	task(&e.wake.task, 8, 7, "eight");
	e.wake.target_cpu = 3;
	assert_int_equal(pftrace_write_event(o.w, &e), 0);
	e = ev_at(120, 2, SCHED_EV_NEWTASK, 7);
	task(&e.newtask.parent, 7, 7, "seven");
	task(&e.newtask.child, 9, 7, "seven");
	assert_int_equal(pftrace_write_event(o.w, &e), 0);
	e = ev_at(130, 2, SCHED_EV_WAKEUP_NEW, 7);
	task(&e.wake.task, 9, 7, "seven");
	e.wake.target_cpu = 1;
	assert_int_equal(pftrace_write_event(o.w, &e), 0);
	e = ev_at(140, 2, SCHED_EV_EXEC, 7);
	task(&e.exec.task, 7, 7, "exe");
	e.exec.old_tid = 7;
	e.exec.filename = "/usr/bin/exe";
	assert_int_equal(pftrace_write_event(o.w, &e), 0);
	e = ev_at(150, 2, SCHED_EV_EXIT, 7);
	task(&e.exit.task, 7, 7, "exe");
	assert_int_equal(pftrace_write_event(o.w, &e), 0);
	e = ev_at(160, 2, SCHED_EV_FREE, 0);
	task(&e.exit.task, 7, 7, "exe");
	assert_int_equal(pftrace_write_event(o.w, &e), 0);
	e = ev_at(170, 2, SCHED_EV_IRQ_ENTRY, 0);
	e.irq.irq = 24;
	e.irq.name = "virtio0";
	assert_int_equal(pftrace_write_event(o.w, &e), 0);
	e = ev_at(180, 2, SCHED_EV_IRQ_EXIT, 0);
	e.irq.irq = 24;
	e.irq.ret = 1;
	assert_int_equal(pftrace_write_event(o.w, &e), 0);
	e = ev_at(190, 2, SCHED_EV_SOFTIRQ_EXIT, 0);
	e.softirq.vec = 9;
	e.flags = SCHED_FLAG_SOFTIRQ;
	assert_int_equal(pftrace_write_event(o.w, &e), 0);
	e = ev_at(200, 2, SCHED_EV_CPU_IDLE, 0);
	e.idle.cpu_id = 2;
	e.idle.state = SCHED_CPU_IDLE_EXIT;
	assert_int_equal(pftrace_write_event(o.w, &e), 0);
	e = ev_at(210, 2, SCHED_EV_RENAME, 9);
	task(&e.rename.task, 9, 7, "renamed");
	sched_comm_set(e.rename.oldcomm, "seven");
	assert_int_equal(pftrace_write_event(o.w, &e), 0);
	out_finish(&o);

	for (i = 0; i < o.npkt; i++) {
		p = unpack(&o, i);
		if (p->data_case == PERFETTO__PROTOS__TRACE_PACKET__DATA_FTRACE_EVENTS)
			bundle = i;
		perfetto__protos__trace_packet__free_unpacked(p, NULL);
	}
	assert_true(bundle != SIZE_MAX);
	p = unpack(&o, bundle);
	b = p->ftrace_events;
	assert_true(b->has_cpu);
	assert_int_equal(b->cpu, 2);
	assert_null(b->compact_sched);
	/* newtask is task_newtask + sched_process_fork; exec adds task_rename (seven → exe) */
	assert_int_equal(b->n_event, 14);
	for (i = 0; i < b->n_event; i++) {
		assert_true(b->event[i]->has_pid);
		assert_true(b->event[i]->has_timestamp);
		if (i)
			assert_true(b->event[i]->timestamp >= b->event[i - 1]->timestamp);
	}
	assert_int_equal(b->event[0]->event_case, PERFETTO__PROTOS__FTRACE_EVENT__EVENT_SCHED_SWITCH);
	assert_int_equal(b->event[0]->pid, 0);
	assert_string_equal(b->event[0]->sched_switch->prev_comm, "swapper/2");
	assert_true(b->event[0]->sched_switch->has_prev_pid);	/* 0, but written */
	assert_int_equal(b->event[0]->sched_switch->next_pid, 7);
	assert_string_equal(b->event[1]->sched_wakeup->comm, "eight");
	assert_int_equal(b->event[1]->sched_wakeup->target_cpu, 3);
	assert_int_equal(b->event[2]->event_case, PERFETTO__PROTOS__FTRACE_EVENT__EVENT_TASK_NEWTASK);
	assert_int_equal(b->event[2]->task_newtask->pid, 9);
	assert_int_equal(b->event[2]->task_newtask->clone_flags, 0x10000);	/* same tgid */
	assert_int_equal(b->event[3]->sched_process_fork->parent_pid, 7);
	assert_int_equal(b->event[3]->sched_process_fork->child_pid, 9);
	assert_int_equal(b->event[4]->event_case, PERFETTO__PROTOS__FTRACE_EVENT__EVENT_SCHED_WAKEUP_NEW);
	assert_int_equal(b->event[5]->event_case, PERFETTO__PROTOS__FTRACE_EVENT__EVENT_TASK_RENAME);
	assert_string_equal(b->event[5]->task_rename->oldcomm, "seven");
	assert_string_equal(b->event[5]->task_rename->newcomm, "exe");
	assert_string_equal(b->event[6]->sched_process_exec->filename, "/usr/bin/exe");
	assert_int_equal(b->event[7]->sched_process_exit->tgid, 7);
	assert_int_equal(b->event[8]->sched_process_free->pid, 7);
	assert_string_equal(b->event[9]->irq_handler_entry->name, "virtio0");
	assert_int_equal(b->event[10]->irq_handler_exit->ret, 1);
	assert_int_equal(b->event[11]->softirq_exit->vec, 9);
	assert_int_equal(b->event[11]->common_flags, SCHED_FLAG_SOFTIRQ);
	assert_int_equal(b->event[12]->cpu_idle->state, SCHED_CPU_IDLE_EXIT);
	assert_string_equal(b->event[13]->task_rename->newcomm, "renamed");
	perfetto__protos__trace_packet__free_unpacked(p, NULL);
	out_close(&o);
}

/* An older event on the same CPU closes the bundle instead of going backwards. */
static void writer__out_of_order_cpu__new_bundle_each_sorted(void **state)
{
	struct pftrace_opts po = PFTRACE_OPTS_INIT;
	struct sched_event e;
	struct out o;
	size_t i, bundles = 0;

	po.no_clock_snapshot = true;
	out_open(&o, &po);
	for (i = 0; i < 4; i++) {
		e = ev_at(i == 2 ? 500 : 1000 + 100 * i, 0, SCHED_EV_SWITCH, 0);
		task(&e.sw.prev, 0, 0, "swapper/0");
		task(&e.sw.next, 5, -1, "five");
		assert_int_equal(pftrace_write_event(o.w, &e), 0);
	}
	out_finish(&o);
	for (i = 0; i < o.npkt; i++) {
		Perfetto__Protos__TracePacket *p = unpack(&o, i);

		if (p->data_case == PERFETTO__PROTOS__TRACE_PACKET__DATA_FTRACE_EVENTS) {
			Perfetto__Protos__FtraceEventBundle__CompactSched *cs =
				p->ftrace_events->compact_sched;

			bundles++;
			/* deltas never wrap: the bundles are {1000, 1100}, {500, 1300} */
			assert_int_equal(cs->n_switch_timestamp, 2);
			assert_true(cs->switch_timestamp[1] < 1000);
		}
		perfetto__protos__trace_packet__free_unpacked(p, NULL);
	}
	assert_int_equal(bundles, 2);
	out_close(&o);
}

/* Bundles hold at most bundle_events events; every packet is on our sequence. */
static void writer__bundle_limit__splits_and_one_sequence(void **state)
{
	struct pftrace_opts po = PFTRACE_OPTS_INIT;
	struct sched_event e;
	struct out o;
	size_t i, bundles = 0;

	po.bundle_events = 10;
	po.sequence_id = 77;
	out_open(&o, &po);
	for (i = 0; i < 95; i++) {
		e = ev_at(1000 + i, (uint32_t)(i % 2), SCHED_EV_SOFTIRQ_ENTRY, 0);
		assert_int_equal(pftrace_write_event(o.w, &e), 0);
	}
	out_finish(&o);
	for (i = 0; i < o.npkt; i++) {
		Perfetto__Protos__TracePacket *p = unpack(&o, i);

		assert_int_equal(p->optional_trusted_packet_sequence_id_case,
				 PERFETTO__PROTOS__TRACE_PACKET__OPTIONAL_TRUSTED_PACKET_SEQUENCE_ID_TRUSTED_PACKET_SEQUENCE_ID);
		assert_int_equal(p->trusted_packet_sequence_id, 77);
		/* only the first packet clears the incremental state */
		assert_int_equal(p->has_sequence_flags && (p->sequence_flags & 1), i == 0);
		if (p->data_case == PERFETTO__PROTOS__TRACE_PACKET__DATA_FTRACE_EVENTS) {
			bundles++;
			assert_true(p->ftrace_events->n_event <= 10);
		}
		perfetto__protos__trace_packet__free_unpacked(p, NULL);
	}
	assert_int_equal(bundles, 10);	/* 48 + 47 events per CPU: 5 bundles each */
	out_close(&o);
}

static size_t count_thread_entries(const struct out *o, int32_t tid, char names[][16], size_t max)
{
	size_t i, j, n = 0;

	for (i = 0; i < o->npkt; i++) {
		Perfetto__Protos__TracePacket *p = unpack(o, i);

		if (p->data_case == PERFETTO__PROTOS__TRACE_PACKET__DATA_PROCESS_TREE) {
			for (j = 0; j < p->process_tree->n_threads; j++) {
				Perfetto__Protos__ProcessTree__Thread *t = p->process_tree->threads[j];

				if (t->tid != tid)
					continue;
				if (n < max)
					snprintf(names[n], 16, "%s", t->name ? t->name : "");
				n++;
			}
		}
		perfetto__protos__trace_packet__free_unpacked(p, NULL);
	}
	return n;
}

/* A thread is announced once, and again only when its name changes. */
static void writer__process_tree__repeats_only_changes(void **state)
{
	struct pftrace_opts po = PFTRACE_OPTS_INIT;
	struct sched_event e;
	char names[8][16];
	struct out o;
	int i;

	po.no_clock_snapshot = true;
	out_open(&o, &po);
	for (i = 0; i < 5; i++) {
		e = ev_at(1000 + (uint64_t)i * 1000, 0, SCHED_EV_WAKING, 0);
		task(&e.wake.task, 42, 40, i < 3 ? "before" : "after");
		assert_int_equal(pftrace_write_event(o.w, &e), 0);
	}
	/* the idle task is trace_processor's own */
	e = ev_at(9000, 0, SCHED_EV_WAKING, 0);
	task(&e.wake.task, 0, 0, "swapper/0");
	assert_int_equal(pftrace_write_event(o.w, &e), 0);
	out_finish(&o);
	assert_int_equal(count_thread_entries(&o, 42, names, 8), 2);
	assert_string_equal(names[0], "before");
	assert_string_equal(names[1], "after");
	assert_int_equal(count_thread_entries(&o, 0, names, 8), 0);
	out_close(&o);
}

/* After sched_process_free a tid is new again: a reused tid is announced afresh. */
static void writer__freed_tid__announced_again(void **state)
{
	struct pftrace_opts po = PFTRACE_OPTS_INIT;
	struct sched_event e;
	char names[8][16];
	struct out o;
	int round;

	po.no_clock_snapshot = true;
	out_open(&o, &po);
	for (round = 0; round < 3; round++) {
		e = ev_at(1000 + 100 * (uint64_t)round, 0, SCHED_EV_WAKING, 0);
		task(&e.wake.task, 50, 50, "same");
		assert_int_equal(pftrace_write_event(o.w, &e), 0);
		e = ev_at(1050 + 100 * (uint64_t)round, 0, SCHED_EV_FREE, 0);
		task(&e.exit.task, 50, 50, "same");
		assert_int_equal(pftrace_write_event(o.w, &e), 0);
	}
	out_finish(&o);
	assert_int_equal(count_thread_entries(&o, 50, names, 8), 3);
	out_close(&o);
}

/* /proc's processes: the real cmdline; kthreadd's children become its threads. */
static void writer__write_process__cmdline_and_kthreads(void **state)
{
	struct pftrace_opts po = PFTRACE_OPTS_INIT;
	Perfetto__Protos__TracePacket *p;
	struct sched_event e;
	char names[8][16];
	struct out o;

	po.no_clock_snapshot = true;
	out_open(&o, &po);
	assert_int_equal(pftrace_write_process(o.w, 10, 100, 1, "prog", "/bin/prog\0-x\0", 13, 0), 0);
	assert_int_equal(pftrace_write_process(o.w, 10, 11, 2, "kworker/0:1",
					       "kworker/0:1-events", 18, PFTRACE_CMDLINE_IS_COMM), 0);
	assert_int_equal(pftrace_write_thread(o.w, 10, 101, 100, "worker"), 0);
	/* events that agree with /proc add nothing, even the kworker's own tgid */
	e = ev_at(20, 0, SCHED_EV_WAKING, 0);
	task(&e.wake.task, 101, 100, "worker");
	assert_int_equal(pftrace_write_event(o.w, &e), 0);
	e = ev_at(30, 0, SCHED_EV_WAKING, 0);
	task(&e.wake.task, 11, 11, "kworker/0:1");
	assert_int_equal(pftrace_write_event(o.w, &e), 0);
	out_finish(&o);
	assert_int_equal(count_thread_entries(&o, 101, names, 8), 1);
	assert_int_equal(count_thread_entries(&o, 11, names, 8), 0);
	p = unpack(&o, 1);
	assert_int_equal(p->data_case, PERFETTO__PROTOS__TRACE_PACKET__DATA_PROCESS_TREE);
	assert_int_equal(p->process_tree->n_processes, 2);
	assert_int_equal(p->process_tree->processes[0]->n_cmdline, 2);
	assert_string_equal(p->process_tree->processes[0]->cmdline[0], "/bin/prog");
	assert_string_equal(p->process_tree->processes[0]->cmdline[1], "-x");
	assert_false(p->process_tree->processes[0]->has_cmdline_is_comm);
	assert_int_equal(p->process_tree->processes[0]->ppid, 1);
	assert_string_equal(p->process_tree->processes[1]->cmdline[0], "kworker/0:1-events");
	assert_true(p->process_tree->processes[1]->cmdline_is_comm);
	perfetto__protos__trace_packet__free_unpacked(p, NULL);
	out_close(&o);
}

static void writer__bad_input__einval_and_nothing_written(void **state)
{
	struct pftrace_opts po = PFTRACE_OPTS_INIT;
	struct sched_event e;
	struct out o;

	po.no_clock_snapshot = true;
	out_open(&o, &po);
	e = ev_at(1, PFTRACE_MAX_CPUS, SCHED_EV_SOFTIRQ_ENTRY, 0);
	assert_int_equal(pftrace_write_event(o.w, &e), -EINVAL);
	e = ev_at(1, 0, SCHED_EV_NR_KINDS, 0);
	assert_int_equal(pftrace_write_event(o.w, &e), -EINVAL);
	e = ev_at(1, 0, SCHED_EV_NONE, 0);
	assert_int_equal(pftrace_write_event(o.w, &e), -EINVAL);
	assert_int_equal(pftrace_write_process(o.w, 1, 0, 0, "x", NULL, 0, 0), -EINVAL);
	assert_int_equal(pftrace_write_thread(o.w, 1, 5, 0, "x"), -EINVAL);
	out_finish(&o);
	assert_int_equal(o.npkt, 1);
	assert_int_equal(pftrace_writer_stats(o.w)->events, 0);
	out_close(&o);
}

static void writer__write_error__sticks(void **state)
{
	struct pftrace_opts po = PFTRACE_OPTS_INIT;
	struct pftrace_writer *w;
	struct sched_event e;
	FILE *fp = fopen("/dev/full", "w");
	int i, err = 0;

	if (!fp)
		skip();
	setvbuf(fp, NULL, _IONBF, 0);
	po.no_clock_snapshot = true;
	err = pftrace_writer_create(&w, fp, &po);
	assert_int_equal(err, -ENOSPC);
	e = ev_at(1, 0, SCHED_EV_SOFTIRQ_ENTRY, 0);
	for (i = 0; i < 3; i++)
		assert_int_equal(pftrace_write_event(w, &e), -ENOSPC);
	assert_int_equal(pftrace_writer_finish(w), -ENOSPC);
	pftrace_writer_destroy(w);
	fclose(fp);
}

static void writer__dsq_names__builtin_and_user(void **state)
{
	char buf[64];

	pftrace_dsq_name(SCX_DSQ_GLOBAL, buf, sizeof(buf));
	assert_string_equal(buf, "DSQ GLOBAL");
	pftrace_dsq_name(SCX_DSQ_LOCAL, buf, sizeof(buf));
	assert_string_equal(buf, "DSQ LOCAL");
	pftrace_dsq_name(SCX_DSQ_FLAG_BUILTIN | SCX_DSQ_FLAG_LOCAL_ON | 5, buf, sizeof(buf));
	assert_string_equal(buf, "DSQ LOCAL_ON 5");
	pftrace_dsq_name(SCX_DSQ_INVALID, buf, sizeof(buf));
	assert_string_equal(buf, "DSQ 0x8000000000000000");
	pftrace_dsq_name(1ULL << 40, buf, sizeof(buf));
	assert_string_equal(buf, "DSQ 1099511627776");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(writer__header__system_info_and_clock_snapshot_bytes),
		cmocka_unit_test(writer__compact_sched__bundle_bytes),
		cmocka_unit_test(writer__full_events__bytes_with_pid_always_set),
		cmocka_unit_test(writer__process_tree__thread_and_process_bytes),
		cmocka_unit_test(writer__dsq__counter_track_and_event_bytes),
		cmocka_unit_test(writer__ftrace_stats__dropped_events_bytes),
		cmocka_unit_test(writer__all_kinds__decode_field_by_field),
		cmocka_unit_test(writer__out_of_order_cpu__new_bundle_each_sorted),
		cmocka_unit_test(writer__bundle_limit__splits_and_one_sequence),
		cmocka_unit_test(writer__process_tree__repeats_only_changes),
		cmocka_unit_test(writer__freed_tid__announced_again),
		cmocka_unit_test(writer__write_process__cmdline_and_kthreads),
		cmocka_unit_test(writer__bad_input__einval_and_nothing_written),
		cmocka_unit_test(writer__write_error__sticks),
		cmocka_unit_test(writer__dsq_names__builtin_and_user),
	};

	test_setup_stdio();
	return cmocka_run_group_tests_name("pftrace_writer", tests, NULL, NULL);
}
