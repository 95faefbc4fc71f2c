// SPDX-License-Identifier: GPL-2.0
/*
 * The TUI without a terminal: keys → actions → state, and every view rendered
 * into a buffer and compared with a golden screen in tests/data/tui/<name>.txt
 * (UPDATE_GOLDEN=1 rewrites them; review the diff).
 */
#include "test_common.h"
#include "stats_fixture.h"

#include <sys/stat.h>

#include "common/strbuf.h"
#include "top/live/app.h"
#include "top/live/collector.h"
#include "top/live/topology.h"

static struct topology topo2, topo64, topo_off;

static int setup(void **state)
{
	if (topology_load(&topo2, test_data_path("topology/1node-2cpu")) ||
	    topology_load(&topo64, test_data_path("topology/2node-4llc-64cpu")) ||
	    topology_load(&topo_off, test_data_path("topology/offline")))
		return -1;
	return 0;
}

static int teardown(void **state)
{
	topology_release(&topo2);
	topology_release(&topo64);
	topology_release(&topo_off);
	return 0;
}


static struct scxtop_task_rec *task(struct stats_raw *r, int tid, int tgid, const char *comm,
				    const char *leader, uint64_t runtime, uint64_t sw, int cpu)
{
	struct scxtop_task_rec *t = stats_raw_add_task(r);

	t->pid = tid;
	t->tgid = tgid;
	t->prio = 120;
	snprintf(t->comm, sizeof(t->comm), "%s", comm);
	snprintf(t->leader_comm, sizeof(t->leader_comm), "%s", leader);
	t->st.runtime_ns = runtime;
	t->st.nr_switches = sw;
	t->st.nr_wakeups = sw / 2;
	t->st.last_cpu = cpu;
	return t;
}

/*
 * A deterministic interval of one second on topology t: CPU i is (i * 37 % 101) %
 * busy, switches and wakeups grow with i, CPU 1 has a latency tail; a database
 * with three threads, a pinned busy loop and a shell; with scx, DSQs too.
 */
