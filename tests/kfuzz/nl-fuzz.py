#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Copyright © 2026 xesvm developers
"""nl-fuzz: a spec-driven fuzzer of the drm-svm generic netlink family.

Runs inside the QEMU guest on the series' kernel (README.md here):

    kernel-patches/xesvm-kernel qemu-run --timeout 900 -- \\
        python3 tests/kfuzz/nl-fuzz.py --build BUILD_DIR --seconds 60

Everything it sends is derived from spec/drm_svm.yaml: the operations and
their numbers, the attribute sets, each attribute's type, nesting and enum.
Requests are valid, random within the types, of the wrong size, with
unknown or foreign attributes, nested wrongly, or a valid request with
bytes flipped; commands include unknown ones and the notification. Values
come from what the guest really has (the device and VM ids of two
vsvm-workload processes, their mappings' addresses) and from boundaries.

Two rounds, one as root and one as nobody (uid 65534, no capabilities),
each for --seconds. What must hold, one test each:

  * the kernel answers every request (an error, an ACK or the end of a
    dump) within REPLY_TIMEOUT;
  * nobody never reads root's VM (no reply names it, no dump lists it) and
    never changes anything (mem-attr-set, migrate and gc never succeed);
  * after both rounds, the family still answers a plain dump, and the two
    workloads' data, verified by CPU and GPU, is what they wrote (a
    migration or attribute change may move data, never alter it).

A kernel splat (KASAN, lockdep, WARN, ...) fails qemu-run itself. The
seed is printed: --seed makes a run repeatable (given the same kernel and
timing). The last line is "nl-fuzz: N passed, N failed, N skipped".
"""

import argparse
import errno
import json
import os
import random
import re
import struct
import sys
import tempfile
import time

from drmsvm_nl import (NLA_F_NESTED, NLA_F_NET_BYTEORDER, NLM_F_DUMP, NLM_F_ECHO,
                       FIXED_SIZE, NETLINK_ADD_MEMBERSHIP, REPLY_TIMEOUT, SOL_NETLINK,
                       SPEC, WRITE_OPS, Genl, NlError, Results, Spec, Workload,
                       drop_to_nobody, dump_objects, family_of, nla, parse_attrs,
                       render_node, uint_of)


# --------------------------------------------------------------------------
# The generator

INTERESTING = [0, 1, 2, 3, 0x7f, 0x80, 0xff, 0x100, 0xfff, 0x1000, 0x7fff, 0xffff,
               0x10000, 0x7fffffff, 0x80000000, 0xffffffff, 1 << 32, 1 << 47,
               (1 << 47) - 0x1000, 0x7ffffffff000, 1 << 56, (1 << 63) - 1, 1 << 63,
               (1 << 64) - 1, (1 << 64) - 0x1000]


