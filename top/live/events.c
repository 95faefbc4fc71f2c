// SPDX-License-Identifier: GPL-2.0
#include "top/live/events.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "top/live/collector.h"

void event_log_init(struct event_log *l, size_t cap, uint64_t window_ns)
{
	memset(l, 0, sizeof(*l));
	l->window_ns = window_ns;
	l->cap = MAX(cap, (size_t)1);
	l->ring = xcalloc(l->cap, sizeof(*l->ring));
	u64map_init(&l->wake);
}

void event_log_release(struct event_log *l)
{
	free(l->pend);
	free(l->ring);
	u64map_release(&l->wake);
	memset(l, 0, sizeof(*l));
}

void event_log_clear(struct event_log *l)
{
	size_t cap = l->cap;
	uint64_t window = l->window_ns;

	event_log_release(l);
	event_log_init(l, cap, window);
}

static void pair(struct event_log *l, struct ev_entry *e)
{
	const struct scxtop_event *ev = &e->ev;
	uint64_t *w;

	switch (ev->hdr.type) {
	case SCXTOP_EV_WAKING:
	case SCXTOP_EV_WAKEUP_NEW:
		*u64map_upsert(&l->wake, (uint64_t)(uint32_t)ev->wake.pid, NULL) = ev->hdr.ts;
		break;
	case SCXTOP_EV_SWITCH:
		if (!ev->sw.next_pid)
			break;	/* the idle task */
		w = u64map_get(&l->wake, (uint64_t)(uint32_t)ev->sw.next_pid);
		if (w && ev->hdr.ts >= *w) {
			uint64_t lat = ev->hdr.ts - *w;
			unsigned s = scxtop_lat_slot(lat);

			e->lat_ns = lat ? lat : 1;
			l->paired++;
			l->lat_total_ns += lat;
			l->lat_hist[s]++;
			if (!l->lat_min_ns || lat < l->lat_min_ns)
				l->lat_min_ns = lat;
			l->lat_max_ns = MAX(l->lat_max_ns, lat);
			u64map_del(&l->wake, (uint64_t)(uint32_t)ev->sw.next_pid);
		} else {
			l->unpaired++;	/* preempted task resuming, or woken before the stream */
		}
		break;
	case SCXTOP_EV_EXEC:
	case SCXTOP_EV_EXIT:
	case SCXTOP_EV_FREE:
		u64map_del(&l->wake, (uint64_t)(uint32_t)ev->task.pid);
		break;
	default:
		break;
	}
}

static void release_one(struct event_log *l, const struct scxtop_event *ev)
{
	struct ev_entry *e = &l->ring[l->head];

	e->ev = *ev;
	e->lat_ns = 0;
	if (ev->hdr.ts < l->released_ts)
		l->late++;
	else
		l->released_ts = ev->hdr.ts;
	pair(l, e);
	l->head = (l->head + 1) % l->cap;
	if (l->count < l->cap)
		l->count++;
}

/* Release pending events with ts < limit (they are sorted). */
static void release_before(struct event_log *l, uint64_t limit)
{
	size_t k = 0;

	while (k < l->npend && l->pend[k].hdr.ts < limit)
		release_one(l, &l->pend[k++]);
	if (k) {
		memmove(l->pend, l->pend + k, (l->npend - k) * sizeof(*l->pend));
		l->npend -= k;
	}
}

void event_log_add(struct event_log *l, const struct scxtop_event *ev, size_t size)
{
	struct scxtop_event copy;
	size_t i;

	if (size < sizeof(ev->hdr) || ev->hdr.type == SCXTOP_EV_NONE || ev->hdr.type >= SCXTOP_EV_MAX)
		return;
	memset(&copy, 0, sizeof(copy));
	memcpy(&copy, ev, MIN(size, sizeof(copy)));
	l->counts[copy.hdr.type]++;
	xgrow((void **)&l->pend, &l->apend, l->npend + 1, sizeof(*l->pend));
	/* insertion from the end: records are nearly sorted */
	i = l->npend;
	while (i > 0 && l->pend[i - 1].hdr.ts > copy.hdr.ts) {
		l->pend[i] = l->pend[i - 1];
		i--;
	}
	l->pend[i] = copy;
	l->npend++;
	if (l->pend[l->npend - 1].hdr.ts > l->window_ns)
		release_before(l, l->pend[l->npend - 1].hdr.ts - l->window_ns);
}

