#!/usr/bin/env python3
"""Top frames of a JFR recording's CPU samples, from `jfr print` output.

    jfr print --events jdk.ExecutionSample --stack-depth 64 rec.jfr > samples.txt
    scripts/bench/jfr-top.py samples.txt [N]

Prints, per event type found (jdk.ExecutionSample: threads running Java code; jdk.NativeMethodSample:
threads inside native methods), the sample count per thread, the top N methods by self samples (top
frame) and by inclusive samples (anywhere on the stack, once per sample). Stacks deeper than
--stack-depth are cut, so inclusive counts of outer frames are lower bounds.
"""
import collections
import re
import sys


def frames_of(block):
    out = []
    inside = False
    for line in block:
        s = line.strip()
        if s.startswith("stackTrace = ["):
            inside = True
            continue
        if inside:
            if s == "]" or s.startswith("]"):
                break
            if s == "...":
                continue
            out.append(re.sub(r"\s+line: \d+.*$", "", s))
    return out


def main():
    path = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 25
    events = collections.defaultdict(list)
    kind, block, thread = None, [], None
    for line in open(path, encoding="utf-8", errors="replace"):
        m = re.match(r"^(jdk\.\w+) \{", line)
        if m:
            kind, block, thread = m.group(1), [], None
            continue
        if kind is None:
            continue
        if line.startswith("}"):
            events[kind].append((thread, frames_of(block)))
            kind = None
            continue
        t = re.search(r'sampledThread = "([^"]*)"', line)
        if t:
            thread = re.sub(r"-\d+$", "-N", t.group(1))
        block.append(line)
    for kind, samples in events.items():
        total = len(samples)
        print(f"== {kind}: {total} samples")
        threads = collections.Counter(t for t, _ in samples)
        for t, c in threads.most_common(8):
            print(f"  thread {t}: {c} ({100.0 * c / total:.1f} %)")
        self_c = collections.Counter(f[0] for _, f in samples if f)
        incl = collections.Counter()
        for _, f in samples:
            incl.update(set(f))
        print(f"  -- top {n} by self samples")
        for m, c in self_c.most_common(n):
            print(f"  {100.0 * c / total:5.1f} %  {c:5d}  {m}")
        print(f"  -- top {n} by inclusive samples")
        for m, c in incl.most_common(n):
            print(f"  {100.0 * c / total:5.1f} %  {c:5d}  {m}")


if __name__ == "__main__":
    main()
