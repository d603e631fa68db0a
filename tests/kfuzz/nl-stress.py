#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Copyright © 2026 xesvm developers
"""nl-stress: teardown and race stress of the drm-svm family on vsvm.

Runs inside the QEMU guest on the series' kernel (README.md here):

    kernel-patches/xesvm-kernel qemu-run --timeout 900 -- \\
        python3 tests/kfuzz/nl-stress.py --build BUILD_DIR --seconds 60

vsvm-stress (the owner's side: VMs created, used from three threads and
torn down while in use, by VM_DESTROY, close, exit or munmap) runs for
--seconds while two threads here use drm-svm on whatever VMs exist:

  walker  vm-get dumps, and of each VM range-get and mem-attr-get dumps of
          the whole address space (several parts each: a vsvm-stress VM
          has 64 mappings and more ranges);
  admin   migrate windows taken from the ranges to system memory and to
          the device's pagemap, mem-attr-set on them (preferred location,
          or xe's atomic access in its xe nest), gc.

So VMs and files go away during multi-part dumps and admin migrations,
the owner's munmap races the VM's close, invalidations race the range
walk, and mem-attr-set races the owner's madvise. What must hold, one
test each: every request is answered within REPLY_TIMEOUT; vsvm-stress
reports no failed worker (crash, hang, data that differs from what the
GPU wrote); the races were really hit (multi-part dumps, requests on VMs
that went away meanwhile); afterwards no VM of vsvm-stress is left and
the family answers. A kernel splat fails qemu-run itself.
The last line is "nl-stress: N passed, N failed, N skipped".
"""

import argparse
import errno
import json
import os
import random
import subprocess
import sys
import threading
import time

from drmsvm_nl import REPLY_TIMEOUT, Genl, NlError, Results, Spec, SPEC, call, family_of

# A request on a VM that went away meanwhile, or on a window that changed:
# what the family answers then, by design.
GONE = (errno.ENOENT, errno.ESRCH, errno.EACCES)


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.requests = 0
        self.multipart = 0
        self.interrupted = 0
        self.gone = 0
        self.errnos = {}
        self.problems = []
        self.windows = []       # (dev, vm, start, end) of the ranges last seen

    def add(self, opname, ans, parts):
        with self.lock:
            self.requests += 1
            if ans is None:
                self.problems.append(f'{opname}: no answer in {REPLY_TIMEOUT} s')
                return
            err, _, intr = ans
            self.multipart += parts > 2         # more than one data part + DONE
            self.interrupted += intr
            self.gone += err in GONE
            key = (opname, errno.errorcode.get(err, 'ok') if err else 'ok')
            self.errnos[key] = self.errnos.get(key, 0) + 1


def walker(spec, fam, stop, stats, vms):
    genl = Genl(recv_size=4096)
    try:
        while not stop.is_set():
            ans = call(genl, fam, spec, 'vm-get', True, {})
            stats.add('vm-get', ans, genl.parts)
            if not ans or ans[0]:
                continue
            with stats.lock:
                vms[:] = [(v['dev-id'], v['vm-id'], v.get('start', 0), v.get('end', 1 << 47))
                          for v in ans[1]]
            for dev, vm, start, end in list(vms):
                for opname in ('range-get', 'mem-attr-get'):
                    ans = call(genl, fam, spec, opname, True,
                               {'dev-id': dev, 'vm-id': vm, 'start': start, 'end': end})
                    stats.add(opname, ans, genl.parts)
                    if opname == 'range-get' and ans and not ans[0] and ans[1]:
                        with stats.lock:
                            stats.windows = [(dev, vm, r['start'], r['end'])
                                             for r in ans[1] if 'start' in r]
    finally:
        genl.close()


