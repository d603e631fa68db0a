#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Copyright © 2026 xesvm developers
"""nl-unload: unload and load vsvm again while drm-svm requests are in flight.

Runs inside the QEMU guest on a kernel that builds vsvm as a module (the
CI kernel, config/kasan.config; README.md here):

    kernel-patches/xesvm-kernel qemu-run --timeout 900 -- \\
        python3 tests/kfuzz/nl-unload.py --build BUILD_DIR --seconds 60

Each round, until --seconds are over (at least MIN_ROUNDS rounds):

  1. vsvm-stress runs a few seconds: VMs of 64 mappings and more ranges
     each, used and torn down while in use;
  2. meanwhile range-get dumps of its VMs are started on sockets that
     read nothing, so that each dump is left after its first part (a dump
     keeps only ids between parts, never the provider);
  3. once vsvm-stress has exited and closed its files, vsvm is unloaded
     (rmmod retries while the module is still in use), the held dumps are
     read to their end, and vsvm is loaded again.

All the while a poller thread runs dev-get, vm-get and pagemap-get dumps
(so that some run while the provider unregisters, which waits for the
requests in flight) and a listener stays in the events group across every
unload.

What must hold, one test each: every load and unload succeeds and the
family stops and starts listing the device with them; every held dump
ends (done or an error) within REPLY_TIMEOUT once resumed, and at least
one was really left between parts across an unload; every poller request
is answered, some of them while an unload was in progress; events of a
device loaded again are numbered from 1 on the listener that stayed; and
a workload runs correctly on the device loaded last. A kernel splat
fails qemu-run itself, and run.sh's kmemleak scan follows.
The last line is "nl-unload: N passed, N failed, N skipped".
"""

import argparse
import errno
import os
import random
import select
import socket
import struct
import subprocess
import sys
import threading
import time

from drmsvm_nl import (NETLINK_ADD_MEMBERSHIP, NETLINK_GENERIC, NLM_F_ACK, NLM_F_DUMP,
                       NLM_F_REQUEST, REPLY_TIMEOUT, SOL_NETLINK,
                       SPEC, Genl, NlError, Results, Spec, align4, call, encode, family_of,
                       parse_attrs, uint_of)

MODULE = 'vsvm'
MIN_ROUNDS = 3
STRESS_SECONDS = 4
# Ranges of a VM whose range-get dump takes several parts (a part holds
# about 3.5 KiB, a range ~100 bytes); vsvm-stress VMs get 64 and more.
MIN_RANGES = 48
UNLOAD_TIMEOUT = 120.0  # seconds rmmod may keep failing while files close
# What a dump may end with once its VM or its device went away: by design.
GONE = (0, errno.ENODEV, errno.ENOENT, errno.ESRCH)


def module_path():
    """The vsvm.ko the guest's init loaded, or None if vsvm is built in."""
    if not os.path.exists(f'/sys/module/{MODULE}/initstate'):
        return None
    for ko in os.environ.get('XESVM_GUEST_MODULES', '').split():
        if os.path.basename(ko) == MODULE + '.ko':
            return ko
    return None


def vsvm_dev_ids(genl, fam, spec):
    """dev-ids of the registered vsvm devices (None: no answer)."""
    ans = call(genl, fam, spec, 'dev-get', True, {})
    if ans is None or ans[0]:
        return None
    return [o['dev-id'] for o in ans[1] if o.get('driver', b'').rstrip(b'\0') == b'vsvm']


