# SPDX-License-Identifier: MIT
# Copyright © 2026 xesvm developers
"""What the guest's fuzz and stress tests share: the drm-svm spec, raw
generic netlink, the held vsvm-workload processes, and the result lines.

Python standard library and PyYAML only: it runs in the QEMU guest on the
host's root (tests/kfuzz/README.md).
"""

import errno
import json
import os
import random
import select
import signal
import socket
import struct
import subprocess
import sys
import time

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
SPEC = os.path.join(HERE, '..', '..', 'spec', 'drm_svm.yaml')

NETLINK_GENERIC = 16
GENL_ID_CTRL = 0x10
CTRL_CMD_GETFAMILY = 3
CTRL_ATTR_FAMILY_ID = 1
CTRL_ATTR_FAMILY_NAME = 2
CTRL_ATTR_MCAST_GROUPS = 7
CTRL_ATTR_MCAST_GRP_NAME = 1
CTRL_ATTR_MCAST_GRP_ID = 2
NETLINK_ADD_MEMBERSHIP = 1
NLM_F_REQUEST, NLM_F_MULTI, NLM_F_ACK, NLM_F_ECHO = 0x1, 0x2, 0x4, 0x8
NLM_F_DUMP = 0x300
NLM_F_DUMP_INTR = 0x10
NLMSG_ERROR, NLMSG_DONE = 2, 3
NLA_F_NESTED, NLA_F_NET_BYTEORDER = 0x8000, 0x4000
NLA_TYPE_MASK = ~(NLA_F_NESTED | NLA_F_NET_BYTEORDER) & 0xffff
SOL_NETLINK = 270
NETLINK_EXT_ACK = 11
NETLINK_GET_STRICT_CHK = 12

NOBODY = 65534
REPLY_TIMEOUT = 30.0        # seconds; QEMU TCG with KASAN is slow
READY_TIMEOUT = 300.0
FIXED_SIZE = {'u8': 1, 'u16': 2, 'u32': 4, 's32': 4, 'u64': 8, 's64': 8,
              'uint': 8, 'sint': 8, 'pad': 0}
WRITE_OPS = ('mem-attr-set', 'migrate', 'gc')


def align4(n):
    return (n + 3) & ~3


def nla(atype, payload):
    data = struct.pack('=HH', 4 + len(payload), atype) + payload
    return data + b'\0' * (align4(len(data)) - len(data))


def parse_attrs(buf):
    """[(type, payload)] of a well-formed attribute stream (the kernel's)."""
    out, off = [], 0
    while off + 4 <= len(buf):
        alen, atype = struct.unpack_from('=HH', buf, off)
        if alen < 4 or off + alen > len(buf):
            break
        out.append((atype & NLA_TYPE_MASK, buf[off + 4:off + alen]))
        off += align4(alen)
    return out


def uint_of(payload):
    return int.from_bytes(payload, 'little') if payload else 0


# --------------------------------------------------------------------------
# The spec

class Attr:
    def __init__(self, aid, name, atype, nested, values):
        self.id, self.name, self.type = aid, name, atype
        self.nested = nested          # attribute-set name of a nest
        self.values = values          # valid enum values or flag bits


class Spec:
    def __init__(self, path):
        with open(path) as f:
            doc = yaml.safe_load(f)
        self.name = doc['name']
        enums = {}
        self.enums = {}     # {definition: {entry name: value}}
        for d in doc.get('definitions', []):
            if d['type'] not in ('enum', 'flags'):
                continue
            start = d.get('value-start', 0)
            n = len(d.get('entries', []))
            names = [e if isinstance(e, str) else e['name'] for e in d.get('entries', [])]
            self.enums[d['name']] = {e: (1 << (start + i)) if d['type'] == 'flags' else start + i
                                     for i, e in enumerate(names)}
            if d['type'] == 'flags':
                enums[d['name']] = [1 << (start + i) for i in range(n)]
            else:
                enums[d['name']] = list(range(start, start + n))
        self.sets = {}
        self.c_set = {}     # {set: the set whose uAPI constants it uses}
        for s in doc['attribute-sets']:
            if 'subset-of' in s:
                # The listed attributes of a set before it, as they are there.
                parent = self.sets[s['subset-of']]
                self.sets[s['name']] = {a['name']: parent[a['name']] for a in s['attributes']}
                self.c_set[s['name']] = s['subset-of']
                continue
            self.c_set[s['name']] = s['name']
            attrs, nxt = {}, 1
            for a in s['attributes']:
                aid = a.get('value', nxt)
                nxt = aid + 1
                attrs[a['name']] = Attr(aid, a['name'], a['type'],
                                        a.get('nested-attributes'),
                                        enums.get(a.get('enum')))
            self.sets[s['name']] = attrs
        self.ops, nxt = [], 1
        for o in doc['operations']['list']:
            oid = o.get('value', nxt)
            nxt = oid + 1
            op = {'name': o['name'], 'id': oid, 'set': o.get('attribute-set'),
                  'do': None, 'dump': None, 'event': 'event' in o}
            for kind in ('do', 'dump'):
                if kind in o:
                    op[kind] = (o[kind].get('request') or {}).get('attributes', [])
            self.ops.append(op)
        self.max_cmd = nxt

    def op(self, name):
        return next(o for o in self.ops if o['name'] == name)