def admin(spec, fam, stop, stats, rng, pagemaps):
    genl = Genl()
    loc = spec.enums['preferred-loc']
    target = spec.enums['migrate-target']
    try:
        while not stop.is_set():
            with stats.lock:
                windows = list(stats.windows)
            if not windows:
                time.sleep(0.01)
                continue
            dev, vm, start, end = rng.choice(windows)
            if rng.random() < 0.5:      # a few neighbouring ranges
                end = max(end, rng.choice(windows)[3]) if rng.random() < 0.5 else end
            base = {'dev-id': dev, 'vm-id': vm}
            win = dict(base, start=start, end=end)
            pick = rng.randrange(5)
            if pick == 0:
                opname, values = 'migrate', dict(win, target=target['system'])
            elif pick == 1 and pagemaps.get(dev):
                opname, values = 'migrate', dict(win, target=target['pagemap'],
                                                 **{'pagemap-id': pagemaps[dev]})
            elif pick == 2:
                opname, values = 'mem-attr-set', dict(win, **{'preferred-loc': rng.choice(
                    [loc['system'], loc['default-device']])})
            elif pick == 3:
                # xe's attribute, in its nest (vsvm implements xe's madvise).
                opname, values = 'mem-attr-set', dict(win, xe={'atomic-access': rng.choice(
                    list(spec.enums['xe-atomic-access'].values()))})
            else:
                opname, values = 'gc', base
            stats.add(opname, call(genl, fam, spec, opname, False, values), genl.parts)
    finally:
        genl.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--build', required=True, help='meson build directory (vsvm-stress)')
    ap.add_argument('--seconds', type=float, default=60)
    ap.add_argument('--workers', type=int, default=2)
    ap.add_argument('--seed', type=int, default=None)
    ap.add_argument('--spec', default=SPEC)
    args = ap.parse_args()
    seed = args.seed if args.seed is not None else random.randrange(1 << 31)
    print(f'nl-stress: seed {seed}, {args.seconds:g} s, {args.workers} workers')
    res = Results()
    spec = Spec(args.spec)
    genl = Genl()
    try:
        fam, _ = family_of(genl, spec.name)
        pm = call(genl, fam, spec, 'pagemap-get', True, {})
    except NlError as e:
        res.check('the drm-svm family is there', [str(e)])
        return res
    finally:
        genl.close()
    pagemaps = {p['dev-id']: p['pagemap-id'] for p in (pm[1] if pm and not pm[0] else [])}

    exe = os.path.join(args.build, 'tests', 'kfuzz', 'vsvm-stress')
    owner = subprocess.Popen([exe, '--seconds', str(args.seconds), '--workers',
                              str(args.workers), '--seed', str(seed)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    stats, stop, vms = Stats(), threading.Event(), []
    threads = [threading.Thread(target=walker, args=(spec, fam, stop, stats, vms)),
               threading.Thread(target=admin, args=(spec, fam, stop, stats,
                                                    random.Random(seed), pagemaps))]
    for t in threads:
        t.start()
    try:
        out, err = owner.communicate(timeout=args.seconds + 600)
    except subprocess.TimeoutExpired:
        owner.kill()
        out, err = owner.communicate()
        err = f'vsvm-stress did not end in --seconds + 600 s; {err}'
    stop.set()
    for t in threads:
        t.join(REPLY_TIMEOUT * 4)
    try:
        report = json.loads(out.strip().splitlines()[-1])
    except (ValueError, IndexError):
        report = None
    print(f'vsvm-stress: {json.dumps(report) if report else out.strip()} {err.strip()}')
    print(f'requests {stats.requests}, multi-part dumps {stats.multipart}, '
          f'interrupted dumps {stats.interrupted}, on VMs gone meanwhile {stats.gone}')
    for (op, name), n in sorted(stats.errnos.items()):
        print(f'  {op} {name}: {n}')

    res.check('vsvm-stress: every worker lived and died cleanly, GPU data as written',
              [] if owner.returncode == 0 and report and report['lives'] > 0 else
              [f'exit status {owner.returncode}: {report or err.strip()[:300]}'])
    res.check('drm-svm: every request answered during the stress',
              stats.problems[:10] + ([] if stats.requests else ['no request made']))
    res.check('the races were hit: multi-part dumps and requests on VMs that went away',
              [] if stats.multipart and stats.gone else
              [f'multi-part dumps {stats.multipart}, on VMs gone {stats.gone}'])
    genl = Genl()
    try:
        ans = call(genl, fam, spec, 'vm-get', True, {})
        # Every vsvm-stress process has exited: a VM still listed with the
        # pid of a process that is gone outlived its file.
        left = [v for v in (ans[1] if ans and not ans[0] else [])
                if not v.get('pid') or not os.path.exists(f'/proc/{v["pid"]}')]
        res.check('afterwards: the family answers, no VM outlived its process',
                  ([] if ans and not ans[0] else [f'vm-get: {ans}']) +
                  [f'left: {v}' for v in left])
    finally:
        genl.close()
    return res


if __name__ == '__main__':
    r = main()
    print(f'nl-stress: {r.passed} passed, {r.failed} failed, {r.skipped} skipped')
    sys.exit(1 if r.failed else 0)