static void fake_snapshot(struct stats_snapshot *s, const struct topology *t, bool scx)
{
	struct stats_raw a, b;
	struct scxtop_task_rec *x;

	stats_raw_init(&a, t->nr_cpus);
	stats_raw_init(&b, t->nr_cpus);
	a.proc = xcalloc(t->nr_cpus, sizeof(*a.proc));
	b.proc = xcalloc(t->nr_cpus, sizeof(*b.proc));
	a.ts_ns = 100000000000ull;
	b.ts_ns = a.ts_ns + 1000000000ull;
	a.epoch = 1;
	b.epoch = 2;
	a.have_tasks = b.have_tasks = true;
	for (unsigned i = 0; i < t->nr_cpus; i++) {
		unsigned busy = i * 37 % 101;

		if (!t->cpus[i].online)
			continue;
		a.proc[i] = (struct procstat_cpu){.valid = true, .user = 1000, .idle = 1000};
		b.proc[i] = a.proc[i];
		b.proc[i].user += busy;
		b.proc[i].idle += 100 - MIN(busy, 100u);
		b.cpus[i].nr_switches = 100 + i * 10;
		b.cpus[i].nr_wakeups = 50 + i * 5;
		b.cpus[i].nr_migrations_in = i % 3;
		b.cpus[i].busy_ns = busy * 10000000ull;
		b.cpus[i].idle_ns = (100 - MIN(busy, 100u)) * 10000000ull;
		b.cpus[i].curr_pid = i == 1 ? 200 : 0;
		ADD_LAT(&b.cpus[i], 2000 + i * 100, 50);
		if (i == 1) {
			ADD_LAT(&b.cpus[i], 15000000, 2);
			b.cpus[i].win_epoch = 2;
			b.cpus[i].win_lat_min_ns = b.cpus[i].lat_min_ns;
			b.cpus[i].win_lat_max_ns = b.cpus[i].lat_max_ns;
		}
	}
	task(&a, 100, 100, "db", "db", 0, 0, 0);
	task(&a, 101, 100, "db-worker", "db", 0, 0, 0);
	task(&a, 200, 200, "busyloop", "busyloop", 0, 0, 1);
	task(&b, 100, 100, "db", "db", 2000000, 4, 0);
	x = task(&b, 101, 100, "db-worker", "db", 300000000, 1200, 0);
	ADD_LAT(&x->st, 4000, 1000);
	ADD_LAT(&x->st, 90000, 10);
	x = task(&b, 102, 100, "db-flush", "db", 50000000, 30, 0);
	ADD_LAT(&x->st, 40000, 30);
	task(&b, 200, 200, "busyloop", "busyloop", 990000000, 2, 1);
	x = task(&b, 300, 300, "bash", "bash", 1000000, 3, 0);
	ADD_LAT(&x->st, 12000000, 3);
	if (scx) {
		struct scxtop_dsq_rec *d;
		struct scxtop_scx_task_rec *sx;

		b.sched.state = STATS_SCHED_RUNNING;
		b.sched.collecting = true;
		snprintf(b.sched.name, sizeof(b.sched.name), "scx_rusty");
		d = stats_raw_add_dsq(&b);
		d->dsq_id = 0x10;
		d->st.nr_inserts = 900;
		d->st.nr_dispatches = 880;
		d->st.nr_queued_max = 12;
		ADD_LAT(&d->st, 30000, 800);
		ADD_LAT(&d->st, 2500000, 80);
		d = stats_raw_add_dsq(&b);
		d->dsq_id = SCXTOP_DSQ_GLOBAL;
		d->st.nr_inserts = 40;
		d->st.nr_dispatches = 40;
		ADD_LAT(&d->st, 5000, 40);
		d = stats_raw_add_dsq(&b);
		d->dsq_id = SCXTOP_DSQ_LOCAL_ON;
		d->st.nr_inserts = 300;
		d->st.nr_dispatches = 300;
		ADD_LAT(&d->st, 800, 300);
		sx = stats_raw_add_scx_task(&b);
		sx->pid = 101;
		sx->tgid = 100;
		sx->st.last_dsq_id = 0x10;
		sx->st.nr_dispatches = 600;
		sx->st.slice_total_ns = 600 * 2000000ull;
		sx->st.slice_samples = 600;
		ADD_LAT(&sx->st, 30000, 590);
		ADD_LAT(&sx->st, 2500000, 10);
		sx = stats_raw_add_scx_task(&b);
		sx->pid = 300;
		sx->tgid = 300;
		sx->st.last_dsq_id = SCXTOP_DSQ_GLOBAL;
		sx->st.nr_dispatches = 3;
		sx->st.slice_total_ns = 3 * 100000ull;
		sx->st.slice_samples = 3;
		ADD_LAT(&sx->st, 5000, 3);
	} else {
		b.sched.state = STATS_SCHED_UNSUPPORTED;
		snprintf(b.sched.reason, sizeof(b.sched.reason),
			 "this kernel has no sched_ext (no /sys/kernel/sched_ext; needs "
			 "CONFIG_SCHED_CLASS_EXT, Linux 6.12+)");
	}
	stats_snapshot_build(s, t, &a, &b);
	stats_raw_release(&a);
	stats_raw_release(&b);
}

static void app_setup(struct app *a, const struct topology *t, bool scx)
{
	struct tui_config c;
	struct stats_snapshot s;

	config_defaults(&c);
	app_init(a, t, &c);
	config_release(&c);
	snprintf(a->config_path, sizeof(a->config_path), "/home/user/.config/scxtop/scxtop.toml");
	a->color_desc = "256 colours";
	stats_snapshot_init(&s);
	fake_snapshot(&s, t, scx);
	app_update(a, &s);
	stats_snapshot_release(&s);
}

