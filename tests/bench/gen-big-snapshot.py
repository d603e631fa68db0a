#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Writes a synthetic xesvm snapshot with N SVM ranges (default 1,000,000).

Deterministic (fixed seed): the same arguments always give the same file,
so figures from different runs and machines compare like for like.
Usage: gen-big-snapshot.py [--ranges N] [--seed S] OUTPUT
"""
import argparse
import json
import random

FLAG_ORDER = ["migrate_devmem", "unmapped", "partial_unmap", "has_devmem_pages",
              "has_dma_mapping", "gc_pending"]
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
    ap.add_argument("output")
    args = ap.parse_args()
    rnd = random.Random(args.seed)

    n_vms = 4
    head = {
        "schema_version": 1, "generator": "gen-big-snapshot.py", "captured_at": "2026-11-21T12:00:00Z",
        "host": {"hostname": "bench", "kernel": "7.2.13-amd64"},
        "sources": {"ranges": "synthetic"}, "notes": [],
        "devices": [{"minor": m, "driver": "xe", "pci_bdf": "0000:%02x:00.0" % (0x3a + m),
                     "pci_id": "8086:0bd5", "card": "/dev/dri/card%d" % m,
                     "render": "/dev/dri/renderD%d" % (128 + m),
                     "memory_regions": [{"name": "vram0", "total_bytes": 64 << 30, "usable_bytes": 63 << 30}],
                     "gts": [{"id": 0, "stats": {"svm_pagefault_count": rnd.randrange(1 << 30)}}]}
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
        for i in range(args.ranges):
            v = i % n_vms
            size = SIZES[rnd.randrange(3)]
            start = (addr[v] + size - 1) // size * size
            addr[v] = start + size
            bits = rnd.randrange(64)
            flags = [f for b, f in enumerate(FLAG_ORDER) if bits & (1 << b)]
            res = residency(flags)
            seq += 2
            ns = start // NOTIFIER * NOTIFIER
            out.write('%s{"device":%d,"vm":%d,"start":%d,"end":%d,"notifier_start":%d,'
                      '"notifier_end":%d,"notifier_seq":%d,"flags":%s,"residency":"%s",'
                      '"pagemap":%s,"tile_present":%d,"tile_invalidated":%d}\n'
                      % ("," if i else "", v % 2, v + 1, start, start + size, ns, ns + NOTIFIER,
                         seq, json.dumps(flags, separators=(",", ":")), res,
                         "0" if res == "device" else "null", rnd.randrange(4), rnd.randrange(2)))
        out.write("],")
        out.write(json.dumps(tail, separators=(",", ":"))[1:])
        out.write("\n")


if __name__ == "__main__":
    main()