void event_log_flush_older(struct event_log *l, uint64_t now_ns)
{
	if (now_ns > l->window_ns)
		release_before(l, now_ns - l->window_ns);
}

void event_log_flush(struct event_log *l)
{
	release_before(l, UINT64_MAX);
}

const struct ev_entry *event_log_get(const struct event_log *l, size_t i)
{
	if (i >= l->count)
		return NULL;
	return &l->ring[(l->head + l->cap - 1 - i) % l->cap];
}

static void fmt_ns(char *buf, size_t n, uint64_t ns)
{
	if (ns < 10000)
		snprintf(buf, n, "%lluns", (unsigned long long)ns);
	else if (ns < 10000000)
		snprintf(buf, n, "%.1fus", (double)ns / 1e3);
	else
		snprintf(buf, n, "%.1fms", (double)ns / 1e6);
}

static char state_char(int64_t state)
{
	static const char map[] = "SDTtXZPI";	/* bits 0..7 of TASK_REPORT */

	if (state == SCXTOP_STATE_PREEMPTED)
		return 'R';	/* R+ */
	if (!state)
		return 'R';
	for (int b = 0; b < 8; b++)
		if (state & (1ll << b))
			return map[b];
	return '?';
}

void event_format(const struct ev_entry *e, char *buf, size_t n)
{
	const struct scxtop_event *ev = &e->ev;
	char lat[32] = "";
	int off;

	off = snprintf(buf, n, "%llu.%06llu cpu%-3u %-18s ",
		       (unsigned long long)(ev->hdr.ts / 1000000000ull),
		       (unsigned long long)(ev->hdr.ts % 1000000000ull / 1000), ev->hdr.cpu,
		       scxtop_event_name(ev->hdr.type));
	if (off < 0 || (size_t)off >= n)
		return;
	buf += off;
	n -= (size_t)off;
	switch (ev->hdr.type) {
	case SCXTOP_EV_SWITCH:
		if (e->lat_ns)
			fmt_ns(lat, sizeof(lat), e->lat_ns);
		snprintf(buf, n, "%.16s:%d %c%s -> %.16s:%d%s%s", ev->sw.prev_comm, ev->sw.prev_pid,
			 state_char(ev->sw.prev_state),
			 ev->sw.prev_state == SCXTOP_STATE_PREEMPTED ? "+" : "", ev->sw.next_comm,
			 ev->sw.next_pid, lat[0] ? " waited " : "", lat);
		break;
	case SCXTOP_EV_WAKING:
	case SCXTOP_EV_WAKEUP:
	case SCXTOP_EV_WAKEUP_NEW:
		snprintf(buf, n, "%.16s:%d target_cpu=%d (by pid %d)", ev->wake.comm, ev->wake.pid,
			 ev->wake.target_cpu, ev->hdr.pid);
		break;
	case SCXTOP_EV_MIGRATE:
		snprintf(buf, n, "%.16s:%d cpu%d -> cpu%d", ev->migrate.comm, ev->migrate.pid,
			 ev->migrate.orig_cpu, ev->migrate.dest_cpu);
		break;
	case SCXTOP_EV_FORK:
		snprintf(buf, n, "%.16s:%d -> %.16s:%d", ev->fork.parent_comm, ev->fork.parent_pid,
			 ev->fork.child_comm, ev->fork.child_pid);
		break;
	case SCXTOP_EV_EXEC:
		snprintf(buf, n, "%.16s:%d (was pid %d)", ev->task.comm, ev->task.pid,
			 ev->task.old_pid);
		break;
	case SCXTOP_EV_EXIT:
	case SCXTOP_EV_FREE:
	case SCXTOP_EV_RENAME:
		snprintf(buf, n, "%.16s:%d tgid %d", ev->task.comm, ev->task.pid, ev->task.tgid);
		break;
	case SCXTOP_EV_SOFTIRQ_ENTRY:
	case SCXTOP_EV_SOFTIRQ_EXIT:
		snprintf(buf, n, "vec=%u", ev->softirq.vec);
		break;
	case SCXTOP_EV_CPU_FREQ:
		snprintf(buf, n, "cpu%u %u kHz", ev->freq.cpu, ev->freq.khz);
		break;
	default:
		snprintf(buf, n, "-");
		break;
	}
}
