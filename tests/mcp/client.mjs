// SPDX-License-Identifier: GPL-2.0
// MCP conformance of `scxtop mcp` with the official TypeScript SDK client:
// initialize (version negotiation by the SDK), list and call every tool, read
// every resource, get every prompt, and check the error behaviour. Prints
// "ok - ..." per check; exits 1 on the first failure.
//
// usage: node client.mjs SDK_DIR SCXTOP TRACE OUT_DIR
import { pathToFileURL } from 'node:url';
import path from 'node:path';
import fs from 'node:fs';

const [sdkDir, scxtop, trace, outDir, bigTrace] = process.argv.slice(2);
const sdk = (p) => import(pathToFileURL(path.join(sdkDir, 'node_modules/@modelcontextprotocol/sdk/dist/esm', p)).href);
const { Client } = await sdk('client/index.js');
const { StdioClientTransport } = await sdk('client/stdio.js');
const { McpError, LATEST_PROTOCOL_VERSION } = await sdk('types.js');

let checks = 0;
function ok(msg) { checks++; console.log(`ok - ${msg}`); }
function fail(msg) { console.error(`FAIL: ${msg}`); process.exit(1); }
function expect(cond, msg) { if (!cond) fail(msg); ok(msg); }

const root = process.getuid && process.getuid() === 0;
const transport = new StdioClientTransport({ command: scxtop, args: ['mcp'], stderr: 'pipe' });
let stderr = '';
transport.stderr?.on('data', (d) => { stderr += d; });
const client = new Client({ name: 'scxtop-conformance', version: '1.0.0' });
await client.connect(transport);

const sv = client.getServerVersion();
expect(sv?.name === 'scxtop-mcp', `initialize: serverInfo.name is scxtop-mcp (${sv?.name} ${sv?.version})`);
const caps = client.getServerCapabilities();
expect(caps?.tools && caps?.resources && caps?.prompts, 'initialize: tools, resources and prompts capabilities');
expect(typeof client.getInstructions() === 'string', 'initialize: instructions');
await client.ping();
ok(`ping (protocol negotiated by the SDK, latest it knows: ${LATEST_PROTOCOL_VERSION})`);

// ---- tools -------------------------------------------------------------------------------
const exportPath = path.join(outDir, 'export.json');
const T = { trace_id: 't' };
const args = {
	load_perfetto_trace: { file_path: trace, trace_id: 't' },
	list_traces: {},
	get_trace_summary: T,
	discover_analyzers: T,
	run_all_analyzers: { ...T, limit: 3 },
	analyze_trace_scheduling: { ...T, analysis_type: 'wakeup_latency', limit: 3 },
	analyze_cpu_utilization: T,
	analyze_process_runtime: { ...T, limit: 5, aggregation_mode: 'per_thread' },
	analyze_wakeup_latency: { ...T, limit: 5 },
	analyze_migration_patterns: T,
	analyze_preemptions: T,
	analyze_task_states: T,
	analyze_dsq: T,
	analyze_oncpu_slices: { ...T, limit: 5 },
	analyze_scx_layer_behavior: T,
	find_scheduling_bottlenecks: T,
	detect_outliers: { ...T, method: 'IQR', category: 'all', limit: 5 },
	query_trace_events: { ...T, event_type: 'sched_switch', group_by: 'cpu', limit: 5 },
	get_process_timeline: { ...T, pid: 1, limit: 5 },
	get_cpu_timeline: { ...T, cpu: 0, limit: 5 },
	correlate_wakeup_to_schedule: { ...T, limit: 5 },
	export_trace_analysis: { ...T, output_path: exportPath },
	query_stats: { stat_type: 'cpu' },
	get_topology: { detail_level: 'full' },
	control_stats_collection: { action: 'status' },
	analyze_waker_wakee: { mode: 'frequency', duration_ms: 200, limit: 5 },
	analyze_softirq: { duration_ms: 200 },
	unload_trace: T,
};
// results that legitimately carry isError: live tools without root, analyzers that do not apply
const live = new Set(['query_stats', 'analyze_waker_wakee', 'analyze_softirq']);