/* Render and compare with tests/data/tui/<name>.txt. */
static void check_screen(struct app *a, int w, int h, bool ascii, const char *name)
{
	struct tui_buf b;
	struct strbuf sb = STRBUF_INIT;
	char path[4096];
	char *want;

	tbuf_init(&b, w, h, ascii);
	app_render(a, &b);
	tbuf_to_text(&b, &sb);
	/* no line may exceed the width (in characters) */
	snprintf(path, sizeof(path), "%s", test_data_path("tui"));
	strcat(path, "/");
	strcat(path, name);
	strcat(path, ".txt");
	if (getenv("UPDATE_GOLDEN")) {
		FILE *fp;

		fs_mkdir_p(test_data_path("tui"), 0755);
		fp = fopen(path, "w");
		assert_non_null(fp);
		fputs(sb.buf, fp);
		fclose(fp);
	}
	want = test_read_file(path, NULL);
	if (!want)
		fail_msg("missing golden %s (run with UPDATE_GOLDEN=1)\n%s", path, sb.buf);
	if (strcmp(want, sb.buf)) {
		printf("--- expected %s\n%s--- got\n%s", path, want, sb.buf);
		fail_msg("screen %s differs", name);
	}
	free(want);
	strbuf_release(&sb);
	tbuf_release(&b);
}

/* Role of the first cell whose character is ch on row y, or -1. */
static int role_of(struct app *a, int w, int h, int y, const char *needle)
{
	struct tui_buf b;
	struct strbuf sb = STRBUF_INIT;
	int role = -1;

	tbuf_init(&b, w, h, false);
	app_render(a, &b);
	for (int x = 0; x < w; x++) {
		strbuf_reset(&sb);
		for (int k = x; k < w && sb.len < strlen(needle); k++)
			strbuf_addch(&sb, (char)tbuf_at(&b, k, y)->ch);
		if (!strcmp(sb.buf, needle)) {
			role = tbuf_at(&b, x, y)->role;
			break;
		}
	}
	strbuf_release(&sb);
	tbuf_release(&b);
	return role;
}

static void render(struct app *a)
{
	struct tui_buf b;

	tbuf_init(&b, 100, 24, false);
	app_render(a, &b);
	tbuf_release(&b);
}

static unsigned keys(struct app *a, const char *s)
{
	unsigned r = 0;

	for (; *s; s++)
		r |= app_key(a, (unsigned char)*s);
	return r;
}

/* ---- screens ---- */

static void screens__two_cpus__every_view_80x24(void **state)
{
	struct app a;

	app_setup(&a, &topo2, false);
	check_screen(&a, 80, 24, false, "cpu_2cpu_80x24");
	keys(&a, "l");
	check_screen(&a, 80, 24, false, "llc_2cpu_80x24");
	keys(&a, "n");
	check_screen(&a, 80, 24, false, "node_2cpu_80x24");
	keys(&a, "p");
	check_screen(&a, 80, 24, false, "process_80x24");
	keys(&a, "s");
	check_screen(&a, 80, 24, false, "sched_absent_80x24");
	keys(&a, "h");
	check_screen(&a, 80, 24, false, "help_80x24");
	app_release(&a);
}

static void screens__wide_terminal__more_columns(void **state)
{
	struct app a;

	app_setup(&a, &topo2, false);
	check_screen(&a, 160, 12, false, "cpu_2cpu_160x12");
	keys(&a, "p");
	check_screen(&a, 160, 12, false, "process_160x12");
	app_release(&a);
}

static void screens__64_cpus__grid_at_80x24_detail_when_tall(void **state)
{
	struct app a;

	app_setup(&a, &topo64, false);
	check_screen(&a, 80, 24, false, "cpu_64cpu_80x24");
	check_screen(&a, 120, 75, false, "cpu_64cpu_120x75");
	keys(&a, "l");
	check_screen(&a, 120, 12, false, "llc_64cpu_120x12");
	keys(&a, "n");
	check_screen(&a, 120, 12, false, "node_64cpu_120x12");
	app_release(&a);
}

static void screens__offline_cpus__listed_apart(void **state)
{
	struct app a;

	app_setup(&a, &topo_off, false);
	check_screen(&a, 100, 16, false, "cpu_offline_100x16");
	app_release(&a);
}

