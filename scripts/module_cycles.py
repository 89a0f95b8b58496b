#!/usr/bin/env python3
"""Fails if any crate of the workspace has an import cycle between its modules.

Every source file is a module (`meter/peaks.rs` is `meter::peaks`). A module depends on each
module it names through `crate::...`, `super::...` or `self::...`, outside comments and test code
(`tests.rs` files and everything after `#[cfg(test)]`). A module naming one of its own ancestors
is not counted: that is how a child reads the types its parent module declares, and the parent
owns the child. A cycle is then a group of modules that depend on each other in a ring.

    python3 scripts/module_cycles.py        # prints one line per crate; exit status 1 on a cycle
"""
import os
import re
import sys

CRATES = ["dsp", "gui", "plugin", "cli", "xtask"]
PATH = re.compile(r"\b(crate|super|self)((?:::[a-z_][a-z_0-9]*)+)")


def modules(src):
    """Module path (tuple) -> file, for every .rs file under src."""
    out = {}
    for root, _, files in os.walk(src):
        for f in files:
            if not f.endswith(".rs") or f == "tests.rs":
                continue
            rel = os.path.relpath(os.path.join(root, f), src)[:-3].split(os.sep)
            if rel[-1] in ("mod", "lib", "main"):
                rel = rel[:-1]
            out[tuple(rel)] = os.path.join(root, f)
    return out


def code_of(path):
    text = open(path, encoding="utf-8").read().split("#[cfg(test)]")[0]
    return "\n".join(l.split("//")[0] for l in text.split("\n"))


def edges(mods):
    graph = {m: set() for m in mods}
    for m, path in mods.items():
        for head, tail in PATH.findall(code_of(path)):
            parts = tail.strip(":").split("::")
            if head == "crate":
                base = ()
            elif head == "super":
                base = m[:-1]
                while parts and parts[0] == "super":
                    base, parts = base[:-1], parts[1:]
            else:
                base = m
            # The longest module this path reaches.
            target = base
            for p in parts:
                if target + (p,) in mods:
                    target = target + (p,)
                else:
                    break
            if target != m and m[: len(target)] != target:
                graph[m].add(target)
    return graph


def cycles(graph):
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on, out = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                out.append(group)

    for v in graph:
        if v not in index:
            visit(v)
    return out


def main():
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    failed = False
    for crate in CRATES:
        src = os.path.join(root, crate, "src")
        if not os.path.isdir(src):
            continue
        mods = modules(src)
        found = cycles(edges(mods))
        name = lambda m: "::".join(m) or "crate"
        if found:
            failed = True
            for group in found:
                print(f"{crate}: module cycle: {' <-> '.join(sorted(map(name, group)))}")
        else:
            print(f"{crate}: {len(mods)} modules, no import cycle")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
