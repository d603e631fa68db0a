#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Writes a synthetic xesvm snapshot with N SVM ranges (default 1,000,000).

Deterministic (fixed seed): the same arguments always give the same file,
so figures from different runs and machines compare like for like.
Schema version 2: each range has its page set on its own device, and one
in 50 a second one, of the other device, as a range two GPUs map.
--later N writes the same process a while later, for `diff`: N ranges
changed flags (and so residency and the flags of their page sets), N/2
are gone, N/2 new ones follow the last range of their VM, and the GT
counter and capture time moved on.
Usage: gen-big-snapshot.py [--ranges N] [--seed S] [--later N] OUTPUT
"""
import argparse
import json
import random

FLAG_ORDER = ["migrate_devmem", "unmapped", "partial_unmap", "has_devmem_pages",
              "has_dma_mapping", "gc_pending"]
# The flags a page set has of its range's (xesvm-json(7), RANGES).
PAGE_FLAGS = ["unmapped", "has_devmem_pages", "has_dma_mapping"]
NOTIFIER = 512 << 20
SIZES = [4 << 10, 64 << 10, 2 << 20]


def residency(flags):
    if "unmapped" in flags:
        return "none"
    if "has_devmem_pages" in flags:
        return "device"
    if "has_dma_mapping" in flags:
        return "system"
    return "none"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ranges", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=20261121)
    ap.add_argument("--later", type=int, default=0)
    ap.add_argument("output")
    args = ap.parse_args()
    rnd = random.Random(args.seed)
    # Its own generator, so the ranges themselves come out as without --later.
    later = random.Random(args.seed + 1)
    changed = set(later.sample(range(args.ranges), args.later)) if args.later else set()
    gone = set(later.sample(range(args.ranges), args.later // 2)) if args.later else set()

    n_vms = 4
    head = {
        "schema_version": 2, "generator": "gen-big-snapshot.py",
        "captured_at": "2026-11-21T12:05:00Z" if args.later else "2026-11-21T12:00:00Z",
        "host": {"hostname": "bench", "kernel": "7.3.4-amd64"},
        "sources": {"ranges": "synthetic"}, "notes": [],
        "devices": [{"minor": m, "driver": "xe", "pci_bdf": "0000:%02x:00.0" % (0x3a + m),
                     "pci_id": "8086:0bd5", "card": "/dev/dri/card%d" % m,
                     "render": "/dev/dri/renderD%d" % (128 + m),
                     "memory_regions": [{"name": "vram0", "total_bytes": 64 << 30, "usable_bytes": 63 << 30}],
                     "gts": [{"id": 0, "stats": {"svm_pagefault_count": rnd.randrange(1 << 30) + 1000 * bool(args.later)}}]}
                    for m in range(2)],
        "clients": [{"device": v % 2, "client_id": 10 + v, "pid": 1000 + v, "comm": "bench%d" % v,
                     "name": None, "memory": {}} for v in range(n_vms)],
        "vms": [{"device": v % 2, "vm": v + 1, "pid": 1000 + v, "comm": "bench%d" % v,
                 "client_id": 10 + v, "start": 0, "end": 1 << 47, "num_vmas": 1,
                 "num_ranges": args.ranges // n_vms} for v in range(n_vms)],
        "vmas": [{"device": v % 2, "vm": v + 1, "start": 0x7f0000000000, "end": 0x7f8000000000,
                  "kind": "cpu_mirror", "preferred_location": "default_device",
                  "preferred_pagemap": None, "migration_policy": "all_pages",
                  "atomic_access": "undefined", "pat_index": 0, "purgeable": None}
                 for v in range(n_vms)],
    }
    tail = {
        "pagemaps": [{"device": m, "id": 0, "name": "vram0", "region": "vram0", "size_bytes": 64 << 30,
                      "stats": None} for m in range(2)],
        "events": [],
    }
    with open(args.output, "w") as out:
        out.write(json.dumps(head, separators=(",", ":"))[:-1])
        out.write(',"ranges":[\n')
        addr = [0x7f0000000000] * n_vms
        seq = 1
        first = True

        def page_set(device, flags, seq):
            page_flags = [f for f in flags if f in PAGE_FLAGS]
            return ('{"device":%d,"flags":%s,"pagemap":%s,"notifier_seq":%d}'
                    % (device, json.dumps(page_flags, separators=(",", ":")),
                       device if "has_devmem_pages" in page_flags else "null", seq))

        def write_range(v, start, size, bits, seq, tiles, shared):
            nonlocal first
            flags = [f for b, f in enumerate(FLAG_ORDER) if bits & (1 << b)]
            res = residency(flags)
            ns = start // NOTIFIER * NOTIFIER
            sets = [page_set(v % 2, flags, seq)]
            if shared:  # the other device maps it too, from system memory
                sets.append(page_set(1 - v % 2, [f for f in flags if f != "has_devmem_pages"], seq))
            out.write('%s{"device":%d,"vm":%d,"start":%d,"end":%d,"notifier_start":%d,'
                      '"notifier_end":%d,"flags":%s,"residency":"%s","pages_count":%d,'
                      '"pages":[%s],"tile_present":%d,"tile_invalidated":%d}\n'
                      % ("" if first else ",", v % 2, v + 1, start, start + size, ns, ns + NOTIFIER,
                         json.dumps(flags, separators=(",", ":")), res, len(sets),
                         ",".join(sets), tiles[0], tiles[1]))
            first = False

        for i in range(args.ranges):
            v = i % n_vms
            size = SIZES[rnd.randrange(3)]
            start = (addr[v] + size - 1) // size * size
            addr[v] = start + size
            bits = rnd.randrange(64)
            seq += 2
            tiles = (rnd.randrange(4), rnd.randrange(2))
            shared = rnd.randrange(50) == 0
            if i in gone:
                continue
            if i in changed:
                bits ^= 1 << later.randrange(len(FLAG_ORDER))
            write_range(v, start, size, bits, seq, tiles, shared)
        for i in range(args.later // 2):
            v = i % n_vms
            write_range(v, addr[v] + i // n_vms * (2 << 20), 2 << 20, later.randrange(64), seq + 2 * i,
                        (later.randrange(4), later.randrange(2)), False)
        out.write("],")
        out.write(json.dumps(tail, separators=(",", ":"))[1:])
        out.write("\n")


if __name__ == "__main__":
    main()