static void screens__sched_ext_data__dsq_tables(void **state)
{
	struct app a;

	app_setup(&a, &topo2, true);
	keys(&a, "s");
	check_screen(&a, 100, 30, false, "sched_fake_100x30");
	/* DSQ rows are coloured by p90: the 0x10 DSQ has a 2.5 ms tail */
	app_release(&a);
}

static void screens__ascii_and_tiny__never_garbled(void **state)
{
	struct app a;

	app_setup(&a, &topo2, false);
	check_screen(&a, 80, 10, true, "cpu_2cpu_ascii_80x10");
	check_screen(&a, 30, 8, false, "cpu_2cpu_30x8");
	check_screen(&a, 15, 3, false, "too_small_15x3");
	keys(&a, "p");
	check_screen(&a, 40, 8, false, "process_40x8");
	app_release(&a);
}

static void screens__sparkline_history__after_updates(void **state)
{
	struct app a;
	struct stats_snapshot s;

	app_setup(&a, &topo2, false);
	stats_snapshot_init(&s);
	for (int i = 0; i < 5; i++) {
		fake_snapshot(&s, &topo2, false);
		app_update(&a, &s);
	}
	keys(&a, "v");
	check_screen(&a, 80, 8, false, "cpu_2cpu_sparkline_80x8");
	keys(&a, "v");
	check_screen(&a, 80, 8, false, "cpu_2cpu_gauge_80x8");
	stats_snapshot_release(&s);
	app_release(&a);
}

static void screens__events_view__log_and_program_status(void **state)
{
	struct app a;
	struct stats_prog progs[] = {
		{"on_sched_switch", "tp_btf/sched_switch", "attached", true, NULL},
		{"on_cpu_frequency", "tp_btf/cpu_frequency", "unavailable", false, NULL},
		{"kp_dsq_insert", "kprobe/scx_bpf_dsq_insert", "failed", false, "Permission denied"},
	};

	app_setup(&a, &topo2, false);
	a.progs = progs;
	a.nr_progs = ARRAY_SIZE(progs);
	for (int i = 0; i < 6; i++) {
		struct scxtop_event e = {.hdr = {.ts = 5000000000ull + i * 1000ull,
						 .cpu = (unsigned)i % 2}};

		if (i % 2 == 0) {
			e.hdr.type = SCXTOP_EV_WAKING;
			e.hdr.size = sizeof(e.hdr) + sizeof(e.wake);
			e.wake.pid = 42 + i;
			e.wake.target_cpu = 1;
			snprintf(e.wake.comm, sizeof(e.wake.comm), "worker%d", i);
		} else {
			e.hdr.type = SCXTOP_EV_SWITCH;
			e.hdr.size = sizeof(e.hdr) + sizeof(e.sw);
			e.sw.prev_pid = 0;
			e.sw.next_pid = 42 + i - 1;
			snprintf(e.sw.prev_comm, sizeof(e.sw.prev_comm), "swapper/1");
			snprintf(e.sw.next_comm, sizeof(e.sw.next_comm), "worker%d", i - 1);
		}
		event_log_add(&a.events, &e, e.hdr.size);
	}
	event_log_flush(&a.events);
	keys(&a, "e");
	check_screen(&a, 100, 14, false, "events_100x14");
	keys(&a, "fworker4");
	app_key(&a, TK_ENTER);
	check_screen(&a, 100, 14, false, "events_filtered_100x14");
	app_release(&a);
}

