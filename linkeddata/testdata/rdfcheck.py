"""Reads RDF files with rdflib, an independent parser, and reports on them.

    rdfcheck.py same FORMAT=FILE ...   every file holds the same triples (and,
                                        among the formats with graphs, the same
                                        quads); prints their counts as JSON
    rdfcheck.py query FORMAT=FILE SPARQL
                                        runs a SPARQL query over the union of
                                        the file's graphs; prints the rows as JSON

Network access is refused, so a JSON-LD document that needed a remote
context fails instead of fetching it.
"""
import json
import socket
import sys

import rdflib


def no_network(*args, **kwargs):
    raise RuntimeError("network access attempted")


socket.socket.connect = no_network
socket.create_connection = no_network

FORMATS = {"nq": "nquads", "nt": "nt", "ttl": "turtle", "trig": "trig", "jsonld": "json-ld"}
QUADS = {"nq", "trig", "jsonld"}


def load(arg):
    fmt, path = arg.split("=", 1)
    ds = rdflib.Dataset()
    ds.parse(path, format=FORMATS[fmt])
    return fmt, ds


def quads(ds):
    out = set()
    for s, p, o, g in ds.quads((None, None, None, None)):
        name = g.identifier if hasattr(g, "identifier") else g
        # rdflib names the default graph after the file it read.
        if name is None or str(name) == str(rdflib.graph.DATASET_DEFAULT_GRAPH_ID) or str(name).startswith("file:"):
            name = ""
        out.add((s, p, o, str(name)))
    return out


def same(args):
    first = None
    report = {}
    failed = False
    quad_sets = {}
    for arg in args:
        fmt, ds = load(arg)
        qs = quads(ds)
        triples = {(s, p, o) for s, p, o, _ in qs}
        report[fmt] = {"triples": len(triples), "quads": len(qs)}
        if fmt in QUADS:
            quad_sets[fmt] = qs
        if first is None:
            first = (fmt, triples)
        elif triples != first[1]:
            failed = True
            only_a = sorted(first[1] - triples)[:5]
            only_b = sorted(triples - first[1])[:5]
            print(f"{fmt} differs from {first[0]}: only in {first[0]}: {only_a}; only in {fmt}: {only_b}", file=sys.stderr)
    names = list(quad_sets)
    for n in names[1:]:
        if quad_sets[n] != quad_sets[names[0]]:
            failed = True
            a, b = quad_sets[names[0]], quad_sets[n]
            print(f"{n} quads differ from {names[0]}: {sorted(a - b)[:3]} / {sorted(b - a)[:3]}", file=sys.stderr)
    print(json.dumps(report))
    return 1 if failed else 0


def query(args):
    _, ds = load(args[0])
    union = rdflib.ConjunctiveGraph()
    for s, p, o, _ in quads(ds):
        union.add((s, p, o))
    rows = []
    for row in union.query(args[1]):
        rows.append([None if v is None else str(v) for v in row])
    print(json.dumps(rows, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    cmd, rest = sys.argv[1], sys.argv[2:]
    sys.exit({"same": same, "query": query}[cmd](rest))