class Generator:
    """Random requests of the family, biased towards what is real."""

    def __init__(self, spec, rng, world):
        self.spec, self.rng, self.world = spec, rng, world
        self.coherent = None      # {attribute name: value} of a well-formed request

    def number(self, attr, size):
        rng, w = self.rng, self.world
        pick = rng.random()
        if self.coherent and attr.name in self.coherent:
            v = self.coherent[attr.name]
        elif attr.name == 'dev-id' and pick < 0.8:
            v = rng.choice(w['dev_ids'] + [0, 1, 0xffffffff])
        elif attr.name in ('vm-id', 'pagemap-id') and pick < 0.8:
            v = rng.choice(w['vm_ids' if attr.name == 'vm-id' else 'pagemap_ids'] +
                           [0, 1, 0xffffffff])
        elif attr.name == 'pid' and pick < 0.8:
            v = rng.choice(w['pids'] + [0, 1, os.getpid(), 0x7fffffff])
        elif attr.name in ('start', 'end') and pick < 0.8:
            lo, hi = rng.choice(w['windows'])
            v = rng.choice([lo, hi, lo + 0x1000, hi - 0x1000, rng.randrange(lo, hi),
                            rng.randrange(lo, hi) & ~0xfff, (lo + hi) // 2 & ~0x1fffff])
        elif attr.values and pick < 0.8:
            v = rng.choice(attr.values)
            if attr.type == 'u32' and attr.values and attr.values[0] > 0 and rng.random() < 0.3:
                v = sum(b for b in attr.values if rng.random() < 0.5)   # flag sets
        elif pick < 0.9:
            v = rng.choice(INTERESTING)
        else:
            v = rng.getrandbits(size * 8)
        return (v & ((1 << (size * 8)) - 1)).to_bytes(size, 'little')

    def value(self, attr, depth):
        rng = self.rng
        if not self.coherent and rng.random() < 0.08:     # the wrong size
            return bytes(rng.getrandbits(8) for _ in range(rng.choice([0, 1, 2, 3, 5, 7, 9, 12, 16])))
        t = attr.type
        if t in FIXED_SIZE:
            size = FIXED_SIZE[t]
            if t in ('uint', 'sint'):
                size = rng.choice([4, 8])
            return self.number(attr, size) if size else b''
        if t == 'string':
            s = rng.choice([b'', b'x', b'vsvm', b'a' * rng.randrange(1, 300)])
            return s + (b'\0' if rng.random() < 0.8 else b'')
        if t == 'nest':
            return self.attrs(attr.nested, depth + 1, None)
        if t == 'binary':
            return bytes(rng.getrandbits(8) for _ in range(rng.randrange(0, 64)))
        return bytes(rng.getrandbits(8) for _ in range(rng.randrange(0, 16)))

    def attrs(self, setname, depth, wanted):
        """Attributes of set setname: mostly those the operation takes."""
        rng, spec = self.rng, self.spec
        pool = list(spec.sets[setname].values())
        if wanted and depth == 0 and rng.random() < 0.35:
            # Well formed: each attribute the operation takes, at most once,
            # with a plausible value and a page-aligned window inside a real
            # mapping, so that many requests reach the driver.
            lo, hi = rng.choice(self.world['windows'])
            pages = max(1, (hi - lo) >> 12)
            first = rng.randrange(pages)
            start = (lo & ~0xfff) + (first << 12)
            self.coherent = {'start': start,
                             'end': start + (rng.randrange(1, pages - first + 1) << 12)}
            try:
                return b''.join(nla(a.id | (NLA_F_NESTED if a.type == 'nest' else 0),
                                    self.value(a, depth))
                                for a in pool if a.name in wanted and rng.random() < 0.9)
            finally:
                self.coherent = None
        names = [a for a in pool if wanted is None or a.name in wanted] or pool
        out = []
        for _ in range(rng.choice([0, 1, 2, 3, 4, 4, 5, 6, 8]) if depth < 3 else 1):
            r = rng.random()
            if r < 0.75:
                a = rng.choice(names)
            elif r < 0.9:
                a = rng.choice(pool)
            else:                              # an attribute of another set, or none at all
                other = rng.choice(list(spec.sets.values()))
                a = rng.choice(list(other.values()))
            atype = a.id if rng.random() < 0.95 else rng.randrange(0, 64)
            if a.type == 'nest' and rng.random() < 0.8:
                atype |= NLA_F_NESTED
            elif rng.random() < 0.03:
                atype |= rng.choice([NLA_F_NESTED, NLA_F_NET_BYTEORDER])
            out.append(nla(atype, self.value(a, depth)))
        return b''.join(out)

    def message(self):
        """(cmd, flags, body, op name or None) of one request."""
        rng, spec = self.rng, self.spec
        if rng.random() < 0.04:
            cmd = rng.choice([0, spec.max_cmd, spec.max_cmd + 1, 255])
            return cmd, 0, struct.pack('=BBH', cmd, 1, 0) + self.attrs('vm', 0, None), None
        op = rng.choice(spec.ops)
        kinds = [k for k in ('do', 'dump') if op[k] is not None] or ['do']
        dump = rng.choice(kinds) == 'dump'
        if rng.random() < 0.05:
            dump = not dump
        flags = NLM_F_DUMP if dump else 0
        if rng.random() < 0.05:
            flags |= rng.choice([NLM_F_ECHO, 0x100, 0x200, 0x400, 0x800])
        version = 1 if rng.random() < 0.95 else rng.randrange(256)
        reserved = 0 if rng.random() < 0.97 else rng.randrange(1 << 16)
        setname = op['set'] or 'vm'
        body = struct.pack('=BBH', op['id'], version, reserved) + \
            self.attrs(setname, 0, op['dump'] if dump else op['do'])
        if rng.random() < 0.1 and len(body) > 4:   # flip bytes of a request
            b = bytearray(body)
            for _ in range(rng.randrange(1, 4)):
                b[rng.randrange(4, len(b))] = rng.getrandbits(8)
            body = bytes(b)
        if rng.random() < 0.03 and len(body) > 8:  # cut it short
            body = body[:rng.randrange(4, len(body))]
        return op['id'], flags, body, op['name']


# --------------------------------------------------------------------------
# A round

class Round:
    def __init__(self, name, spec, fam, world, root_vm, rng):
        self.name, self.spec, self.fam = name, spec, fam
        self.world, self.root_vm, self.rng = world, root_vm, rng
        self.sent = 0
        self.events = 0
        self.errnos = {}
        self.violations = []

    def note(self, what, cmd, flags, body):
        if len(self.violations) < 20:
            self.violations.append(f'{what} [cmd {cmd} flags {flags:#x} body {body.hex()}]')

    def check(self, opname, dump, ans, cmd, flags, body):
        err, msgs = ans
        self.errnos[(opname, err)] = self.errnos.get((opname, err), 0) + 1
        if self.name != 'nobody':
            return
        if opname in WRITE_OPS and err == 0:
            self.note(f'nobody: {opname} succeeded', cmd, flags, body)
        dev, vm = self.root_vm
        opset = self.spec.sets.get(self.spec.op(opname)['set']) if opname else None
        if not opset or 'vm-id' not in opset:
            return
        ids = (opset['dev-id'].id, opset['vm-id'].id)
        for _, _, payload in msgs:
            got = {t: uint_of(d) for t, d in parse_attrs(payload[4:]) if t in ids}
            if got.get(ids[0]) == dev and got.get(ids[1]) == vm:
                self.note(f"nobody: {opname} {'dump' if dump else 'do'} answered "
                          f"root's VM {dev}/{vm}", cmd, flags, body)
                return

    def run(self, seconds, events_group=None):
        """Fuzz for seconds; with events_group, a member of that group is
        drained as well (events are built only for listeners)."""
        gen = Generator(self.spec, self.rng, self.world)
        genl = Genl()
        listener = None
        if events_group is not None:
            listener = Genl()
            listener.sock.setsockopt(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, events_group)
            listener.sock.setblocking(False)
        deadline = time.monotonic() + seconds
        try:
            while time.monotonic() < deadline:
                while listener:
                    try:
                        listener.sock.recv(1 << 20)
                        self.events += 1
                    except (BlockingIOError, InterruptedError):
                        break
                    except OSError as e:     # ENOBUFS: events dropped, go on
                        if e.errno != errno.ENOBUFS:
                            raise
                cmd, flags, body, opname = gen.message()
                dump = bool(flags & NLM_F_DUMP)
                try:
                    ans = genl.request(self.fam, flags, body)
                except OSError as e:
                    # The send itself refused (EINVAL on a message netlink
                    # cannot parse): an answer too.
                    self.errnos[(opname, e.errno)] = self.errnos.get((opname, e.errno), 0) + 1
                    self.sent += 1
                    continue
                self.sent += 1
                if ans is None:
                    self.note(f'no answer in {REPLY_TIMEOUT} s', cmd, flags, body)
                    break
                self.check(opname, dump, ans, cmd, flags, body)
        finally:
            genl.close()
            if listener:
                listener.close()

    def report(self):
        summary = {}
        for (op, err), n in sorted(self.errnos.items(), key=lambda kv: str(kv[0])):
            name = 'ok' if err == 0 else errno.errorcode.get(err, str(err))
            summary.setdefault(op or 'unknown-cmd', []).append(f'{name}={n}')
        lines = [f'  {op}: {" ".join(v)}' for op, v in summary.items()]
        return (f'{self.name}: {self.sent} requests, {self.events} event datagrams\n' +
                '\n'.join(lines))


def run_round_as(user, rnd, seconds, events_group):
    """Run rnd in a child (as nobody when asked); its results come back as
    JSON through a pipe. True if the child reported."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        status = 0
        try:
            if user == 'nobody':
                drop_to_nobody()
            rnd.run(seconds, events_group if user == 'root' else None)
            out = {'sent': rnd.sent, 'events': rnd.events, 'violations': rnd.violations,
                   'errnos': [[k[0], k[1], v] for k, v in rnd.errnos.items()]}
        except Exception as e:  # report it as a violation, never hang the parent
            out = {'sent': rnd.sent, 'violations': [f'fuzzer error: {e!r}'], 'errnos': []}
            status = 1
        with os.fdopen(w, 'w') as f:
            json.dump(out, f)
        os._exit(status)
    os.close(w)
    with os.fdopen(r) as f:
        data = f.read()
    os.waitpid(pid, 0)
    try:
        out = json.loads(data)
    except ValueError:
        rnd.violations.append('the fuzzing child died without a report')
        return False
    rnd.sent = out['sent']
    rnd.events = out.get('events', 0)
    rnd.violations = out['violations']
    rnd.errnos = {(op, err): n for op, err, n in out['errnos']}
    return True


# --------------------------------------------------------------------------

def header_values(path):
    """{NAME: value} of the enumerations of a uAPI header."""
    values = {}
    with open(path) as f:
        text = f.read()
    for body in re.findall(r'enum\s*\w*\s*\{(.*?)\};', text, re.S):
        nxt = 0
        for item in body.split(','):
            item = re.sub(r'/\*.*?\*/', '', item, flags=re.S).strip()
            m = re.match(r'(\w+)\s*(?:=\s*(.+))?$', item)
            if not m:
                continue
            name, expr = m.groups()
            if expr is not None:
                try:
                    nxt = int(expr, 0)
                except ValueError:
                    continue        # "(__X_MAX - 1)": not needed
            values[name] = nxt
            nxt += 1
    return values


def self_test(spec, header):
    """Host check (no kernel): the fuzzer's reading of the spec gives the
    numbers of the uAPI header, and its generator is repeatable and
    reaches every operation. Returns a list of problems."""
    def c_name(*parts):
        return '_'.join(p.upper().replace('-', '_') for p in parts)

    hv, problems = header_values(header), []
    for op in spec.ops:
        want = hv.get(c_name('DRM_SVM_CMD', op['name']))
        if want != op['id']:
            problems.append(f"operation {op['name']}: {op['id']}, header {want}")
    for setname, attrs in spec.sets.items():
        for a in attrs.values():
            want = hv.get(c_name('DRM_SVM_A', spec.c_set[setname], a.name))
            if want != a.id:
                problems.append(f'attribute {setname}/{a.name}: {a.id}, header {want}')
    world = {'dev_ids': [1], 'vm_ids': [1, 2], 'pagemap_ids': [1], 'pids': [100],
             'windows': [(0x7f0000000000, 0x7f0000200000)]}
    gens = [Generator(spec, random.Random(7), world) for _ in range(2)]
    runs = [[g.message() for _ in range(3000)] for g in gens]
    if runs[0] != runs[1]:
        problems.append('the same seed gave other requests')
    seen = {m[3] for m in runs[0]}
    missing = [o['name'] for o in spec.ops if o['name'] not in seen]
    if missing:
        problems.append(f'operations never generated: {missing}')
    if not any(m[3] is None for m in runs[0]):
        problems.append('no unknown command generated')
    return problems


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--build', help='meson build directory (vsvm-workload)')
    ap.add_argument('--self-test', metavar='HEADER',
                    help='check the spec reading against this uAPI header and exit')
    ap.add_argument('--seconds', type=float, default=60, help='per round (default 60)')
    ap.add_argument('--seed', type=int, default=None)
    ap.add_argument('--spec', default=SPEC)
    args = ap.parse_args()

    spec = Spec(args.spec)
    res = Results()
    if args.self_test:
        res.check('self-test: spec and uAPI header agree, generator repeatable',
                  self_test(spec, args.self_test))
        return res
    if not args.build:
        ap.error('--build is required')
    seed = args.seed if args.seed is not None else random.randrange(1 << 32)
    print(f'nl-fuzz: seed {seed}, {args.seconds:g} s per round')
    exe = os.path.join(args.build, 'tests', 'e2e', 'vsvm-workload')
    tmp = tempfile.mkdtemp(prefix='nl-fuzz.')
    os.chmod(tmp, 0o755)
    workloads = []
    node_mode = None
    try:
        root_wl = Workload(exe, tmp, 'root', None)
        workloads.append(root_wl)
        if not root_wl.wait_ready():
            res.check('root workload ready', ['not ready: see ' + root_wl.dir])
            return res
        node = render_node(root_wl.rec())
        node_mode = (node, os.stat(node).st_mode & 0o7777)
        os.chmod(node, 0o666)         # no udev in the guest: let nobody open it
        nobody_wl = Workload(exe, tmp, 'nobody', 'nobody')
        workloads.append(nobody_wl)
        if not nobody_wl.wait_ready():
            res.check('nobody workload ready', ['not ready: see ' + nobody_wl.dir])
            return res

        genl = Genl()
        fam, groups = family_of(genl, spec.name)
        vms = dump_objects(genl, fam, spec, 'vm-get')
        pagemaps = dump_objects(genl, fam, spec, 'pagemap-get')
        devs = dump_objects(genl, fam, spec, 'dev-get')
        genl.close()
        by_pid = {v.get('pid'): v for v in vms}
        if root_wl.pid not in by_pid or nobody_wl.pid not in by_pid:
            res.check('the workloads\' VMs are listed', [f'vm-get: {vms}'])
            return res
        root_vm = (by_pid[root_wl.pid]['dev-id'], by_pid[root_wl.pid]['vm-id'])
        windows = []
        for wl in (root_wl, nobody_wl):
            for m in wl.rec().get('mappings', []):
                windows.append((int(m['start']), int(m['end'])))
        world = {'dev_ids': sorted({d['dev-id'] for d in devs}),
                 'vm_ids': sorted({v['vm-id'] for v in vms}),
                 'pagemap_ids': sorted({p['pagemap-id'] for p in pagemaps}) or [0],
                 'pids': [root_wl.pid, nobody_wl.pid],
                 'windows': windows or [(0x10000, 0x20000)]}
        print(f'nl-fuzz: devices {world["dev_ids"]}, VMs {world["vm_ids"]}, '
              f'pagemaps {world["pagemap_ids"]}, {len(windows)} windows')

        for i, user in enumerate(('root', 'nobody')):
            rnd = Round(user, spec, fam, world, root_vm, random.Random(seed + i))
            run_round_as(user, rnd, args.seconds, groups.get('events'))
            print(rnd.report())
            problems = list(rnd.violations)
            if rnd.sent < 10:
                problems.append(f'only {rnd.sent} requests sent')
            res.check(f'{user}: every request answered' +
                      (', nothing read or changed of root\'s VM' if user == 'nobody' else ''),
                      problems)

        genl = Genl()
        try:
            after = dump_objects(genl, fam, spec, 'vm-get')
            res.check('the family answers a plain vm-get dump after fuzzing',
                      [] if after else ['no VM listed'])
        except NlError as e:
            res.check('the family answers a plain vm-get dump after fuzzing', [str(e)])
        finally:
            genl.close()
        for wl, who in ((root_wl, 'root'), (nobody_wl, 'nobody')):
            res.check(f"{who}'s workload: data intact after fuzzing (CPU and GPU)",
                      wl.verify())
    finally:
        for wl in workloads:
            wl.stop()
        if node_mode:
            os.chmod(*node_mode)
    return res


if __name__ == '__main__':
    r = main()
    print(f'nl-fuzz: {r.passed} passed, {r.failed} failed, {r.skipped} skipped')
    sys.exit(1 if r.failed else 0)