/* A 256-CPU machine (4 nodes, 16 LLCs of 16 CPUs) written under the scratch dir. */
static void write_file(const char *path, const char *text)
{
	char *dir = fs_dirname(path);
	FILE *fp;

	assert_int_equal(fs_mkdir_p(dir, 0755), 0);
	free(dir);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static const char *make_256_cpus(void)
{
	static char root[512];
	char path[1024], text[64];

	snprintf(root, sizeof(root), "%s/cpu256", test_tmpdir());
	snprintf(path, sizeof(path), "%s/sys/devices/system/cpu/possible", root);
	write_file(path, "0-255\n");
	snprintf(path, sizeof(path), "%s/sys/devices/system/cpu/online", root);
	write_file(path, "0-255\n");
	for (int c = 0; c < 256; c++) {
		snprintf(path, sizeof(path), "%s/sys/devices/system/cpu/cpu%d/cache/index0/type",
			 root, c);
		write_file(path, "Unified\n");
		snprintf(path, sizeof(path), "%s/sys/devices/system/cpu/cpu%d/cache/index0/level",
			 root, c);
		write_file(path, "3\n");
		snprintf(path, sizeof(path),
			 "%s/sys/devices/system/cpu/cpu%d/cache/index0/shared_cpu_list", root, c);
		snprintf(text, sizeof(text), "%d-%d\n", c / 16 * 16, c / 16 * 16 + 15);
		write_file(path, text);
	}
	for (int n = 0; n < 4; n++) {
		snprintf(path, sizeof(path), "%s/sys/devices/system/node/node%d/cpulist", root, n);
		snprintf(text, sizeof(text), "%d-%d\n", n * 64, n * 64 + 63);
		write_file(path, text);
	}
	return root;
}

/* Render; every line fits the width (in characters). Returns the text (caller frees). */
static char *render_text(struct app *a, int w, int h)
{
	struct tui_buf b;
	struct strbuf sb = STRBUF_INIT;

	tbuf_init(&b, w, h, false);
	app_render(a, &b);
	tbuf_to_text(&b, &sb);
	tbuf_release(&b);
	return strbuf_detach(&sb, NULL);
}

static void screens__256_cpus__grid_scrolls_to_the_last_cpu(void **state)
{
	struct topology t;
	struct app a;
	char *txt;

	assert_int_equal(topology_load(&t, make_256_cpus()), 0);
	assert_int_equal(t.nr_llcs, 16);
	assert_int_equal(t.nr_nodes, 4);
	app_setup(&a, &t, false);
	check_screen(&a, 80, 24, false, "cpu_256cpu_80x24");
	check_screen(&a, 200, 50, false, "cpu_256cpu_200x50");
	/* End scrolls to the last lines: CPU 255 and the footer */
	render(&a);
	app_key(&a, TK_END);
	txt = render_text(&a, 80, 24);
	assert_non_null(strstr(txt, " 255 "));
	assert_non_null(strstr(txt, "of 92 (Up/Down"));
	free(txt);
	keys(&a, "l");
	check_screen(&a, 120, 24, false, "llc_256cpu_120x24");
	app_release(&a);
	topology_release(&t);
}

/* ---- colours ---- */

static void colours__thresholds__gradient_and_latency(void **state)
{
	struct app a;

	app_setup(&a, &topo2, false);
	/* CPU 1 is 37 % busy: its value in the second gradient step; p99 15 ms: last step */
	assert_int_equal(role_of(&a, 120, 12, 5, "37.0%"), R_G1);
	assert_int_equal(role_of(&a, 120, 12, 5, "15.0ms"), R_G4);
	assert_int_equal(role_of(&a, 120, 12, 4, "2.00us"), R_G0);
	keys(&a, "p");
	/* the busiest process is selected */
	assert_int_equal(role_of(&a, 120, 12, 3, "busyloop"), R_SELECTED);
	app_release(&a);
}

/* ---- controller ---- */

static void app__view_keys__toggle_back_and_quit_rules(void **state)
{
	struct app a;

	app_setup(&a, &topo2, false);
	assert_int_equal(a.view, VIEW_CPU);
	assert_true(keys(&a, "l") & APP_REDRAW);
	assert_int_equal(a.view, VIEW_LLC);
	keys(&a, "l");	/* the same key again: back */
	assert_int_equal(a.view, VIEW_CPU);
	keys(&a, "nh");
	assert_int_equal(a.view, VIEW_HELP);
	assert_false(keys(&a, "q") & APP_QUIT);	/* q closes help */
	assert_int_equal(a.view, VIEW_NODE);
	keys(&a, "p");
	render(&a);	/* the selection is what the table shows */
	app_key(&a, TK_ENTER);	/* threads of the selected (busiest) process */
	assert_int_equal(a.view, VIEW_THREAD);
	assert_int_equal(a.thread_pid, 200);
	assert_false(app_key(&a, TK_ESC) & APP_QUIT);	/* Esc goes back */
	assert_int_equal(a.view, VIEW_PROCESS);
	render(&a);
	app_key(&a, TK_DOWN);
	render(&a);
	app_key(&a, TK_ENTER);
	assert_int_equal(a.thread_pid, 100);	/* db: second by CPU% */
	check_screen(&a, 100, 10, false, "thread_db_100x10");
	keys(&a, "q");
	assert_int_equal(a.view, VIEW_PROCESS);
	assert_true(keys(&a, "q") & APP_QUIT);
	keys(&a, "s");
	assert_false(app_key(&a, TK_ESC) & APP_QUIT);	/* sched: Esc to the CPU view */
	assert_int_equal(a.view, VIEW_CPU);
	assert_true(app_key(&a, TK_ESC) & APP_QUIT);
	app_release(&a);
}

static void app__filter__typing_enter_backspace_esc(void **state)
{
	struct app a;

	app_setup(&a, &topo2, false);
	keys(&a, "f");	/* not in the CPU view */
	assert_false(a.filtering);
	assert_non_null(strstr(a.msg, "filters apply"));
	keys(&a, "pfdb q");	/* keys while typing go into the filter, even q */
	assert_true(a.filtering);
	assert_string_equal(a.filter[VIEW_PROCESS], "db q");
	app_key(&a, TK_BACKSPACE);
	app_key(&a, TK_BACKSPACE);
	app_key(&a, 0xe9);	/* é */
	assert_string_equal(a.filter[VIEW_PROCESS], "db\xc3\xa9");
	app_key(&a, TK_BACKSPACE);
	app_key(&a, TK_ENTER);
	assert_false(a.filtering);
	assert_string_equal(a.filter[VIEW_PROCESS], "db");
	check_screen(&a, 80, 10, false, "process_filtered_80x10");
	assert_false(app_key(&a, TK_ESC) & APP_QUIT);	/* Esc clears the filter first */
	assert_string_equal(a.filter[VIEW_PROCESS], "");
	assert_true(app_filter_match("dbw", "db-worker"));
	assert_true(app_filter_match("DB", "db"));
	assert_false(app_filter_match("wd", "db-worker"));
	assert_true(app_filter_match("", "x"));
	app_release(&a);
}

static void app__tick_rate__upstream_steps_and_bounds(void **state)
{
	struct app a;
	const uint64_t faster[] = {150, 75, 37, 18, 10, 10};
	const uint64_t slower[] = {20, 40, 80, 160, 260, 360};

	app_setup(&a, &topo2, false);
	assert_int_equal(a.tick_ms, 250);
	for (size_t i = 0; i < ARRAY_SIZE(faster); i++) {
		assert_true(keys(&a, "-") & APP_TICK);
		assert_int_equal(a.tick_ms, faster[i]);
	}
	for (size_t i = 0; i < ARRAY_SIZE(slower); i++) {
		keys(&a, "+");
		assert_int_equal(a.tick_ms, slower[i]);
	}
	for (int i = 0; i < 1000; i++)
		keys(&a, "+");
	assert_int_equal(a.tick_ms, CONFIG_TICK_MAX_MS);
	app_release(&a);
}

static void app__sort_metric_chart_theme__cycle(void **state)
{
	struct app a;
	struct tui_config c;

	app_setup(&a, &topo2, false);
	keys(&a, "p");
	assert_int_equal(a.tab[TAB_PROCESS].sort, 3);
	keys(&a, ">");
	assert_int_equal(a.tab[TAB_PROCESS].sort, 4);
	keys(&a, "<<<<<");
	assert_int_equal(a.tab[TAB_PROCESS].sort, app_table_ncols[TAB_PROCESS] - 1);
	keys(&a, "I");
	assert_true(a.tab[TAB_PROCESS].rev);
	keys(&a, "jj");
	assert_int_equal(a.metric, MET_MAX - 2);
	keys(&a, "kkk");
	assert_int_equal(a.metric, MET_BUSY);
	keys(&a, "x");
	assert_int_equal(a.metric, MET_UTIL);
	keys(&a, "vvv");
	assert_int_equal(a.chart, CHART_BAR);
	keys(&a, "tt");
	assert_int_equal(a.theme, 2);
	keys(&a, "FL");
	assert_true(a.show_freq && a.localize);
	/* what S would save */
	assert_true(keys(&a, "S") & APP_SAVE);
	config_defaults(&c);
	app_config_snapshot(&a, &c);
	assert_string_equal(c.theme, "IAmBlue");
	assert_true(c.show_cpu_freq && c.localize);
	config_release(&c);
	app_release(&a);
}

static void app__pause_stream_trace__reactions(void **state)
{
	struct app a;
	struct stats_snapshot s;
	uint64_t ts;

	app_setup(&a, &topo2, false);
	assert_false(app_wants_stream(&a));
	assert_true(keys(&a, "e") & APP_STREAM);
	assert_true(app_wants_stream(&a));
	assert_false(app_wants_tasks(&a));
	assert_true(keys(&a, " ") & APP_STREAM);	/* paused: no stream */
	assert_false(app_wants_stream(&a));
	/* while paused, snapshots do not replace what is shown */
	ts = a.snap.ts_ns;
	stats_snapshot_init(&s);
	fake_snapshot(&s, &topo2, false);
	s.ts_ns += 1;
	app_update(&a, &s);
	assert_int_equal(a.snap.ts_ns, ts);
	keys(&a, " ");
	app_update(&a, &s);
	assert_int_equal(a.snap.ts_ns, ts + 1);
	stats_snapshot_release(&s);
	/* tracing is not in this build: a message, no APP_TRACE */
	assert_false(keys(&a, "a") & APP_TRACE);
	assert_non_null(strstr(a.msg, "not available"));
	a.trace_available = true;
	assert_true(keys(&a, "a") & APP_TRACE);
	a.tracing = true;	/* tui.c started it */
	snprintf(a.trace_path, sizeof(a.trace_path), "scxtop_trace_0.proto");
	assert_false(keys(&a, "a") & APP_TRACE);
	assert_non_null(strstr(a.msg, "already recording scxtop_trace_0.proto"));
	app_release(&a);
}

static void app__rebound_keys__follow_the_keymap(void **state)
{
	struct tui_config c;
	struct app a;

	config_defaults(&c);
	keymap_bind(&c.keymap, 'q', ACT_VIEW_LLC);
	keymap_bind(&c.keymap, TK_F0 + 10, ACT_QUIT);
	app_init(&a, &topo2, &c);
	config_release(&c);
	assert_false(app_key(&a, 'q') & APP_QUIT);
	assert_int_equal(a.view, VIEW_LLC);
	assert_true(app_key(&a, TK_F0 + 10) & APP_QUIT);
	app_release(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(screens__two_cpus__every_view_80x24),
		cmocka_unit_test(screens__wide_terminal__more_columns),
		cmocka_unit_test(screens__64_cpus__grid_at_80x24_detail_when_tall),
		cmocka_unit_test(screens__offline_cpus__listed_apart),
		cmocka_unit_test(screens__256_cpus__grid_scrolls_to_the_last_cpu),
		cmocka_unit_test(screens__sched_ext_data__dsq_tables),
		cmocka_unit_test(screens__ascii_and_tiny__never_garbled),
		cmocka_unit_test(screens__sparkline_history__after_updates),
		cmocka_unit_test(screens__events_view__log_and_program_status),
		cmocka_unit_test(colours__thresholds__gradient_and_latency),
		cmocka_unit_test(app__view_keys__toggle_back_and_quit_rules),
		cmocka_unit_test(app__filter__typing_enter_backspace_esc),
		cmocka_unit_test(app__tick_rate__upstream_steps_and_bounds),
		cmocka_unit_test(app__sort_metric_chart_theme__cycle),
		cmocka_unit_test(app__pause_stream_trace__reactions),
		cmocka_unit_test(app__rebound_keys__follow_the_keymap),
	};

	test_setup_stdio();
	return cmocka_run_group_tests_name("app", tests, setup, teardown);
}