# --------------------------------------------------------------------------
# Netlink

class NlError(Exception):
    pass


class Genl:
    """One generic netlink socket, strict checking and extended ACKs on."""

    def __init__(self, recv_size=1 << 20):
        # The kernel sizes a dump's parts by the largest buffer recv() was
        # given (up to 32 KiB): a small one makes dumps of many parts.
        self.recv_size = recv_size
        self.sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
        self.sock.bind((0, 0))
        self.sock.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
        self.sock.setsockopt(SOL_NETLINK, NETLINK_GET_STRICT_CHK, 1)
        self.seq = random.randrange(1, 1 << 30)

    def close(self):
        self.sock.close()

    def send_raw(self, mtype, flags, body):
        """Send one message; returns its sequence number."""
        self.seq += 1
        hdr = struct.pack('=IHHII', 16 + len(body), mtype, flags, self.seq, 0)
        self.sock.send(hdr + body)
        return self.seq

    def replies(self, seq, timeout=REPLY_TIMEOUT):
        """The messages answering seq, up to the error/ACK or the end of the
        dump: (errno or None, [(type, flags, payload)]). None if the kernel
        did not answer in time."""
        msgs, deadline = [], time.monotonic() + timeout
        self.parts = 0      # datagrams of the answer: > 1 for a multi-part dump
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.sock], [], [], left)[0]:
                return None
            try:
                data = self.sock.recv(self.recv_size)
            except OSError as e:
                if e.errno == errno.ENOBUFS:
                    continue
                raise
            self.parts += 1
            off = 0
            while off + 16 <= len(data):
                mlen, mtype, mflags, mseq, _ = struct.unpack_from('=IHHII', data, off)
                if mlen < 16 or off + mlen > len(data):
                    break
                payload = data[off + 16:off + mlen]
                off += align4(mlen)
                if mseq != seq:
                    continue
                if mtype == NLMSG_ERROR:
                    return -struct.unpack_from('=i', payload)[0], msgs
                if mtype == NLMSG_DONE:
                    err = struct.unpack_from('=i', payload)[0] if len(payload) >= 4 else 0
                    return -err, msgs
                msgs.append((mtype, mflags, payload))

    def request(self, mtype, flags, body, timeout=REPLY_TIMEOUT):
        return self.replies(self.send_raw(mtype, flags | NLM_F_REQUEST | NLM_F_ACK, body),
                            timeout)


def family_of(genl, name):
    """(family id, {multicast group name: id})."""
    body = struct.pack('=BBH', CTRL_CMD_GETFAMILY, 1, 0) + nla(CTRL_ATTR_FAMILY_NAME,
                                                             name.encode() + b'\0')
    ans = genl.request(GENL_ID_CTRL, 0, body)
    if ans is None or ans[0] or not ans[1]:
        raise NlError(f'no {name} family ({ans and os.strerror(ans[0])})')
    fam, groups = None, {}
    for atype, payload in parse_attrs(ans[1][0][2][4:]):
        if atype == CTRL_ATTR_FAMILY_ID:
            fam = uint_of(payload)
        elif atype == CTRL_ATTR_MCAST_GROUPS:
            for _, grp in parse_attrs(payload):
                g = dict(parse_attrs(grp))
                groups[g[CTRL_ATTR_MCAST_GRP_NAME].rstrip(b'\0').decode()] = \
                    uint_of(g[CTRL_ATTR_MCAST_GRP_ID])
    if fam is None:
        raise NlError('CTRL_CMD_GETFAMILY: no family id')
    return fam, groups


