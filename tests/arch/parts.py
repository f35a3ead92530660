#!/usr/bin/env python3
"""The part graph of the C sources, read from their #include lines.

A part is a folder under src/ (workflow, engine, exec, ...). A file of a
part depends on another part when it includes that part's public header
(include/hetflow/X.h) or a private header under src/<part>/. A public
header belongs to the part that implements it (HEADER_PART), and its own
includes count as its part's dependencies.

  parts.py [ROOT]          print the graph: each part and what it includes
                           ("(private)": a header under src/ of another part)
  parts.py --check [ROOT]  also hold it against ALLOWED and exit 1 on a
                           crossing, naming the file and line

Run by `make check` (tests/CMakeLists.txt) with --check, so an include
that crosses a rule of docs/architecture.md fails the suite.
"""

import os
import re
import sys

# The public headers and the part each one belongs to.
HEADER_PART = {
    "error.h": "util",
    "platform.h": "platform",
    "alloc.h": "platform",
    "workflow.h": "workflow",
    "dag.h": "workflow",
    "template.h": "workflow",
    "workflow_rules.h": "workflow",
    "analysis.h": "analysis",
    "sched.h": "sched",
    "exec.h": "exec",
    "run.h": "run",
    "executor.h": "executor",
    "engine.h": "engine",
    "journal.h": "journal",
    "trace.h": "trace",
    "hetflow.h": "all",
}

# "x.h", and <hetflow/x.h> (a project header written as a system one).
INCLUDE = re.compile(r'^\s*#\s*include\s+(?:"([^"]+)"|<(hetflow/[^>]+)>)')


def part_of_include(name, from_dir, parts, src):
    """(part, private) for an #include "name" written in from_dir: the part
    it points at, and whether it is a private header under src/."""
    if name.startswith("hetflow/"):
        return HEADER_PART.get(name[len("hetflow/"):], "?" + name), False
    if os.path.basename(from_dir) == "hetflow":
        return HEADER_PART.get(name, "?" + name), False
    first = name.split("/")[0]
    if "/" in name and first in parts:
        return first, True  # "util/fs.h": src/ is on the include path
    # Next to the includer, or a path relative to it ("../x.h").
    target = os.path.relpath(os.path.normpath(os.path.join(from_dir, name)), src)
    first = target.split(os.sep)[0]
    return (first if first in parts else "?" + name), True


def collect(root):
    """Yield (part, file, line, included part, private) for every include
    of another part."""
    places = []
    src = os.path.join(root, "src")
    parts = [p for p in sorted(os.listdir(src)) if os.path.isdir(os.path.join(src, p))]
    for part in parts:
        for d, subdirs, files in os.walk(os.path.join(src, part)):
            subdirs.sort()
            places += [(part, d, f) for f in sorted(files)]
    hdir = os.path.join(root, "include", "hetflow")
    places += [(HEADER_PART.get(f, "?"), hdir, f) for f in sorted(os.listdir(hdir))]
    for part, d, f in places:
        if not f.endswith((".c", ".h")):
            continue
        path = os.path.join(d, f)
        with open(path, encoding="utf-8") as fh:
            for lineno, line in enumerate(fh, 1):
                m = INCLUDE.match(line)
                if m:
                    to, private = part_of_include(m.group(1) or m.group(2), d, parts, src)
                    if to != part:
                        yield part, os.path.relpath(path, root), lineno, to, private


def graph(root):
    edges = {}
    for part, _, _, to, private in collect(root):
        edges.setdefault(part, set()).add(to + ("(private)" if private and to != "util" else ""))
    return edges


def main(argv):
    check = "--check" in argv
    args = [a for a in argv if a != "--check"]
    root = args[0] if args else os.path.join(os.path.dirname(__file__), "..", "..")
    edges = graph(root)
    for part in sorted(edges):
        print(f"{part:9} -> {', '.join(sorted(edges[part]))}")
    if not check:
        return 0
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from allowed import ALLOWED, PRIVATE_OK

    bad = 0
    for part, path, lineno, to, private in collect(root):
        why = None
        if to not in ALLOWED.get(part, ()):
            why = f"{part} may not include {to}"
        elif private and to != "util" and (part, to) not in PRIVATE_OK:
            why = f"{part} may not include a private header of {to}"
        if why:
            print(f"{path}:{lineno}: {why} "
                  f"(docs/architecture.md, 'What may include what')", file=sys.stderr)
            bad += 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
