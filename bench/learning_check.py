#!/usr/bin/env python3
"""Compares how the same cells learned in two results folders (e.g. float32 and `--precision bf16`): for one score
(default cls_fid) at every evaluation both folders have, each seed's value in both, the means over seeds, their
difference, and the spread (max - min) of the first folder's seeds. Verdict (the criterion written in
experiments/bf16-check.fsx before its runs): unchanged when at every evaluation after the first the difference of the
means is smaller than the first folder's seed spread.

usage: bench/learning_check.py BASELINE_DIR OTHER_DIR [--score cls_fid]
Each DIR is an experiment's results folder (<results>/<experiment>); run directories are matched by their names
(cell ids), so both folders must hold the same cells.
"""
import argparse
import csv
import os
import re
import sys


def curves(folder, score):
    """cell id -> {iteration: value} for every run directory with an evaluations.csv."""
    out = {}
    for name in sorted(os.listdir(folder)):
        path = os.path.join(folder, name, "evaluations.csv")
        if os.path.isfile(path):
            with open(path, newline="") as f:
                out[name] = {int(r["iteration"]): float(r["value"]) for r in csv.DictReader(f) if r["score"] == score}
    return out


def seed_of(cell):
    m = re.search(r"-s(\d+)-[0-9a-f]{8}$", cell)
    return int(m.group(1)) if m else cell


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("baseline")
    p.add_argument("other")
    p.add_argument("--score", default="cls_fid")
    a = p.parse_args()
    base, other = curves(a.baseline, a.score), curves(a.other, a.score)
    if not base or set(base) != set(other):
        sys.exit(f"error: {a.baseline} and {a.other} must hold the same run directories with evaluations of {a.score} "
                 f"(found {len(base)} and {len(other)}; differing: {sorted(set(base) ^ set(other))})")
    cells = sorted(base, key=seed_of)
    iterations = sorted(set.intersection(*(set(base[c]) & set(other[c]) for c in cells)))
    # Each side is named by its folder, or by the folder above when both have one name (runs/<precision>/<experiment>).
    first, second = (os.path.basename(os.path.normpath(d)) for d in (a.baseline, a.other))
    if first == second:
        first, second = (os.path.basename(os.path.dirname(os.path.normpath(d))) for d in (a.baseline, a.other))
    print(f"{a.score} per seed ({len(cells)} cells), {first} / {second}:\n")
    print("| iteration | " + " | ".join(f"seed {seed_of(c)}" for c in cells)
          + f" | mean {first} | mean {second} | difference | {first} seed spread | within spread |")
    print("|---:|" + "---:|" * (len(cells) + 5))
    held = True
    for it in iterations:
        b = [base[c][it] for c in cells]
        o = [other[c][it] for c in cells]
        mb, mo = sum(b) / len(b), sum(o) / len(o)
        spread = max(b) - min(b)
        ok = abs(mo - mb) < spread
        if it > 0:
            held = held and ok
        print(f"| {it} | " + " | ".join(f"{x:.1f} / {y:.1f}" for x, y in zip(b, o))
              + f" | {mb:.1f} | {mo:.1f} | {mo - mb:+.1f} | {spread:.1f} | {'yes' if ok else 'no'}{' (untrained)' if it == 0 else ''} |")
    print(f"\nVerdict: learning {'unchanged' if held else 'CHANGED'} ({second} against {first}: the difference of the means "
          f"{'stays' if held else 'does not stay'} inside {first}'s seed spread at every evaluation after iteration 0).")


if __name__ == "__main__":
    main()
