#!/usr/bin/env python3
"""Check that our Perfetto proto subset matches upstream field by field.

Usage: proto_subset_check.py OURS.desc UPSTREAM.desc
Both are FileDescriptorSets (protoc-c --include_imports -o ...). Every message
and enum of OURS must exist in UPSTREAM under the same full name; every field
must have the same number, type, label, type name, packed option and oneof;
every enum value the same number. OURS may leave fields, values and messages
out. Prints what differs; exit 0 when nothing does, 1 otherwise.
Runs with Debian's python3-protobuf (/usr/bin/python3).
"""
import sys

from google.protobuf import descriptor_pb2


def load(path):
    fds = descriptor_pb2.FileDescriptorSet()
    with open(path, 'rb') as f:
        fds.ParseFromString(f.read())
    msgs, enums = {}, {}

    def walk(prefix, mlist, elist):
        for e in elist:
            enums[prefix + e.name] = e
        for m in mlist:
            name = prefix + m.name
            msgs[name] = m
            walk(name + '.', m.nested_type, m.enum_type)

    for fd in fds.file:
        pkg = '.' + fd.package + '.' if fd.package else '.'
        walk(pkg, fd.message_type, fd.enum_type)
    return msgs, enums


def field_sig(m, f):
    oneof = m.oneof_decl[f.oneof_index].name if f.HasField('oneof_index') else None
    return (f.number, f.type, f.label, f.type_name, f.options.packed, oneof)


def main():
    if len(sys.argv) != 3:
        sys.stderr.write(__doc__)
        return 2
    ours_m, ours_e = load(sys.argv[1])
    up_m, up_e = load(sys.argv[2])
    problems = []
    nfields = nvalues = 0
    for name, m in sorted(ours_m.items()):
        u = up_m.get(name)
        if u is None:
            problems.append('message %s: not upstream' % name)
            continue
        ufields = {f.name: f for f in u.field}
        for f in m.field:
            nfields += 1
            uf = ufields.get(f.name)
            if uf is None:
                problems.append('%s.%s: no such field upstream' % (name, f.name))
            elif field_sig(m, f) != field_sig(u, uf):
                problems.append('%s.%s: ours %s, upstream %s' %
                                (name, f.name, field_sig(m, f), field_sig(u, uf)))
    for name, e in sorted(ours_e.items()):
        u = up_e.get(name)
        if u is None:
            problems.append('enum %s: not upstream' % name)
            continue
        uvals = {v.name: v.number for v in u.value}
        for v in e.value:
            nvalues += 1
            if uvals.get(v.name) != v.number:
                problems.append('%s.%s = %d: upstream %s' % (name, v.name, v.number, uvals.get(v.name)))
    for p in problems:
        print(p)
    print('%d messages, %d fields, %d enums, %d values checked: %d differences' %
          (len(ours_m), nfields, len(ours_e), nvalues, len(problems)))
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