def wait_device(genl, fam, spec, present, timeout=60.0):
    """Wait until the family lists a vsvm device (or none); its dev-id."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ids = vsvm_dev_ids(genl, fam, spec) or []
        if present and ids:
            return ids[0]
        if not present and not ids:
            return 0
        time.sleep(0.1)
    return None


class Poller(threading.Thread):
    """dev-get, vm-get and pagemap-get dumps in a loop; each answer is
    counted as 'during an unload' when one was in progress when it came."""

    def __init__(self, spec, fam):
        super().__init__(daemon=True)
        self.spec, self.fam = spec, fam
        self.stop = threading.Event()
        self.unloading = threading.Event()
        self.requests = self.during_unload = 0
        self.problems = []

    def run(self):
        genl = Genl(recv_size=4096)
        ops = ('dev-get', 'vm-get', 'pagemap-get')
        try:
            while not self.stop.is_set():
                op = random.choice(ops)
                during = self.unloading.is_set()
                ans = call(genl, self.fam, self.spec, op, True, {})
                self.requests += 1
                if ans is None:
                    self.problems.append(f'{op}: no answer in {REPLY_TIMEOUT} s')
                elif ans[0] not in GONE:
                    self.problems.append(f'{op}: {os.strerror(ans[0])}')
                self.during_unload += during and self.unloading.is_set()
        finally:
            genl.close()


class Listener(threading.Thread):
    """A member of the events group across every unload: (time, dev-id,
    seq) of each event, with the time it was read."""

    def __init__(self, spec, group):
        super().__init__(daemon=True)
        self.spec = spec
        self.stop = threading.Event()
        self.events = []
        self.sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
        self.sock.bind((0, 0))
        self.sock.setsockopt(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, group)
        attrs = spec.sets['event']
        self.dev_attr, self.seq_attr = attrs['dev-id'].id, attrs['seq'].id

    def run(self):
        while not self.stop.is_set():
            if not select.select([self.sock], [], [], 0.2)[0]:
                continue
            try:
                data = self.sock.recv(1 << 16)
            except OSError as e:
                if e.errno == errno.ENOBUFS:
                    continue
                raise
            now, off = time.monotonic(), 0
            while off + 16 <= len(data):
                mlen = struct.unpack_from('=I', data, off)[0]
                if mlen < 20 or off + mlen > len(data):
                    break
                a = dict(parse_attrs(data[off + 20:off + mlen]))
                if self.dev_attr in a and self.seq_attr in a:
                    self.events.append((now, uint_of(a[self.dev_attr]),
                                        uint_of(a[self.seq_attr])))
                off += align4(mlen)
        self.sock.close()


def start_dump(spec, fam, dev, vm):
    """A range-get dump of a VM left after its first part: (socket, seq),
    or None if the kernel did not answer. The kernel makes the first part
    when the request arrives and each next one when recv() takes a part
    (netlink_recvmsg()), so nothing is read here."""
    genl = Genl(recv_size=4096)
    op = spec.op('range-get')
    body = struct.pack('=BBH', op['id'], 1, 0) + encode(spec, op['set'],
                                                        {'dev-id': dev, 'vm-id': vm})
    seq = genl.send_raw(fam, NLM_F_REQUEST | NLM_F_ACK | NLM_F_DUMP, body)
    if not select.select([genl.sock], [], [], REPLY_TIMEOUT)[0]:
        genl.close()
        return None
    return genl, seq


def rmmod(timeout=UNLOAD_TIMEOUT):
    """Unload vsvm, retrying while it is in use; '' or what went wrong."""
    deadline, out = time.monotonic() + timeout, ''
    while time.monotonic() < deadline:
        r = subprocess.run(['rmmod', MODULE], capture_output=True, text=True)
        if r.returncode == 0:
            return ''
        out = r.stderr.strip()
        time.sleep(0.1)
    return f'rmmod {MODULE}: {out}'


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--build', required=True, help='meson build directory of this tree')
    ap.add_argument('--seconds', type=float, default=60)
    ap.add_argument('--seed', type=int, default=None)
    args = ap.parse_args()
    seed = args.seed if args.seed is not None else random.randrange(1 << 32)
    random.seed(seed)
    print(f'nl-unload: seed {seed}')
    res = Results()

    ko = module_path()
    if ko is None:
        print(f'SKIP nl-unload: {MODULE} is built into this kernel (or its .ko is not in '
              'XESVM_GUEST_MODULES); the CI kernel (config/kasan.config) builds it as a '
              'module')
        print('nl-unload: 0 passed, 0 failed, 1 skipped')
        return 0
    stress_exe = os.path.join(args.build, 'tests', 'kfuzz', 'vsvm-stress')
    workload_exe = os.path.join(args.build, 'tests', 'e2e', 'vsvm-workload')
    spec = Spec(SPEC)
    genl = Genl()
    try:
        fam, groups = family_of(genl, spec.name)
    except NlError as e:
        res.check('nl-unload: the family answers', [str(e)])
        print(f'nl-unload: {res.passed} passed, {res.failed} failed, {res.skipped} skipped')
        return 1

    poller, listener = Poller(spec, fam), Listener(spec, groups['events'])
    poller.start()
    listener.start()
    load_problems, dump_problems = [], []
    rounds = held_total = across = 0
    loaded_at, loaded_dev = time.monotonic(), wait_device(genl, fam, spec, True)
    deadline = time.monotonic() + args.seconds
    while (rounds < MIN_ROUNDS or time.monotonic() < deadline) and not load_problems:
        rounds += 1
        dev = loaded_dev
        if not dev:
            load_problems.append(f'round {rounds}: no vsvm device listed after loading')
            break
        stress = subprocess.Popen([stress_exe, '--seconds', str(STRESS_SECONDS),
                                   '--workers', '2', '--seed', str(random.randrange(1 << 31))],
                                  stdout=subprocess.DEVNULL)
        held, dumped = [], set()
        while stress.poll() is None:
            if len(held) < 4:
                ans = call(genl, fam, spec, 'vm-get', True, {'dev-id': dev})
                # A VM with ranges enough for a dump of several parts.
                vms = [o['vm-id'] for o in (ans[1] if ans and not ans[0] else [])
                       if o.get('ranges', 0) >= MIN_RANGES and o['vm-id'] not in dumped]
                for vm in vms[:4 - len(held)]:
                    h = start_dump(spec, fam, dev, vm)
                    if h:
                        held.append(h)
                        dumped.add(vm)
            time.sleep(0.05)
        if stress.wait() != 0:
            load_problems.append(f'round {rounds}: vsvm-stress exited with {stress.returncode}')

        poller.unloading.set()
        err = rmmod()
        gone = wait_device(genl, fam, spec, False, 5.0) if not err else None
        poller.unloading.clear()
        if err:
            load_problems.append(f'round {rounds}: {err}')
        elif gone is None:
            load_problems.append(f'round {rounds}: vsvm still listed after rmmod')

        # The held dumps resume with their device gone: each must end.
        ends = []
        for h_genl, seq in held:
            ans = h_genl.replies(seq)
            ends.append('none' if ans is None else
                        f"{errno.errorcode.get(ans[0], 'ok') if ans[0] else 'ok'}/"
                        f'{len(ans[1])} ranges/{h_genl.parts} parts')
            if ans is None:
                dump_problems.append(f'round {rounds}: a held range-get dump never ended')
            elif ans[0] not in GONE:
                dump_problems.append(f'round {rounds}: a held range-get dump ended with '
                                     f'{os.strerror(ans[0])}')
            else:
                # The next part found the device gone: it was between parts.
                across += ans[0] == errno.ENODEV
            h_genl.close()
        held_total += len(held)

        r = subprocess.run(['insmod', ko], capture_output=True, text=True)
        if r.returncode:
            load_problems.append(f'round {rounds}: insmod {ko}: {r.stderr.strip()}')
            break
        loaded_at, loaded_dev = time.monotonic(), wait_device(genl, fam, spec, True)
        print(f'nl-unload: round {rounds}: dumps held across the unload ended '
              f"(errno/ranges/datagrams): {', '.join(ends) or 'none held'}")
        sys.stdout.flush()

    # Events on the device loaded last, from a workload that checks its data.
    tmp = f'/tmp/nl-unload.{os.getpid()}'
    os.makedirs(tmp, exist_ok=True)
    r = subprocess.run([workload_exe, '--once', '--record', os.path.join(tmp, 'record.json'),
                        '--tmpdir', tmp], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                       text=True)
    time.sleep(1)
    poller.stop.set()
    listener.stop.set()
    poller.join()
    listener.join()

    res.check(f'nl-unload: {rounds} rounds of unload and load, the family following',
              load_problems + ([f'only {rounds} rounds'] if rounds < MIN_ROUNDS else []))
    res.check(f'nl-unload: {held_total} held dumps end, {across} resumed after an unload '
              'between two parts',
              dump_problems + ([] if across else
                               ['no dump was left between parts across an unload']))
    res.check(f'nl-unload: {poller.requests} requests answered, {poller.during_unload} '
              'while rmmod was retried or ran',
              poller.problems + ([] if poller.during_unload else
                                 ['no request was answered while rmmod was retried or ran']))
    last = [seq for t, d, seq in listener.events if t >= loaded_at and d == loaded_dev]
    res.check(f'nl-unload: {len(last)} events of the device loaded last, numbered from 1',
              [] if last and last[0] == 1 else
              [f'events of dev-id {loaded_dev} after the last load: '
               f'{last[:5] or "none"} (want the first to be seq 1)'])
    res.check('nl-unload: a workload runs on the device loaded last',
              [] if r.returncode == 0 else
              [f'vsvm-workload --once exited with {r.returncode}: {r.stderr.strip()[-500:]}'])
    print(f'nl-unload: {res.passed} passed, {res.failed} failed, {res.skipped} skipped')
    return 1 if res.failed else 0


if __name__ == '__main__':
    sys.exit(main())
