#!/usr/bin/python3
"""Validate JSON documents against a JSON Schema (draft 2020-12).

usage: validate_json.py SCHEMA FILE [--jsonl]

With --jsonl every non-empty line of FILE is a document. Prints the first
errors with their location and exits 1 when anything is invalid. Uses Debian's
python3-jsonschema (call it with /usr/bin/python3).
"""
import json
import sys

import jsonschema


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    schema_path, doc_path = sys.argv[1], sys.argv[2]
    jsonl = "--jsonl" in sys.argv[3:]
    with open(schema_path) as f:
        schema = json.load(f)
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    validator = cls(schema, format_checker=jsonschema.FormatChecker())
    docs = []
    with open(doc_path, "rb") as f:
        if jsonl:
            for n, raw in enumerate(f, 1):
                if raw.strip():
                    docs.append((f"line {n}", json.loads(raw)))
        else:
            docs.append(("document", json.load(f)))
    bad = 0
    for where, doc in docs:
        for err in validator.iter_errors(doc):
            bad += 1
            if bad <= 10:
                path = "/".join(str(p) for p in err.absolute_path)
                print(f"{doc_path}: {where}: /{path}: {err.message}", file=sys.stderr)
    if bad:
        print(f"{doc_path}: {bad} schema error(s) in {len(docs)} document(s)", file=sys.stderr)
        return 1
    if not docs:
        print(f"{doc_path}: no documents", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
