#!/usr/bin/env python3
"""Summarize the ftrace side of a Perfetto trace as JSON, independently of our C reader.

Usage: pftrace_summary.py DESC TRACE
DESC is a FileDescriptorSet of the trace protos (upstream's or our subset).
Prints one JSON object:
  packets, bundles, bundles_without_cpu, lost_bundles,
  switches (compact + full), compact_switches, cpus_with_switches,
  wakings, events_by_kind {name: n}, events_without_pid,
  comms (sorted distinct next/wakee comms), process_tree_threads {tid: name},
  process_tree_processes {pid: cmdline[0]}, seq_ids, first_packet_flags,
  utsname_release, counter_tracks {name: unit}, counter_events,
  ftrace_stats [{phase, cpu, overrun}], prev_chain_breaks (full sched_switch
  whose prev_pid differs from the CPU's previous next_pid).
Runs with Debian's python3-protobuf (/usr/bin/python3).
"""
import json
import sys
from collections import Counter, defaultdict

from google.protobuf import descriptor_pb2, descriptor_pool, message_factory


def trace_class(desc):
    pool = descriptor_pool.DescriptorPool()
    fds = descriptor_pb2.FileDescriptorSet()
    with open(desc, 'rb') as f:
        fds.MergeFromString(f.read())
    for f in fds.file:
        pool.Add(f)
    d = pool.FindMessageTypeByName('perfetto.protos.Trace')
    if hasattr(message_factory, 'GetMessageClass'):
        return message_factory.GetMessageClass(d)
    return message_factory.MessageFactory(pool).GetPrototype(d)


def main():
    if len(sys.argv) != 3:
        sys.stderr.write(__doc__)
        return 2
    t = trace_class(sys.argv[1])()
    with open(sys.argv[2], 'rb') as f:
        t.MergeFromString(f.read())
    s = dict(packets=len(t.packet), bundles=0, bundles_without_cpu=0, lost_bundles=0,
             switches=0, compact_switches=0, wakings=0, events_without_pid=0,
             counter_events=0, prev_chain_breaks=0, utsname_release=None)
    kinds = Counter()
    comms = set()
    cpus = set()
    threads, procs, tracks = {}, {}, {}
    seqs = set()
    first_flags = None
    stats = []
    last_next = {}
    for i, p in enumerate(t.packet):
        if p.HasField('trusted_packet_sequence_id'):
            seqs.add(p.trusted_packet_sequence_id)
        if i == 0:
            first_flags = p.sequence_flags
        which = p.WhichOneof('data')
        if which == 'system_info' and p.system_info.HasField('utsname'):
            s['utsname_release'] = p.system_info.utsname.release
        elif which == 'process_tree':
            for th in p.process_tree.threads:
                threads[str(th.tid)] = th.name
            for pr in p.process_tree.processes:
                procs[str(pr.pid)] = pr.cmdline[0] if pr.cmdline else ''
        elif which == 'track_descriptor' and p.track_descriptor.HasField('counter'):
            tracks[p.track_descriptor.name] = p.track_descriptor.counter.unit
        elif which == 'track_event' and p.track_event.type == 4:
            s['counter_events'] += 1
        elif which == 'ftrace_stats':
            for c in p.ftrace_stats.cpu_stats:
                stats.append(dict(phase=p.ftrace_stats.phase, cpu=c.cpu, overrun=c.overrun))
        elif which == 'ftrace_events':
            b = p.ftrace_events
            s['bundles'] += 1
            if not b.HasField('cpu'):
                s['bundles_without_cpu'] += 1
            if b.lost_events:
                s['lost_bundles'] += 1
            if b.HasField('compact_sched'):
                cs = b.compact_sched
                n = len(cs.switch_timestamp)
                s['compact_switches'] += n
                s['switches'] += n
                s['wakings'] += len(cs.waking_timestamp)
                if n:
                    cpus.add(b.cpu)
                for ix in list(cs.switch_next_comm_index) + list(cs.waking_comm_index):
                    comms.add(cs.intern_table[ix])
            for e in b.event:
                kind = e.WhichOneof('event')
                kinds[kind] += 1
                if not e.HasField('pid'):
                    s['events_without_pid'] += 1
                if kind == 'sched_switch':
                    s['switches'] += 1
                    cpus.add(b.cpu)
                    sw = e.sched_switch
                    comms.add(sw.next_comm)
                    if b.cpu in last_next and last_next[b.cpu] != sw.prev_pid:
                        s['prev_chain_breaks'] += 1
                    last_next[b.cpu] = sw.next_pid
                elif kind == 'sched_waking':
                    s['wakings'] += 1
                    comms.add(e.sched_waking.comm)
    s.update(cpus_with_switches=len(cpus), events_by_kind=dict(kinds), comms=sorted(comms),
             process_tree_threads=threads, process_tree_processes=procs, seq_ids=sorted(seqs),
             first_packet_flags=first_flags, counter_tracks=tracks, ftrace_stats=stats)
    print(json.dumps(s, sort_keys=True))
    return 0


if __name__ == '__main__':
    sys.exit(main())