const { tools } = await client.listTools();
expect(tools.length >= 27, `tools/list: ${tools.length} tools`);
for (const t of tools) {
	if (!t.inputSchema || t.inputSchema.type !== 'object') fail(`${t.name}: inputSchema is not an object schema`);
	if (!(t.name in args)) fail(`${t.name}: this test has no arguments for it (add them)`);
}
ok('every tool has an object input schema');
const order = ['load_perfetto_trace', ...tools.map((t) => t.name).filter((n) => n !== 'load_perfetto_trace' && n !== 'unload_trace'), 'unload_trace'];
for (const name of order) {
	const res = await client.callTool({ name, arguments: args[name] });
	const text = res.content?.[0]?.text;
	if (res.content?.[0]?.type !== 'text' || typeof text !== 'string') fail(`${name}: no text content`);
	if (res.isError) {
		if (!(live.has(name) && !root)) fail(`${name}: isError: ${text}`);
		if (!/root|BPF|unavailable/.test(text)) fail(`${name}: unclear error: ${text}`);
		ok(`${name}: refused without root with a reason`);
		continue;
	}
	let doc;
	try { doc = JSON.parse(text); } catch (e) { fail(`${name}: result is not pure JSON: ${text.slice(0, 100)}`); }
	ok(`${name}: ${text.length} bytes of JSON`);
	if (name === 'load_perfetto_trace' && !(doc.total_events > 0)) fail('load: no events');
	if (name === 'analyze_wakeup_latency' && !(doc.results.wakeup_latency.latency.count > 0)) fail('no wakeups');
}
// progress: a trace big enough that loading is not instantaneous (a client may drop
// notifications that arrive in the same read as the result, as this SDK does)
{
	let progress = 0;
	const res = await client.callTool({ name: 'load_perfetto_trace', arguments: { file_path: bigTrace, trace_id: 'big' } },
		undefined, { onprogress: () => { progress++; } });
	expect(!res.isError && progress > 0, `load_perfetto_trace of a large trace sent ${progress} progress notification(s)`);
	await client.callTool({ name: 'unload_trace', arguments: { trace_id: 'big' } });
}
expect(JSON.parse(fs.readFileSync(exportPath, 'utf8')).analyzers.summary.total_events > 0, 'export_trace_analysis wrote the document');

// ---- errors ------------------------------------------------------------------------------
try {
	await client.callTool({ name: 'no_such_tool', arguments: {} });
	fail('unknown tool did not fail');
} catch (e) {
	expect(e instanceof McpError && e.code === -32602, `unknown tool: JSON-RPC error ${e.code}`);
}
{
	const res = await client.callTool({ name: 'get_cpu_timeline', arguments: { cpu: 'zero' } });
	expect(res.isError && /cpu: must be of type integer/.test(res.content[0].text), 'bad argument type: isError result naming the argument');
	const res2 = await client.callTool({ name: 'get_trace_summary', arguments: { trace_id: 'gone' } });
	expect(res2.isError && /not loaded|no trace/.test(res2.content[0].text), 'unknown trace: isError result saying what to do');
}

// ---- resources ---------------------------------------------------------------------------
const { resources } = await client.listResources();
expect(resources.length >= 14, `resources/list: ${resources.length} resources`);
for (const r of resources) {
	try {
		const res = await client.readResource({ uri: r.uri });
		JSON.parse(res.contents[0].text);
		ok(`read ${r.uri}`);
	} catch (e) {
		// live data that this host cannot give: a JSON-RPC error with the reason
		if (!(e instanceof McpError) || !/root|BPF|sched_ext|scx_stats|debugfs|no such|No such/i.test(e.message))
			fail(`read ${r.uri}: ${e.message}`);
		ok(`read ${r.uri}: refused: ${e.message.slice(0, 90)}`);
	}
}
try {
	await client.readResource({ uri: 'nope://nothing' });
	fail('unknown resource did not fail');
} catch (e) {
	expect(e instanceof McpError && e.code === -32002, `unknown resource: JSON-RPC error ${e.code}`);
}
const { resourceTemplates } = await client.listResourceTemplates();
expect(resourceTemplates.length === 1, 'resources/templates/list');

// ---- prompts -----------------------------------------------------------------------------
const { prompts } = await client.listPrompts();
expect(prompts.length === 5, `prompts/list: ${prompts.map((p) => p.name).join(', ')}`);
for (const p of prompts) {
	const a = p.name === 'analyze_scheduler_performance' ? { focus_area: 'balance' }
		: p.name === 'debug_high_latency' ? { pid: '1' } : {};
	const res = await client.getPrompt({ name: p.name, arguments: a });
	if (res.messages?.[0]?.role !== 'user' || !res.messages[0].content.text.includes('scxtop') &&
	    !/load_perfetto_trace|stats:\/\//.test(res.messages[0].content.text))
		fail(`prompt ${p.name}: unexpected messages`);
	ok(`prompt ${p.name}`);
}
try {
	await client.getPrompt({ name: 'analyze_scheduler_performance', arguments: { focus_area: 'vibes' } });
	fail('bad prompt argument accepted');
} catch (e) {
	expect(e instanceof McpError && e.code === -32602, 'bad prompt argument: -32602');
}

await client.close();
if (/[^\s]/.test(stderr) && /error/i.test(stderr) && !/warning/.test(stderr)) console.log(`(server stderr: ${stderr.trim().slice(0, 200)})`);
console.log(`${checks} checks passed`);
