// SPDX-License-Identifier: GPL-2.0
/* MCP prompts: canned investigation workflows that name our tools and resources. */
#include <stdio.h>
#include <string.h>

#include "common/util.h"
#include "top/mcp/mcp_server.h"

struct parg {
	const char *name, *description;
	const char *const *choices;	/* NULL: free text */
};

struct prompt {
	const char *name, *title, *description;
	struct parg args[2];
	const char *text;	/* printf format; %s = the first argument's text */
};

static const char *const focus[] = {"latency", "throughput", "balance", NULL};

static const struct prompt prompts[] = {
	{"analyze_scheduler_performance", "Analyze scheduler performance",
	 "Assess how well the scheduler serves the workload, with a focus area",
	 {{"focus_area", "latency, throughput or balance (default latency)", focus}},
	 "Analyze the scheduler's performance on this host, focusing on %s.\n\n"
	 "1. Read scheduler://current to see which scheduler runs (sched_ext or the kernel's).\n"
	 "2. Read topology://info for CPUs, LLCs and NUMA nodes.\n"
	 "3. Read stats://aggregated/cpu twice a few seconds apart (or call query_stats with "
	 "stat_type cpu): compare utilization, switch rates and wakeup latency across CPUs.\n"
	 "4. For latency: query_stats stat_type process, and analyze_waker_wakee mode latency.\n"
	 "   For throughput: utilization and context-switch rate per CPU and per process.\n"
	 "   For balance: stats://aggregated/llc and stats://aggregated/node.\n"
	 "5. If a Perfetto trace exists, load_perfetto_trace it and run find_scheduling_bottlenecks.\n"
	 "Report findings with the numbers behind them (durations are nanoseconds)."},
	{"debug_high_latency", "Debug high scheduling latency",
	 "Find why tasks wait long between wakeup and running",
	 {{"pid", "process id to focus on (optional)", NULL}},
	 "Find why tasks wait long between being woken and running%s.\n\n"
	 "With a trace: load_perfetto_trace, then analyze_wakeup_latency (per process and per CPU, "
	 "p99/p99.9), correlate_wakeup_to_schedule (the slowest wakeups with waker and CPUs), "
	 "analyze_preemptions, analyze_task_states (runnable time), detect_outliers category latency, "
	 "and get_process_timeline around the worst wakeups.\n"
	 "Live: query_stats stat_type process and thread (latency min/avg/max), analyze_waker_wakee "
	 "mode latency.\n"
	 "Check cross-CPU wakeups, CPU saturation (analyze_cpu_utilization) and migrations across "
	 "LLCs (analyze_migration_patterns). Quote p50/p99 and the worst cases."},
	{"analyze_cpu_imbalance", "Analyze CPU imbalance",
	 "Find uneven load across CPUs, LLCs and NUMA nodes",
	 {{NULL, NULL, NULL}},
	 "Find load imbalance across CPUs%s.\n\n"
	 "Live: stats://aggregated/cpu, stats://aggregated/llc, stats://aggregated/node and "
	 "topology://info: compare utilization and run-queue pressure (wakeup latency) per group.\n"
	 "Trace: analyze_cpu_utilization (per CPU, LLC, node), detect_outliers category cpu, "
	 "analyze_migration_patterns (cross-LLC / cross-NUMA), find_scheduling_bottlenecks.\n"
	 "Say which CPUs are over- and under-used and whether tasks migrate to fix it."},
	{"investigate_scheduler_behavior", "Investigate scheduler behavior",
	 "Understand what a (sched_ext) scheduler does with the workload",
	 {{"scheduler_name", "name of the scheduler (optional)", NULL}},
	 "Investigate how the scheduler%s treats the workload.\n\n"
	 "1. scheduler://current, stats://scheduler/raw (its own scx_stats) and stats://scheduler/scx.\n"
	 "2. A trace: load_perfetto_trace, get_trace_summary, then analyze_dsq (dispatch queues), "
	 "analyze_scx_layer_behavior (wprof traces with layers), analyze_oncpu_slices (slice lengths), "
	 "analyze_preemptions and analyze_wakeup_latency.\n"
	 "3. run_all_analyzers for the overview; find_scheduling_bottlenecks for ranked problems.\n"
	 "Describe its placement, slice and preemption behaviour with evidence."},
	{"summarize_system", "Summarize the system", "A short overview of this host's scheduling state",
	 {{NULL, NULL, NULL}},
	 "Summarize this system's scheduling state%s.\n\n"
	 "Read scheduler://current, topology://info, stats://system/cpu, stats://system/memory, "
	 "stats://system/network and (as root) stats://aggregated/cpu and stats://aggregated/process. "
	 "Give: the scheduler, CPU/LLC/node counts, utilization, the busiest processes, and anything "
	 "unusual, in a few lines."},
};

json_t *mcp_prompts_list(void)
{
	json_t *arr = json_array();

	for (size_t i = 0; i < ARRAY_SIZE(prompts); i++) {
		const struct prompt *p = &prompts[i];
		json_t *args = json_array();

		if (p->args[0].name)
			json_array_append_new(args, json_pack("{s:s, s:s, s:b}", "name", p->args[0].name,
							      "description", p->args[0].description,
							      "required", 0));
		json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:o}", "name", p->name, "title",
						     p->title, "description", p->description,
						     "arguments", args));
	}
	return arr;
}

/* The template with its one "%s" replaced by val. */
static void subst(char *out, size_t len, const char *tmpl, const char *val)
{
	const char *at = strstr(tmpl, "%s");

	if (!at)
		snprintf(out, len, "%s", tmpl);
	else
		snprintf(out, len, "%.*s%s%s", (int)(at - tmpl), tmpl, val, at + 2);
}

json_t *mcp_prompt_get(const char *name, json_t *args, char *err, size_t len)
{
	for (size_t i = 0; i < ARRAY_SIZE(prompts); i++) {
		const struct prompt *p = &prompts[i];
		char text[4096], val[160] = "";
		const char *k;
		json_t *v;

		if (strcmp(p->name, name))
			continue;
		json_object_foreach(args, k, v) {
			if (!p->args[0].name || strcmp(k, p->args[0].name)) {
				snprintf(err, len, "prompt %s has no argument '%.60s'", name, k);
				return NULL;
			}
			if (!json_is_string(v)) {
				snprintf(err, len, "argument %s must be a string", k);
				return NULL;
			}
			snprintf(val, sizeof(val), "%.120s", json_string_value(v));
		}
		if (p->args[0].choices && val[0]) {
			bool ok = false;

			for (const char *const *c = p->args[0].choices; *c; c++)
				ok |= !strcmp(*c, val);
			if (!ok) {
				snprintf(err, len, "argument %s must be one of latency, throughput, balance",
					 p->args[0].name);
				return NULL;
			}
		}
		if (!strcmp(name, "analyze_scheduler_performance"))
			subst(text, sizeof(text), p->text, val[0] ? val : "latency");
		else if (!strcmp(name, "debug_high_latency") && val[0]) {
			char f[200];

			snprintf(f, sizeof(f), " (process %s: pass pid=%s to the tools)", val, val);
			subst(text, sizeof(text), p->text, f);
		} else if (!strcmp(name, "investigate_scheduler_behavior") && val[0]) {
			char f[200];

			snprintf(f, sizeof(f), " %s", val);
			subst(text, sizeof(text), p->text, f);
		} else {
			subst(text, sizeof(text), p->text, "");
		}
		return json_pack("{s:s, s:[{s:s, s:{s:s, s:s}}]}", "description", p->description,
				 "messages", "role", "user", "content", "type", "text", "text", text);
	}
	return NULL;
}