def encode(spec, setname, values):
    """The attributes {name: int, or for a nest {name: ...}} of set setname,
    typed as the spec says (xe's attributes of mem-attr-set are a nest)."""
    out = []
    for name, v in values.items():
        a = spec.sets[setname][name]
        if a.type == 'nest':
            # The kernel validates nests strictly: NLA_F_NESTED must be set.
            out.append(nla(a.id | NLA_F_NESTED, encode(spec, a.nested, v)))
            continue
        size = FIXED_SIZE[a.type] or 8
        out.append(nla(a.id, (v & ((1 << (8 * size)) - 1)).to_bytes(size, 'little')))
    return b''.join(out)


def call(genl, fam, spec, opname, dump, values, timeout=REPLY_TIMEOUT):
    """One well-formed request: (errno, [{attribute name: int or bytes}],
    NLM_F_DUMP_INTR seen), or None if the kernel did not answer."""
    op = spec.op(opname)
    body = struct.pack('=BBH', op['id'], 1, 0) + encode(spec, op['set'], values)
    ans = genl.request(fam, NLM_F_DUMP if dump else 0, body, timeout)
    if ans is None:
        return None
    names = {a.id: a for a in spec.sets[op['set']].values()}
    objs, intr = [], False
    for _, mflags, payload in ans[1]:
        intr |= bool(mflags & NLM_F_DUMP_INTR)
        obj = {}
        for atype, data in parse_attrs(payload[4:]):
            a = names.get(atype)
            if a:
                obj[a.name] = uint_of(data) if a.type in FIXED_SIZE else data
        objs.append(obj)
    return ans[0], objs, intr


def dump_objects(genl, fam, spec, opname, values=None):
    """The objects of a dump that must succeed."""
    ans = call(genl, fam, spec, opname, True, values or {})
    if ans is None:
        raise NlError(f'{opname}: no answer')
    if ans[0]:
        raise NlError(f'{opname}: {os.strerror(ans[0])}')
    return ans[1]


# --------------------------------------------------------------------------
# Held workloads

class Workload:
    def __init__(self, exe, tmp, name, user):
        self.dir = os.path.join(tmp, name)
        os.mkdir(self.dir)
        os.chmod(self.dir, 0o777)
        self.record = os.path.join(self.dir, 'record.json')
        self.ready = os.path.join(self.dir, 'ready')
        argv = [exe, '--hold', '--record', self.record, '--ready', self.ready,
                '--tmpdir', self.dir]
        if user:
            argv = ['setpriv', f'--reuid={NOBODY}', f'--regid={NOBODY}', '--clear-groups',
                    '--inh-caps=-all', '--'] + argv
        self.err = open(os.path.join(self.dir, 'stderr'), 'w')
        self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=self.err)
        self.pid = None

    def wait_ready(self):
        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline:
            if os.path.exists(self.ready):
                with open(self.ready) as f:
                    self.pid = int(f.read().split()[0])
                return True
            if self.proc.poll() is not None:
                return False
            time.sleep(0.2)
        return False

    def rec(self):
        with open(self.record) as f:
            return json.load(f)

    def verify(self):
        """Ask the workload to verify its data; a list of what is wrong."""
        n = len(self.rec().get('verifications', []))
        os.kill(self.pid, signal.SIGUSR1)
        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline:
            try:
                v = self.rec().get('verifications', [])
            except (OSError, ValueError):
                v = []
            if len(v) > n:
                bad = [f"{m['name']}: cpu {m['cpu']}, gpu {m['gpu']}"
                       for m in v[-1]['mappings']
                       if m['cpu'] != 'ok' or m['gpu'] == 'mismatch']
                return bad
            if self.proc.poll() is not None:
                return [f'exited with status {self.proc.returncode}']
            time.sleep(0.2)
        return ['no verification after SIGUSR1']

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.err.close()


def render_node(rec):
    return rec['device']['node']


def drop_to_nobody():
    os.setgroups([])
    os.setgid(NOBODY)
    os.setuid(NOBODY)


class Results:
    def __init__(self):
        self.passed = self.failed = self.skipped = 0

    def check(self, name, problems):
        if problems:
            self.failed += 1
            print(f'FAIL {name}')
            for p in problems:
                print(f'  {p}')
        else:
            self.passed += 1
            print(f'PASS {name}')
        sys.stdout.flush()


