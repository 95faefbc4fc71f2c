// SPDX-License-Identifier: GPL-2.0
/*
 * trace_dump TRACE sched|thread_state|stats
 *
 * Prints the timelines scxtop's loader derives from a trace in the CSV format
 * of trace_processor's diff tests (tools/tp_query.js), so tests can compare
 * them with trace_processor's tables:
 *   sched:        ts,cpu,dur,tid,name,end_state,priority  (order by cpu, ts)
 *   thread_state: ts,dur,tid,state,cpu                     (order by tid, ts)
 *   stats:        name,value (trace_processor stat names)
 * Open slices/rows have dur -1 and end_state [NULL], as current trace_processor.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "top/analyze/trace_load.h"

struct vec {
	void *v;
	size_t n, alloc, size;
};

static void *vec_push(struct vec *v)
{
	xgrow(&v->v, &v->alloc, v->n + 1, v->size);
	return (char *)v->v + v->size * v->n++;
}

static void on_slice(void *ctx, const struct sched_slice *s)
{
	*(struct sched_slice *)vec_push(&((struct vec *)ctx)[0]) = *s;
}

static void on_state(void *ctx, const struct state_row *r)
{
	*(struct state_row *)vec_push(&((struct vec *)ctx)[1]) = *r;
}

static const struct trace_model *g_m;

static int cmp_slice(const void *a, const void *b)
{
	const struct sched_slice *x = a, *y = b;

	if (x->cpu != y->cpu)
		return x->cpu < y->cpu ? -1 : 1;
	return x->ts < y->ts ? -1 : x->ts > y->ts;
}

static int cmp_row(const void *a, const void *b)
{
	const struct state_row *x = a, *y = b;
	int64_t tx = g_m->threads[x->utid].tid, ty = g_m->threads[y->utid].tid;

	if (tx != ty)
		return tx < ty ? -1 : 1;
	return x->ts < y->ts ? -1 : x->ts > y->ts;
}

int main(int argc, char **argv)
{
	struct trace_model m;
	struct vec v[2] = {{.size = sizeof(struct sched_slice)}, {.size = sizeof(struct state_row)}};
	struct build_observer obs = {on_slice, on_state, v};
	char msg[256];
	int err;

	if (argc != 3) {
		fprintf(stderr, "usage: trace_dump TRACE sched|thread_state|stats\n");
		return 2;
	}
	model_init(&m);
	err = trace_load_file(&m, argv[1], NULL, msg, sizeof(msg));
	if (err) {
		fprintf(stderr, "trace_dump: %s: %s\n", argv[1], msg);
		return 1;
	}
	g_m = &m;
	model_replay(&m, &obs);
	if (!strcmp(argv[2], "sched")) {
		struct sched_slice *s = v[0].v;

		qsort(s, v[0].n, sizeof(*s), cmp_slice);
		printf("\"ts\",\"cpu\",\"dur\",\"tid\",\"name\",\"end_state\",\"priority\"\n");
		for (size_t i = 0; i < v[0].n; i++) {
			char buf[16];
			const char *es = s[i].end_state >= 0 ? prev_state_str(s[i].end_state, buf) : NULL;
			const struct thread *t = &m.threads[s[i].utid];

			printf("%llu,%u,%lld,%lld,\"%s\",", (unsigned long long)s[i].ts, s[i].cpu,
			       (long long)s[i].dur, (long long)t->tid, model_str(&m, t->name));
			if (es)
				printf("\"%s\",%d\n", es, s[i].prio);
			else
				printf("[NULL],%d\n", s[i].prio);
		}
	} else if (!strcmp(argv[2], "thread_state")) {
		struct state_row *r = v[1].v;

		qsort(r, v[1].n, sizeof(*r), cmp_row);
		printf("\"ts\",\"dur\",\"tid\",\"state\",\"cpu\"\n");
		for (size_t i = 0; i < v[1].n; i++) {
			char buf[16];
			const char *st = r[i].state == TS_RUNNING ? "Running"
					 : r[i].state == TS_R	  ? "R"
					 : prev_state_str(r[i].raw_state, buf);

			printf("%llu,%lld,%lld,", (unsigned long long)r[i].ts, (long long)r[i].dur,
			       (long long)m.threads[r[i].utid].tid);
			if (st)
				printf("\"%s\",", st);
			else
				printf("[NULL],");
			if (r[i].cpu != CPU_NONE)
				printf("%u\n", r[i].cpu);
			else
				printf("[NULL]\n");
		}
	} else if (!strcmp(argv[2], "stats")) {
		printf("mismatched_sched_switch_tids,%llu\n",
		       (unsigned long long)m.stats.mismatched_sched_switch_tids);
		printf("compact_sched_switch_skipped,%llu\n",
		       (unsigned long long)m.stats.compact_sched_switch_skipped);
		printf("compact_sched_waking_skipped,%llu\n",
		       (unsigned long long)m.stats.compact_sched_waking_skipped);
		printf("total_events,%llu\n", (unsigned long long)m.total_events);
		for (unsigned t = 1; t < TEV_NR_TYPES; t++)
			if (m.type_counts[t])
				printf("type.%s%s,%llu\n", tev_type_name(t),
				       t == TEV_SWITCH_COMPACT || t == TEV_WAKING_COMPACT ? ".compact" : "",
				       (unsigned long long)m.type_counts[t]);
	} else {
		fprintf(stderr, "trace_dump: unknown table '%s'\n", argv[2]);
		return 2;
	}
	free(v[0].v);
	free(v[1].v);
	model_release(&m);
	return 0;
}
