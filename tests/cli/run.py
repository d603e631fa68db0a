#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""CLI tests for xesvmctl.

Groups (one meson test each): golden, errors, grammar, batch, shell,
completions. Golden files live in tests/cli/golden/; regenerate them with
--update and then READ every changed file before committing (never bless
output nobody checked). Paths of the data and temporary directories are
written as $DATA and $TMP in goldens so they do not depend on the checkout.

XESVM_TEST_VALGRIND=1 runs every xesvmctl invocation under valgrind
(--leak-check=full); a valgrind error fails the case.
"""
import argparse
import difflib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'schema'))
import xesvm_schema  # noqa: E402 (the path above)

VALGRIND_STATUS = 99
# The schema version xesvmctl writes (xesvm-json(7)); the example snapshots are of version 1.
SCHEMA_VERSION = 2


class Runner:
    def __init__(self, args):
        self.xesvmctl = os.path.abspath(args.xesvmctl)
        self.data = os.path.abspath(args.data)
        self.here = os.path.dirname(os.path.abspath(__file__))
        self.golden = os.path.join(self.here, 'golden')
        self.completions = os.path.abspath(args.completions)
        self.update = args.update
        self.valgrind = os.environ.get('XESVM_TEST_VALGRIND') == '1'
        self.tmp = tempfile.mkdtemp(prefix='xesvmctl-cli-')
        # Cases that drop to an unprivileged user still need to enter it.
        os.chmod(self.tmp, 0o755)
        self.failed = []
        self.passed = 0
        self.skipped = []
        self.snap = os.path.join(self.data, 'snapshots', 'example.json')
        self.snap_after = os.path.join(self.data, 'snapshots', 'example-after.json')
        self.snap_pages = os.path.join(self.data, 'snapshots', 'example-pages.json')
        self.proc_example = os.path.join(self.data, 'proc-example')
        self.debugfs = os.path.join(self.data, 'debugfs-xe-2gt')
        # The SVM debugfs files of a kernel without the drm-svm family.
        self.svm_debugfs = os.path.join(self.data, 'debugfs-svm')
        self.proc = os.path.join(self.data, 'proc-xe-2gt')

    # ---- running ----

    def env(self, extra=None):
        env = {k: v for k, v in os.environ.items() if not k.startswith('XESVM_')}
        env['NO_COLOR'] = '1'
        env['HOME'] = os.path.join(self.tmp, 'home')
        env['XDG_STATE_HOME'] = os.path.join(self.tmp, 'state')
        env['LC_ALL'] = 'C'
        env.update(extra or {})
        return {k: v for k, v in env.items() if v is not None}

    def run(self, args, stdin=None, env=None, prefix=None, valgrind=True):
        cmd = [self.xesvmctl] + list(args)
        if self.valgrind and valgrind:
            cmd = ['valgrind', '--quiet', '--leak-check=full',
                   '--errors-for-leak-kinds=definite,indirect',
                   '--error-exitcode=%d' % VALGRIND_STATUS] + cmd
        if prefix:
            cmd = prefix + cmd
        p = subprocess.run(cmd, input=stdin, capture_output=True,
                           env=self.env(env), cwd=self.tmp, timeout=300)
        out = p.stdout.decode('utf-8', 'replace')
        err = p.stderr.decode('utf-8', 'replace')
        if self.valgrind and valgrind and p.returncode == VALGRIND_STATUS:
            raise Failure('valgrind reported errors:\n' + err)
        return p.returncode, out, err

    def normalize(self, text):
        return text.replace(self.data, '$DATA').replace(self.tmp, '$TMP')

    # ---- checks ----

    def golden_check(self, name, text):
        path = os.path.join(self.golden, name)
        text = self.normalize(text)
        if self.update:
            os.makedirs(self.golden, exist_ok=True)
            with open(path, 'w') as f:
                f.write(text)
            return
        if not os.path.exists(path):
            raise Failure('golden file %s missing (run with --update, then read it)' % name)
        with open(path) as f:
            want = f.read()
        if want != text:
            diff = ''.join(difflib.unified_diff(want.splitlines(True), text.splitlines(True),
                                                'golden/' + name, 'actual'))
            raise Failure('output differs from golden/%s:\n%s' % (name, diff))

    def case(self, name, fn):
        try:
            fn()
        except Skip as e:
            self.skipped.append(name)
            print('SKIP %s: %s' % (name, e))
            return
        except Failure as e:
            self.failed.append(name)
            print('FAIL %s: %s' % (name, e))
            return
        except subprocess.TimeoutExpired as e:
            self.failed.append(name)
            print('FAIL %s: timed out: %s' % (name, e))
            return
        self.passed += 1
        print('ok   %s' % name)


class Failure(Exception):
    pass


class Skip(Exception):
    pass


def drm_svm_family_present():
    """Whether this kernel has the drm-svm generic netlink family (CTRL_CMD_GETFAMILY)."""
    import socket
    import struct
    try:
        sk = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 16)  # NETLINK_GENERIC
    except OSError:
        return False
    try:
        name = b'drm-svm\0'
        attr = struct.pack('=HH', 4 + len(name), 2) + name  # CTRL_ATTR_FAMILY_NAME
        attr += b'\0' * (-len(attr) % 4)
        body = struct.pack('=BBH', 3, 1, 0) + attr  # CTRL_CMD_GETFAMILY, version 1
        # GENL_ID_CTRL, NLM_F_REQUEST
        sk.sendto(struct.pack('=IHHII', 16 + len(body), 0x10, 1, 1, 0) + body, (0, 0))
        reply = sk.recv(65536)
        kind = struct.unpack('=IHHII', reply[:16])[1]
        return not (kind == 2 and struct.unpack('=i', reply[16:20])[0] != 0)  # NLMSG_ERROR
    finally:
        sk.close()


def expect(cond, msg):
    if not cond:
        raise Failure(msg)


def expect_schema(output, what):
    """@output (a document, or -j text: a document or JSON lines) follows man/xesvm-json.schema.json."""
    try:
        problems = xesvm_schema.problems(output, what)
    except xesvm_schema.Unavailable as e:
        raise Failure(str(e))
    expect(not problems, 'not as xesvm-json(7) says:\n  ' + '\n  '.join(problems[:10]))


def expect_rc(rc, want, out, err):
    expect(rc == want, 'exit status %d, want %d\nstdout: %s\nstderr: %s' % (rc, want, out[:2000], err[:2000]))


def one_line_error(r, rc, out, err, status, json_mode, pattern):
    """The error contract: exact status, empty stdout, one stderr line."""
    expect_rc(rc, status, out, err)
    expect(out == '', 'stdout not empty on error: %r' % out[:500])
    lines = err.splitlines()
    if json_mode:
        # Notes are not printed under -j without -v: exactly one line.
        expect(len(lines) == 1, 'want one stderr line under -j, got %r' % err)
        try:
            e = json.loads(lines[0])
        except ValueError:
            raise Failure('stderr is not JSON: %r' % lines[0])
        expect(set(e) == {'error'} and set(e['error']) == {'status', 'message'},
               'bad error object %r' % e)
        expect(e['error']['status'] == status, 'error.status %r' % e['error']['status'])
        msg = e['error']['message']
    else:
        errs = [ln for ln in lines if not ln.startswith('xesvmctl: note: ')]
        expect(len(errs) == 1, 'want one error line, got %r' % err)
        expect(errs[0].startswith('xesvmctl: '), 'no "xesvmctl: " prefix: %r' % errs[0])
        msg = errs[0][len('xesvmctl: '):]
    expect(re.search(pattern, msg), 'message %r does not match /%s/' % (msg, pattern))


# ------------------------------------------------------------------
# Prometheus text exposition format (0.0.4), checked line by line: what
# node_exporter's textfile collector accepts. promtool (Debian package
# "prometheus") is used as well when it is on PATH.
# ------------------------------------------------------------------

PROM_NAME = r'[a-zA-Z_:][a-zA-Z0-9_:]*'
PROM_LABEL = r'[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*"'
PROM_SAMPLE_RE = re.compile(r'^(%s)(?:\{((?:%s)(?:,%s)*)?,?\})? (\S+)( -?\d+)?$'
                            % (PROM_NAME, PROM_LABEL, PROM_LABEL))
PROM_LABEL_RE = re.compile(PROM_LABEL)
PROM_VALUE_RE = re.compile(r'^(?:[-+]?(?:\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?)|[-+]?Inf|NaN)$')


def check_prometheus(text):
    """Returns a list of problems (empty: valid) with line numbers."""
    problems = []
    if text and not text.endswith('\n'):
        problems.append('no newline at the end')
    types, helps, done, series, sampled = {}, set(), set(), set(), set()
    current = None

    def enter_family(n, name, current):
        # A family's lines are contiguous: once left, it may not come back.
        if name != current:
            if current:
                done.add(current)
            if name in done:
                problems.append('line %d: family %s split in two' % (n, name))
        return name
    for n, line in enumerate(text.split('\n')[:-1], 1):
        if line.startswith('#'):
            m = re.match(r'^# (HELP|TYPE) (%s) (.*)$' % PROM_NAME, line)
            if not m:
                if re.match(r'^# (HELP|TYPE)\b', line):
                    problems.append('line %d: malformed %r' % (n, line))
                continue
            kind, name, rest = m.groups()
            if kind == 'HELP':
                if name in helps:
                    problems.append('line %d: second HELP for %s' % (n, name))
                if re.search(r'\\[^\\n]', rest):
                    problems.append('line %d: bad escape in HELP' % n)
                helps.add(name)
            else:
                if rest not in ('counter', 'gauge', 'histogram', 'summary', 'untyped'):
                    problems.append('line %d: unknown type %r' % (n, rest))
                if name in types:
                    problems.append('line %d: second TYPE for %s' % (n, name))
                if name in sampled:
                    problems.append('line %d: TYPE for %s after its samples' % (n, name))
                types[name] = rest
            current = enter_family(n, name, current)
            continue
        if not line.strip():
            problems.append('line %d: empty line' % n)
            continue
        m = PROM_SAMPLE_RE.match(line)
        if not m:
            problems.append('line %d: not a sample: %r' % (n, line))
            continue
        name, labels, value, stamp = m.groups()
        if not PROM_VALUE_RE.match(value):
            problems.append('line %d: bad value %r' % (n, value))
        if stamp:
            problems.append('line %d: timestamp (the textfile collector refuses them)' % n)
        current = enter_family(n, name, current)
        sampled.add(name)
        if name not in types:
            problems.append('line %d: sample of %s before (or without) its TYPE' % (n, name))
        elif types[name] == 'counter' and not name.endswith('_total'):
            problems.append('line %d: counter %s does not end in _total' % (n, name))
        pairs = PROM_LABEL_RE.findall(labels or '')
        keys = [p.split('=', 1)[0] for p in pairs]
        if len(set(keys)) != len(keys):
            problems.append('line %d: a label given twice' % n)
        key = (name, tuple(sorted(pairs)))
        if key in series:
            problems.append('line %d: duplicate series' % n)
        series.add(key)
    return problems


def expect_prometheus(r, text):
    problems = check_prometheus(text)
    expect(not problems, 'invalid Prometheus text:\n  ' + '\n  '.join(problems[:20]))
    promtool = shutil.which('promtool')
    if promtool:
        p = subprocess.run([promtool, 'check', 'metrics'], input=text.encode(),
                           capture_output=True, timeout=60)
        expect(p.returncode == 0, 'promtool check metrics: %s%s' % (
            p.stdout.decode(), p.stderr.decode()))


# ------------------------------------------------------------------
# golden: every command, human and JSON, on the example snapshot and on
# the recorded debugfs/proc trees
# ------------------------------------------------------------------

SNAPSHOT_CASES = [
    # (golden name, args after "-f example.json")
    ('snap-device-show', ['device', 'show']),
    ('snap-client-show', ['client', 'show']),
    ('snap-vm-show', ['vm', 'show']),
    ('snap-vm-show-exact', ['-x', 'vm', 'show']),
    ('snap-vm-show-pid', ['vm', 'show', 'pid', '5170']),
    # Notes: only those about the view asked (none here), all of them with -v.
    ('snap-vm-show-verbose', ['-v', 'vm', 'show']),
    ('snap-vma-show', ['vma', 'show']),
    ('snap-vma-show-vm3-window', ['vma', 'show', 'vm', '3', 'addr', '0x7f3a00000000-0x7f3a40080000']),
    ('snap-range-show', ['range', 'show']),
    ('snap-range-show-window', ['range', 'show', 'addr', '0x7fa180000000+128K']),
    ('snap-range-show-client', ['range', 'show', 'client', '7', 'addr', '0x7f3a40000000+64K']),
    ('snap-pagemap-show', ['pagemap', 'show']),
    ('snap-stats-show', ['stats', 'show']),
    ('snap-stats-show-exact', ['-x', 'stats']),
    ('snap-vm-show-detail', ['vm', 'show', 'detail']),
    ('snap-vm-show-detail-window', ['vm', 'show', 'pid', '4242', 'addr', '0x7f3a40000000+256K', 'detail']),
    ('snap-stats-prometheus', ['stats', '--format', 'prometheus']),
    ('snap-stats-prometheus-keyword', ['--format', 'prometheus', 'stats', 'show', 'dev', '0']),
    # madvise --dry-run: the split inside one VMA; a window over two BOs
    # (kept as they are, with a note); a change merging across two VMAs.
    ('madvise-dry-run', ['madvise', 'pid', '4242', '0x7f3a00100000+1M', 'atomic', 'dev', '--dry-run']),
    ('madvise-dry-run-bo', ['madvise', 'vm', '5', '0x0-0x7000000', 'pat', '1', '--dry-run']),
    ('madvise-dry-run-pagemap', ['madvise', 'client', '9', '0x7fa100800000+8M', 'pref', 'pagemap', '0',
                                 'mig', 'only', '--dry-run']),
    # monitor on a snapshot: its recorded events through the filters
    ('monitor-snapshot', ['monitor']),
    ('monitor-snapshot-types', ['monitor', 'migrate', 'gc', 'madvise']),
    ('monitor-snapshot-pid-window', ['monitor', 'pid', '4242', 'addr', '0x7f3a01800000+1M']),
    ('monitor-snapshot-count', ['monitor', 'vm', '3', '-n', '2']),
]

JSON_CASES = [
    ('snap-device-show.json', ['-j', 'device', 'show']),
    ('snap-client-show.json', ['-j', 'client', 'show']),
    ('snap-vm-show.json', ['-j', 'vm', 'show']),
    ('snap-vm-show-pid.json', ['-j', 'vm', 'show', 'pid', '5170']),
    ('snap-vma-show.json', ['-j', 'vma', 'show', 'vm', '5']),
    ('snap-range-show-window.json', ['-j', 'range', 'show', 'addr', '0x7fa180000000+128K']),
    ('snap-pagemap-show.json', ['-p', 'pagemap', 'show']),
    ('snap-stats-show.json', ['-j', 'stats', 'show']),
    ('snap-vm-show-detail.json', ['-j', 'vm', 'show', 'vm', '5', 'detail']),
    ('madvise-dry-run.json', ['-j', 'madvise', 'vm', '3', '0x7f3a00100000+1M', 'preferred-location', 'system',
                              'pat', '2', '--dry-run']),
]

TREE_CASES = [
    ('tree-device-show', ['device', 'show']),
    ('tree-device-show-verbose', ['-v', 'device', 'show']),
    ('tree-client-show', ['client', 'show']),
    ('tree-client-show-pid', ['client', 'show', 'pid', '2417']),
    ('tree-stats-show', ['stats', 'show']),
    ('tree-stats-show-exact', ['-x', 'stats', 'show']),
    ('tree-device-show.json', ['-j', 'device', 'show']),
    ('tree-client-show.json', ['-j', 'client', 'show']),
    ('tree-stats-show.json', ['-p', 'stats', 'show', 'dev', '0000:03:00.0']),
    ('tree-stats-prometheus', ['stats', 'show', 'format', 'prometheus']),
]

# A snapshot of schema version 2 whose ranges have page sets of several
# devices (tests/data/snapshots/example-pages.json), with a /proc that lacks
# its process (the output does not depend on the machine it runs on).
PAGES_CASES = [
    ('pages-range-show', ['range', 'show']),
    ('pages-range-show.json', ['-j', 'range', 'show', 'addr', '0x7f5000200000+4M']),
    ('pages-vm-show', ['vm', 'show']),
    ('pages-vm-show.json', ['-j', 'vm', 'show']),
    ('pages-explain-two-devices', ['explain', '0x7f5000400000', 'vm', '2']),
    ('pages-explain-stale', ['explain', '0x7f5000600000', 'vm', '2']),
    ('pages-explain-four-of-five', ['explain', '0x7f5000810000', 'pid', '6100']),
    ('pages-explain-four-of-five.json', ['-j', 'explain', '0x7f5000810000', 'pid', '6100']),
    ('pages-explain-none', ['explain', '0x7f5000800000', 'vm', '2']),
    # the VM's attribute resets (from the drm-svm family): the newest covering it
    ('pages-explain-reset', ['explain', '0x7f5000a08000', 'vm', '2']),
    ('pages-explain-reset.json', ['-j', 'explain', '0x7f5000a08000', 'vm', '2']),
    ('pages-explain-no-reset', ['explain', '0x7f5000000000', 'vm', '2']),
    ('pages-stats-prometheus', ['stats', '--format', 'prometheus']),
]

# The SVM debugfs files (tests/data/debugfs-svm): the VM views without the
# drm-svm family, a recorded tree (with --proc proc-xe-2gt).
SVM_TREE_CASES = [
    ('svm-tree-vm-show', ['vm', 'show']),
    ('svm-tree-vm-show-verbose', ['-v', 'vm', 'show', 'pid', '2417']),
    ('svm-tree-vm-show-detail', ['vm', 'show', 'dev', '1', 'detail']),
    ('svm-tree-vma-show', ['vma', 'show']),
    ('svm-tree-range-show', ['range', 'show']),
    ('svm-tree-range-show-window', ['range', 'show', 'pid', '2301', 'addr', '0x7f3a00300000+3M']),
    ('svm-tree-pagemap-show', ['pagemap', 'show']),
    ('svm-tree-device-show', ['device', 'show']),
    ('svm-tree-vm-show.json', ['-j', 'vm', 'show']),
    ('svm-tree-vma-show.json', ['-j', 'vma', 'show', 'pid', '2417']),
    ('svm-tree-range-show.json', ['-j', 'range', 'show', 'dev', '1']),
    ('svm-tree-pagemap-show.json', ['-j', 'pagemap', 'show']),
]


def group_golden(r):
    def golden_run(name, args, base):
        def fn():
            rc, out, err = r.run(base + args)
            expect_rc(rc, 0, out, err)
            if name.endswith('.json'):
                try:
                    doc = json.loads(out)
                except ValueError as e:
                    raise Failure('not one JSON document: %s' % e)
                expect(doc.get('schema_version') == SCHEMA_VERSION,
                       'no schema_version %d' % SCHEMA_VERSION)
                expect_schema(doc, name)
            if 'prometheus' in name:
                expect_prometheus(r, out)
            r.golden_check(name, out)
            r.golden_check(name + '.stderr', err)
        r.case('golden/' + name, fn)

    for name, args in SNAPSHOT_CASES + JSON_CASES:
        golden_run(name, args, ['-f', r.snap])
    for name, args in PAGES_CASES:
        golden_run(name, args, ['-f', r.snap_pages, '--proc', r.proc_example])
    tree = ['--debugfs', r.debugfs, '--proc', r.proc]
    for name, args in TREE_CASES:
        golden_run(name, args, tree)
    svm_tree = ['--debugfs', r.svm_debugfs, '--proc', r.proc]
    for name, args in SVM_TREE_CASES:
        golden_run(name, args, svm_tree)

    def svm_tree_malformed():
        # A broken line in a client's ranges: the note names file and line,
        # the other ranges are shown.
        tree = os.path.join(r.tmp, 'svm-malformed')
        shutil.rmtree(tree, ignore_errors=True)
        shutil.copytree(r.svm_debugfs, tree, symlinks=True)
        with open(os.path.join(tree, 'dri', 'client-7', 'svm_ranges'), 'a') as f:
            f.write('00007fa180210000-00007fa180220000 size=65536 seq=1\n')
        rc, out, err = r.run(['--debugfs', tree, '--proc', r.proc, 'range', 'show', 'vm', '5'])
        expect_rc(rc, 0, out, err)
        r.golden_check('svm-tree-malformed', out)
        r.golden_check('svm-tree-malformed.stderr', err)
    r.case('golden/svm-tree-malformed', svm_tree_malformed)

    def svm_tree_snapshot():
        # A snapshot of the tree says where each view came from, and loads back.
        rc, out, err = r.run(svm_tree + ['snapshot'])
        expect_rc(rc, 0, out, err)
        doc = json.loads(out)
        want = {'devices': 'debugfs', 'stats': None, 'clients': 'debugfs+fdinfo', 'vms': 'debugfs',
                'vmas': 'debugfs', 'ranges': 'debugfs', 'pagemaps': 'debugfs'}
        expect(doc['sources'] == want, 'sources %r' % doc['sources'])
        expect_schema(doc, 'snapshot of the SVM debugfs tree')
        for obj in ('vm', 'vma', 'range', 'pagemap'):
            rc, live, err = r.run(svm_tree + ['-j', obj, 'show'])
            expect_rc(rc, 0, live, err)
            rc, back, err = r.run(['-f', '-', '-j', obj, 'show'], stdin=out.encode())
            expect_rc(rc, 0, back, err)
            expect(back == live, '%s show: the snapshot differs from the tree' % obj)
    r.case('golden/svm-tree-snapshot', svm_tree_snapshot)

    # explain: the example snapshot with the recorded maps of its processes.
    proc_ex = os.path.join(r.data, 'proc-example')
    explain_cases = [
        # device-resident range in a VMA, anonymous CPU mapping
        ('explain-device', ['--proc', proc_ex, 'explain', '0x7f3a00201000', 'pid', '4242']),
        # a range being collected, its CPU pages unmapped, two events on it
        ('explain-unmapped', ['--proc', proc_ex, 'explain', '0x7f3a01800000', 'vm', '3']),
        # a file mapping; the madvise event of the VMA
        ('explain-file', ['--proc', proc_ex, 'explain', '140331613949952', 'pid', '5170', 'vm', '5']),
        # a BO VMA: no range, no CPU mapping
        ('explain-bo', ['--proc', proc_ex, '-d', '0', 'explain', '0x800000', 'pid', '5170']),
        ('explain-device.json', ['--proc', proc_ex, '-j', 'explain', '0x7f3a00201000', 'pid', '4242']),
        ('explain-unmapped.json', ['--proc', proc_ex, '-p', 'explain', '0x7f3a01800000', 'vm', '3']),
    ]
    for name, args in explain_cases:
        golden_run(name, args, ['-f', r.snap])

    def explain_elsewhere():
        # Without --proc, a snapshot of another host's process is not
        # looked up in this machine's /proc: the output says so.
        rc, out, err = r.run(['-f', r.snap, '-j', 'explain', '0x7f3a00201000', 'pid', '4242'])
        expect_rc(rc, 0, out, err)
        cpu = json.loads(out)['explain']['matches'][0]['cpu_mapping']
        expect(cpu['status'] == 'unavailable' and cpu['mapping'] is None and
               'taken on gpu-node-07' in cpu['note'], 'cpu_mapping %r' % cpu)
        rc, out, err = r.run(['-f', r.snap, 'explain', '0x7f3a00201000', 'pid', '4242'])
        expect(rc == 0 and re.search(r'CPU mapping \(/proc/4242/maps\): the snapshot was taken on gpu-node-07, this is ', out),
               'human output %r' % out)
    r.case('golden/explain-other-host', explain_elsewhere)

    def monitor_json_lines():
        # One model event object per line; the summary is a JSON line on stderr.
        rc, out, err = r.run(['-f', r.snap, '-j', 'monitor', 'dev', 'card0', 'vm', '3'])
        expect_rc(rc, 0, out, err)
        # xesvm-json(7), STREAMS: "schema_version" first, then the event
        # with the pid of its VM's owner (the human line shows it too).
        events = [json.loads(ln) for ln in out.splitlines()]
        with open(r.snap) as f:
            doc = json.load(f)
        owner = {(v['device'], v['vm']): v['pid'] for v in doc['vms']}
        want = []
        for e in doc['events']:
            if e['vm'] != 3:
                continue
            line = {'schema_version': SCHEMA_VERSION}
            for k, v in e.items():
                if k != 'pid':
                    line[k] = v
                if k == 'vm':
                    line['pid'] = e.get('pid', owner[(e['device'], e['vm'])])
            want.append(line)
        expect(events == want and all(list(e)[:6] == ['schema_version', 'time_ns', 'type', 'device', 'vm', 'pid']
                                      for e in events), 'events %r, want %r' % (events, want))
        expect_schema(out, 'monitor -j')
        summary = json.loads(err)
        expect(summary == {'monitor': {'events': 4, 'received': 5, 'overruns': None, 'lost': None,
                                       'stopped_by': 'end_of_snapshot'}}, 'summary %r' % summary)
        r.golden_check('monitor-snapshot.json', out)
    r.case('golden/monitor-json-lines', monitor_json_lines)

    def monitor_json_pid():
        # An event without a pid (older snapshots) or with a null one (an
        # owner outside the reader's pid namespace): the line carries the
        # pid of its VM's owner, the one the human line shows.
        with open(r.snap) as f:
            doc = json.load(f)
        doc['events'][0].pop('pid')
        doc['events'][1]['pid'] = None
        path = os.path.join(r.tmp, 'events-without-pid.json')
        with open(path, 'w') as f:
            json.dump(doc, f)
        owner = {(v['device'], v['vm']): v['pid'] for v in doc['vms']}
        rc, out, err = r.run(['-f', path, '-j', 'monitor'])
        expect_rc(rc, 0, out, err)
        lines = [json.loads(ln) for ln in out.splitlines()]
        expect(len(lines) == len(doc['events']) and
               all(e.get('pid') == owner[(e['device'], e['vm'])] for e in lines),
               'pids %r' % [e.get('pid') for e in lines])
        expect_schema(out, 'monitor -j of events without pid')
        rc, human, err = r.run(['-f', path, 'monitor'])
        expect_rc(rc, 0, human, err)
        expect([ln.split()[6] for ln in human.splitlines()] == [str(e['pid']) for e in lines],
               'human pids differ: %r' % human)
    r.case('golden/monitor-json-pid', monitor_json_pid)

    def madvise_dry_run_matches_show():
        # The predicted VMAs are model objects: they load back, and the
        # "before" list is exactly what vma show prints for the window.
        args = ['madvise', 'vm', '3', '0x7f3a00100000+1M', 'atomic', 'global', '--dry-run']
        rc, out, err = r.run(['-f', r.snap, '-j'] + args)
        expect_rc(rc, 0, out, err)
        m = json.loads(out)['madvise']
        rc, out2, err2 = r.run(['-f', r.snap, '-j', 'vma', 'show', 'vm', '3', 'addr', '0x7f3a00100000+1M'])
        expect_rc(rc, 0, out2, err2)
        expect(m['before'] == json.loads(out2)['vmas'], 'before %r' % m['before'])
        expect([(v['start'], v['end'], v['atomic_access']) for v in m['after']] ==
               [(0x7f3a00000000, 0x7f3a00100000, 'undefined'), (0x7f3a00100000, 0x7f3a00200000, 'global'),
                (0x7f3a00200000, 0x7f3a02000000, 'undefined')], 'after %r' % m['after'])
        expect(m['dry_run'] is True and m['change'] == {'atomic_access': 'global'}, m)
        expect_schema(out, 'madvise --dry-run -j')
        view = os.path.join(r.tmp, 'after.json')
        with open(view, 'w') as f:
            json.dump({'schema_version': SCHEMA_VERSION, 'vmas': m['after']}, f)
        rc, out3, err3 = r.run(['-f', view, 'vma', 'show'])
        expect_rc(rc, 0, out3, err3)
    r.case('golden/madvise-dry-run-roundtrip', madvise_dry_run_matches_show)

    def explain_pid_reused():
        # Same pid, another program (comm differs): the VM's process is gone.
        tree = os.path.join(r.tmp, 'proc-reused')
        shutil.rmtree(tree, ignore_errors=True)
        shutil.copytree(proc_ex, tree)
        with open(os.path.join(tree, '4242', 'comm'), 'w') as f:
            f.write('bash\n')
        rc, out, err = r.run(['-f', r.snap, '--proc', tree, '-j', 'explain', '0x7f3a00201000', 'pid', '4242'])
        expect_rc(rc, 0, out, err)
        cpu = json.loads(out)['explain']['matches'][0]['cpu_mapping']
        expect(cpu['status'] == 'unavailable' and "now 'bash', not 'svm-stream'" in cpu['note'], cpu)
        # A process missing from the tree is reported, not an error.
        shutil.rmtree(os.path.join(tree, '4242'))
        rc, out, err = r.run(['-f', r.snap, '--proc', tree, '-j', 'explain', '0x7f3a00201000', 'pid', '4242'])
        expect_rc(rc, 0, out, err)
        cpu = json.loads(out)['explain']['matches'][0]['cpu_mapping']
        expect(cpu['status'] == 'unavailable' and 'is not running' in cpu['note'], cpu)
    r.case('golden/explain-pid-gone', explain_pid_reused)

    def explain_live_maps():
        # The CPU side against the real kernel: a model whose VM is this
        # very test process (written here), read live through --proc /proc.
        with open(r.snap) as f:
            doc = json.load(f)
        me = os.getpid()
        with open('/proc/self/comm') as f:
            comm = f.read().strip()
        with open('/proc/self/maps') as f:
            stack = [l for l in f if l.rstrip().endswith('[stack]')][0]
        lo, hi = [int(x, 16) for x in stack.split()[0].split('-')]
        doc['vms'][0].update(pid=me, comm=comm)
        path = os.path.join(r.tmp, 'self.json')
        with open(path, 'w') as f:
            json.dump(doc, f)
        rc, out, err = r.run(['-f', path, '--proc', '/proc', '-j', 'explain', hex(lo + 8), 'vm', '3'])
        expect_rc(rc, 0, out, err)
        expect_schema(out, 'explain -j with a live CPU mapping')
        cpu = json.loads(out)['explain']['matches'][0]['cpu_mapping']
        expect(cpu['status'] == 'mapped' and cpu['mapping']['path'] == '[stack]' and
               cpu['mapping']['start'] == lo and cpu['mapping']['end'] == hi, cpu)
    r.case('golden/explain-live-maps', explain_live_maps)

    def prometheus_checker_can_fail():
        good = '# HELP a_total x\n# TYPE a_total counter\na_total{l="v\\"q"} 1\n'
        expect(check_prometheus(good) == [], check_prometheus(good))
        bad = {
            'a_total 1\n': 'before',
            '# TYPE a counter\na 1\n': '_total',
            '# TYPE a_total counter\na_total{l="x} 1\n': 'not a sample',
            '# TYPE a_total counter\na_total 1 1700000000\n': 'timestamp',
            '# TYPE a_total counter\na_total one\n': 'bad value',
            '# TYPE a_total counter\na_total 1\na_total 2\n': 'duplicate',
            '# TYPE a gauge\na 1\n# TYPE b gauge\nb 1\na 2\n': 'split',
            '# TYPE a gauge\n# TYPE a gauge\na 1\n': 'second TYPE',
            '# TYPE a gauge\na{x="1",x="2"} 1\n': 'twice',
            '# TYPE a gauge\na 1': 'newline',
        }
        for text, want in bad.items():
            p = check_prometheus(text)
            expect(any(want in x for x in p), '%r: want a problem with %r, got %r' % (text, want, p))
    r.case('golden/prometheus-checker-can-fail', prometheus_checker_can_fail)

    def prometheus_escaping():
        # A comm with a quote, a backslash and a newline is escaped.
        with open(r.snap) as f:
            doc = json.load(f)
        doc['vms'][0]['comm'] = 'a"b\\c\nd'
        path = os.path.join(r.tmp, 'escape.json')
        with open(path, 'w') as f:
            json.dump(doc, f)
        rc, out, err = r.run(['-f', path, '--format', 'prometheus', 'stats'])
        expect_rc(rc, 0, out, err)
        expect_prometheus(r, out)
        expect('comm="a\\"b\\\\c\\nd"' in out, 'comm not escaped: %r' %
               [l for l in out.splitlines() if 'vm="3"' in l][:1])
    r.case('golden/prometheus-escaping', prometheus_escaping)

    def env_roots():
        # XESVM_DEBUGFS/XESVM_PROC do what the options do.
        rc, out, err = r.run(['client', 'show'],
                             env={'XESVM_DEBUGFS': r.debugfs, 'XESVM_PROC': r.proc})
        expect_rc(rc, 0, out, err)
        r.golden_check('tree-client-show', out)
    r.case('golden/env-roots', env_roots)

    def vma_order():
        # vma show and vm show list a VM's VMAs in one order, by address
        # (xesvmctl(8)), whatever order the snapshot has them in.
        for base in (['-f', r.snap], ['--debugfs', r.svm_debugfs, '--proc', r.proc]):
            rc, out, err = r.run(base + ['vma', 'show'])
            expect_rc(rc, 0, out, err)
            flat = [(int(f[0]), int(f[1]), int(f[2], 16)) for f in (ln.split() for ln in out.splitlines()[1:])]
            expect(flat == sorted(flat), 'vma show not by address: %r' % flat)
            rc, out, err = r.run(base + ['vm', 'show'])
            expect_rc(rc, 0, out, err)
            blocks, vm = [], None
            for ln in out.splitlines():
                m = re.match(r'^vm (\d+) on card(\d+)', ln)
                if m:
                    vm = (int(m.group(2)), int(m.group(1)))
                elif re.match(r'^  0x', ln):
                    blocks.append(vm + (int(ln.split()[0], 16),))
            expect(blocks == flat, 'vm show lists VMAs %r, vma show %r' % (blocks, flat))
    r.case('golden/vma-order', vma_order)

    def vma_without_xe_attributes():
        # atomic_access, pat_index and purgeable are xe's: from a driver
        # without them they are null, "-" in tables, and loc and policy
        # alone describe a reset's before.
        with open(r.snap) as f:
            doc = json.load(f)
        for vma in doc['vmas']:
            if vma['vm'] == 3:
                vma.update(atomic_access=None, pat_index=None, purgeable=None)
        path = os.path.join(r.tmp, 'no-xe-attributes.json')
        with open(path, 'w') as f:
            json.dump(doc, f)
        rc, out, err = r.run(['-f', path, '-j', 'vma', 'show', 'vm', '3'])
        expect_rc(rc, 0, out, err)
        vmas = json.loads(out)['vmas']
        expect(vmas and all((v['atomic_access'], v['pat_index'], v['purgeable']) == (None, None, None)
                            for v in vmas), 'vmas %r' % vmas)
        expect_schema(out, 'vma show -j without xe attributes')
        rc, out, err = r.run(['-f', path, 'vma', 'show', 'vm', '3'])
        expect_rc(rc, 0, out, err)
        lines = out.splitlines()
        expect(lines[0].split()[-3:] == ['ATOMIC', 'PAT', 'PURGEABLE'], 'header %r' % lines[0])
        cells = [ln.split()[-3:] for ln in lines[1:]]
        expect(len(cells) == len(vmas) and all(c == ['-', '-', '-'] for c in cells),
               'ATOMIC, PAT, PURGEABLE cells %r' % cells)
    r.case('golden/vma-without-xe-attributes', vma_without_xe_attributes)

    def schema_snapshots():
        # Every committed snapshot (tests/data/snapshots/bad/ holds broken
        # inputs of the reader, not snapshots) and every golden -j output.
        snaps = sorted(f for f in os.listdir(os.path.join(r.data, 'snapshots')) if f.endswith('.json'))
        expect(len(snaps) >= 3, 'snapshots %r' % snaps)
        for name in snaps:
            with open(os.path.join(r.data, 'snapshots', name)) as f:
                expect_schema(f.read(), 'tests/data/snapshots/' + name)
        goldens = sorted(f for f in os.listdir(r.golden) if f.endswith('.json'))
        expect(len(goldens) >= 20, 'goldens %r' % goldens)
        for name in goldens:
            with open(os.path.join(r.golden, name)) as f:
                expect_schema(f.read(), 'golden/' + name)
    r.case('golden/schema-snapshots-and-goldens', schema_snapshots)

    def schema_can_fail():
        # The schema is no rubber stamp: what xesvm-json(7) rules out fails.
        with open(r.snap) as f:
            good = json.load(f)
        expect_schema(good, 'example.json')

        def mutated(change):
            doc = json.loads(json.dumps(good))
            change(doc)
            return doc
        migrate = next(i for i, e in enumerate(good['events']) if e['type'] == 'migrate')
        bad = {
            'result "ok"': mutated(lambda d: d['events'][0].update(result='ok')),
            'migrate without trigger': mutated(lambda d: d['events'][migrate].pop('trigger')),
            'event without pid': mutated(lambda d: d['events'][1].pop('pid')),
            'range start a string': mutated(lambda d: d['ranges'][0].update(start='0x1000')),
            'unknown range flag': mutated(lambda d: d['ranges'][0]['flags'].append('dirty')),
            'unknown range key': mutated(lambda d: d['ranges'][0].update(colour='red')),
            'atomic_access neither a value nor null': mutated(
                lambda d: d['vmas'][0].update(atomic_access='sometimes')),
            'vma kind': mutated(lambda d: d['vmas'][0].update(kind='anon')),
            'vm without pid': mutated(lambda d: d['vms'][0].pop('pid')),
            'future schema': mutated(lambda d: d.update(schema_version=3)),
            'monitor line without schema_version': dict(good['events'][0]),
            'stats line without schema_version': {'time': 'x', 'interval_s': 1.0, 'rates': []},
            'explain without matches': {'schema_version': SCHEMA_VERSION, 'explain': {'address': 1}},
            'gc with a window': {'schema_version': SCHEMA_VERSION, 'gc': {
                'device': 0, 'vm': 3, 'pid': 1, 'comm': 'a', 'start': 0, 'end': 4096, 'ranges': 0, 'bytes': 0}},
        }
        for what, doc in bad.items():
            try:
                found = xesvm_schema.problems(doc, what)
            except xesvm_schema.Unavailable as e:
                raise Failure(str(e))
            expect(found, '%s: the schema accepts it' % what)
    r.case('golden/schema-can-fail', schema_can_fail)

    def diff_human():
        rc, out, err = r.run(['diff', r.snap, r.snap_after])
        expect_rc(rc, 0, out, err)
        r.golden_check('diff', out)
    r.case('golden/diff', diff_human)

    def diff_json():
        rc, out, err = r.run(['-j', 'diff', r.snap, r.snap_after])
        expect_rc(rc, 0, out, err)
        expect_schema(out, 'diff -j')
        r.golden_check('diff.json', out)
    r.case('golden/diff.json', diff_json)

    def diff_same():
        rc, out, err = r.run(['-j', 'diff', r.snap, r.snap])
        expect_rc(rc, 0, out, err)
        expect_schema(out, 'diff -j of a snapshot with itself')
        r.golden_check('diff-same.json', out)
    r.case('golden/diff-same', diff_same)

    def help_text():
        rc, out, err = r.run(['help'])
        expect_rc(rc, 0, out, err)
        r.golden_check('help', out)
        rc2, out2, _ = r.run(['--help'])
        expect(rc2 == 0 and out2 == out, '--help differs from help')
        rc, out, err = r.run(['help', 'stats'])
        expect_rc(rc, 0, out, err)
        r.golden_check('help-stats', out)
        rc2, out2, _ = r.run(['stats', 'help'])
        expect(rc2 == 0 and out2 == out, '"stats help" differs from "help stats"')
        rc2, out2, _ = r.run(['stats', 'show', '--help'])
        expect(rc2 == 0 and out2 == out, '"stats show --help" differs from "help stats"')
        for obj in ('monitor', 'madvise', 'migrate', 'gc'):
            rc, out, err = r.run(['help', obj])
            expect_rc(rc, 0, out, err)
            r.golden_check('help-' + obj, out)
            for form in ([obj, '--help'], ['-j', obj, '-h'], [obj, 'vm', '3', '--help']):
                rc2, out2, _ = r.run(form)
                expect(rc2 == 0 and out2 == out, '%r differs from "help %s"' % (form, obj))
        # xesvmctl(8): "OBJECT help" works for every object, direct ones too.
        rc, table, err = r.run(['__complete-table'])
        objects = [ln.split('\t')[1] for ln in table.splitlines() if ln.split('\t')[2:3] == ['object']]
        expect(len(objects) >= 15, 'objects from the table: %r' % objects)
        for obj in objects:
            rc, want, err = r.run(['help', obj])
            expect_rc(rc, 0, want, err)
            rc2, out2, err2 = r.run([obj, 'help'])
            expect(rc2 == 0 and out2 == want, '"%s help" exits %d, differs from "help %s": %s'
                   % (obj, rc2, obj, err2))
    r.case('golden/help', help_text)

    def version():
        rc, out, err = r.run(['-V'])
        expect_rc(rc, 0, out, err)
        expect(re.fullmatch(r'xesvmctl \d+\.\d+\.\d+ \(libxesvm \d+\.\d+\.\d+, JSON schema %d\)\n'
                            % SCHEMA_VERSION, out),
               'version line %r' % out)
    r.case('golden/version', version)

    # JSON output is a (partial) model: it loads back with -f.
    def roundtrip():
        for obj in ('device', 'client', 'vm', 'vma', 'range', 'pagemap'):
            rc, out, err = r.run(['-f', r.snap, '-j', obj, 'show'])
            expect_rc(rc, 0, out, err)
            rc2, out2, err2 = r.run(['-f', '-', '-j', obj, 'show'], stdin=out.encode())
            expect_rc(rc2, 0, out2, err2)
            expect(out2 == out, '%s show: -j output does not load back to itself' % obj)
    r.case('golden/json-roundtrip', roundtrip)

    def snapshot_roundtrip():
        plain = os.path.join(r.tmp, 'snap.json')
        gz = os.path.join(r.tmp, 'snap.json.gz')
        tree = ['--debugfs', r.debugfs, '--proc', r.proc]
        rc, out, err = r.run(tree + ['snapshot', '-o', plain])
        expect_rc(rc, 0, out, err)
        expect(out == 'snapshot written to %s\n' % plain, 'stdout %r' % out)
        rc, out, err = r.run(tree + ['snapshot', '--gzip', '--output', gz])
        expect_rc(rc, 0, out, err)
        with open(gz, 'rb') as f:
            expect(f.read(2) == b'\x1f\x8b', 'snapshot -z did not write gzip')
        rc, live, err = r.run(tree + ['-j', 'stats'])
        expect_rc(rc, 0, live, err)
        for path in (plain, gz):
            rc, out, err = r.run(['-f', path, '-j', 'stats'])
            expect_rc(rc, 0, out, err)
            expect(out == live, 'stats from %s differ from the live tree' % path)
        # To stdout, and through a pipe back in.
        rc, out, err = r.run(tree + ['snapshot'])
        expect_rc(rc, 0, out, err)
        doc = json.loads(out)
        expect(doc['schema_version'] == SCHEMA_VERSION and doc['sources']['stats'] == 'debugfs',
               'snapshot to stdout lacks schema/sources')
        expect_schema(doc, 'snapshot of the debugfs tree')
        rc, out2, err = r.run(['-f', '-', '-j', 'stats'], stdin=out.encode())
        expect(rc == 0 and out2 == live, 'snapshot from stdin differs')
    r.case('golden/snapshot-roundtrip', snapshot_roundtrip)

    def stats_reset():
        tree = os.path.join(r.tmp, 'reset-tree')
        shutil.rmtree(tree, ignore_errors=True)
        shutil.copytree(r.debugfs, tree, symlinks=True)
        rc, out, err = r.run(['--debugfs', tree, '--proc', r.proc, 'stats', 'reset', 'dev', '0'])
        expect_rc(rc, 0, out, err)
        expect(out == 'statistics reset\n', 'stdout %r' % out)
        # xe's stats file takes a "1" to clear (xe_gt_debugfs.c stats_write).
        for gt in ('gt0', 'gt1'):
            with open(os.path.join(tree, 'dri', '0000:03:00.0', 'tile0', gt, 'stats')) as f:
                expect(f.read().strip() == '1', '%s/stats not written with 1' % gt)
    r.case('golden/stats-reset', stats_reset)

    def watch():
        # A recorded tree does not move: every rate is 0, two samples, then exit.
        base = ['--debugfs', r.debugfs, '--proc', r.proc, 'stats', 'show']
        rc, out, err = r.run(['-j'] + base + ['-w', '0.05', 'count', '2'])
        expect_rc(rc, 0, out, err)
        lines = out.splitlines()
        expect(len(lines) == 2, 'want 2 JSON lines, got %d' % len(lines))
        expect_schema(out, 'stats -w -j')
        for ln in lines:
            s = json.loads(ln)
            expect(list(s) == ['schema_version', 'time', 'interval_s', 'rates'], 'keys %r' % list(s))
            expect(s['schema_version'] == SCHEMA_VERSION, 'schema_version %r' % s['schema_version'])
            expect(s['interval_s'] > 0.04, 'interval %r' % s['interval_s'])
            expect(len(s['rates']) > 50, 'too few rates (%d)' % len(s['rates']))
            expect(all(x['delta'] == 0 and x['per_second'] == 0 for x in s['rates']),
                   'a static tree moved')
            expect({x['gt'] for x in s['rates']} == {0, 1}, 'GTs %r' % {x['gt'] for x in s['rates']})
        rc, out, err = r.run(base + ['--watch=0.05', 'co', '1'])
        expect_rc(rc, 0, out, err)
        expect(re.fullmatch(r'\S+  rates over 0\.\d\d s\n  \(no counter changed\)\n', out),
               'human watch output %r' % out)
    r.case('golden/stats-watch', watch)

    def watch_rates():
        # A counter that moves between samples shows as a rate.
        tree = os.path.join(r.tmp, 'watch-tree')
        shutil.rmtree(tree, ignore_errors=True)
        shutil.copytree(r.debugfs, tree, symlinks=True)
        stats = os.path.join(tree, 'dri', '0000:03:00.0', 'tile0', 'gt0', 'stats')
        p = subprocess.Popen([r.xesvmctl, '-j', '--debugfs', tree, '--proc', r.proc,
                              'stats', '-w', '1', 'count', '1'],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=r.env())
        time.sleep(0.4)
        with open(stats) as f:
            text = f.read()
        text = re.sub(r'^svm_pagefault_count: (\d+)$',
                      lambda m: 'svm_pagefault_count: %d' % (int(m.group(1)) + 1000),
                      text, flags=re.M)
        with open(stats + '.new', 'w') as f:
            f.write(text)
        os.rename(stats + '.new', stats)
        out, err = p.communicate(timeout=60)
        expect(p.returncode == 0, 'exit %d: %s' % (p.returncode, err))
        s = json.loads(out)
        expect_schema(s, 'stats -w -j')
        moved = [x for x in s['rates'] if x['delta']]
        expect(len(moved) == 1 and moved[0]['counter'] == 'svm_pagefault_count' and
               moved[0]['delta'] == 1000 and moved[0]['gt'] == 0 and
               moved[0]['group'] == 'faults', 'moved counters %r' % moved)
        expect(abs(moved[0]['per_second'] - 1000 / s['interval_s']) < 1, 'rate %r' % moved[0])
    r.case('golden/stats-watch-rates', watch_rates)

    def watch_sigint():
        p = subprocess.Popen([r.xesvmctl, '--debugfs', r.debugfs, '--proc', r.proc,
                              'stats', '-w', '30'],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=r.env())
        time.sleep(0.5)
        p.send_signal(2)
        out, err = p.communicate(timeout=10)
        expect(p.returncode == 0, 'SIGINT: exit %d: %s' % (p.returncode, err))
    r.case('golden/stats-watch-sigint', watch_sigint)

    def color():
        if not shutil.which('script'):
            raise Skip('script(1) not installed: no pty to test colour on')
        cmd = '%s -f %s range show addr 0x7fa100a00000+4M' % (r.xesvmctl, r.snap)
        p = subprocess.run(['script', '-qec', cmd, '/dev/null'], capture_output=True,
                           env=r.env({'NO_COLOR': None}), timeout=60)
        out = p.stdout.decode()
        expect('\x1b[1m' in out and '\x1b[36m' in out, 'no colour on a TTY: %r' % out)
        p = subprocess.run(['script', '-qec', cmd, '/dev/null'], capture_output=True,
                           env=r.env({'NO_COLOR': '1'}), timeout=60)
        expect('\x1b[' not in p.stdout.decode(), 'colour despite NO_COLOR')
        rc, out, err = r.run(['-f', r.snap, 'range', 'show'], env={'NO_COLOR': None})
        expect('\x1b[' not in out, 'colour on a pipe')
    r.case('golden/color', color)


# ------------------------------------------------------------------
# errors: each bad input, its message, exit status, empty stdout
# ------------------------------------------------------------------

def group_errors(r):
    def err_case(name, args, status, pattern, stdin=None, env=None, prefix=None, setup=None,
                 json_modes=(False, True)):
        for json_mode in json_modes:
            def fn(json_mode=json_mode):
                if setup:
                    setup()
                full = (['-j'] if json_mode else []) + args
                rc, out, err = r.run(full, stdin=stdin, env=env, prefix=prefix)
                one_line_error(r, rc, out, err, status, json_mode, pattern)
            r.case('errors/%s%s' % (name, ' -j' if json_mode else ''), fn)

    bad = os.path.join(r.data, 'debugfs-bad-%s')
    err_case('stats-garbage', ['--debugfs', bad % 'garbage', '--proc', r.proc, 'stats'], 2,
             r'gt0/stats: line \d+: not a "name: value" counter line')
    err_case('stats-truncated', ['--debugfs', bad % 'truncated', '--proc', r.proc, 'stats'], 2,
             r'gt0/stats: line \d+: counter \S+ is truncated')
    err_case('stats-overflow', ['--debugfs', bad % 'overflow', '--proc', r.proc, 'stats'], 2,
             r'gt0/stats: line \d+: counter \S+ is negative')
    err_case('device-show-overflow', ['--debugfs', bad % 'overflow', '--proc', r.proc,
                                      'device', 'show'], 2, r'is negative')

    malformed = os.path.join(r.tmp, 'malformed.json')
    future = os.path.join(r.tmp, 'future.json')
    notjson = os.path.join(r.tmp, 'notjson.json')
    with open(malformed, 'w') as f:
        f.write('{"schema_version": 1, "devices": [{"minor": 0,\n')
    with open(future, 'w') as f:
        f.write('{"schema_version": 3, "devices": []}\n')
    with open(notjson, 'wb') as f:
        f.write(b'\x00\x01garbage\xff')
    err_case('snapshot-malformed', ['-f', malformed, 'device', 'show'], 1, r'malformed\.json: .*line')
    err_case('snapshot-future', ['-f', future, 'vm', 'show'], 1, r'future\.json: .*schema_version 3 is newer')
    err_case('snapshot-garbage', ['-f', notjson, 'range', 'show'], 1, r'notjson\.json')
    err_case('snapshot-missing', ['-f', os.path.join(r.tmp, 'nope.json'), 'device', 'show'], 1,
             r'nope\.json: .*No such file')
    err_case('snapshot-stdin-malformed', ['-f', '-', 'device', 'show'], 1, r'.',
             stdin=b'{"schema_version": 1, "vms": [')
    err_case('diff-malformed', ['diff', r.snap, malformed], 1, r'malformed\.json')
    err_case('missing-device-d7', ['-f', r.snap, '-d', '7', 'device', 'show'], 1,
             r'no device matches "7"')
    err_case('missing-device-keyword', ['-f', r.snap, 'range', 'show', 'dev', 'renderD200'], 1,
             r'no device matches "renderD200"')
    err_case('missing-device-tree', ['--debugfs', r.debugfs, '--proc', r.proc, '-d', '7', 'stats'], 1,
             r'no device matches "7"')
    err_case('debugfs-missing', ['--debugfs', os.path.join(r.tmp, 'no-debugfs'), 'stats'], 1,
             r'no-debugfs')

    # An unreadable debugfs: root reads anything, so drop to nobody.
    unreadable = os.path.join(r.tmp, 'unreadable')

    def make_unreadable():
        if not os.path.exists(unreadable):
            shutil.copytree(r.debugfs, unreadable, symlinks=True)
            os.chmod(r.tmp, 0o755)
            for root, dirs, files in os.walk(unreadable):
                os.chmod(root, 0o755)
            os.chmod(os.path.join(unreadable, 'dri'), 0)
    prefix = None
    if os.geteuid() == 0:
        setpriv = shutil.which('setpriv')
        prefix = [setpriv, '--reuid=65534', '--regid=65534', '--clear-groups'] if setpriv else None
    if os.geteuid() != 0 or prefix:
        err_case('debugfs-unreadable', ['--debugfs', unreadable, '--proc', r.proc, 'stats'], 2,
                 r'unreadable/dri is not readable \(needs root\)', prefix=prefix,
                 setup=make_unreadable)
        # stats reset on the real debugfs without root says so.
        err_case('stats-reset-needs-root', ['stats', 'reset'], 2, r'needs root',
                 prefix=prefix if os.geteuid() == 0 else None)
    else:
        r.case('errors/debugfs-unreadable', lambda: (_ for _ in ()).throw(
            Skip('running as root without setpriv: cannot make a directory unreadable')))

    # Live VM views need the kernel family or the SVM debugfs files, which
    # debugfs-xe-2gt (a stock kernel's tree) does not have.
    for obj in ('vm', 'vma', 'range', 'pagemap'):
        err_case('live-%s' % obj, ['--debugfs', r.debugfs, '--proc', r.proc, obj, 'show'], 2,
                 r'^%s show: live \S+ need the drm-svm kernel family or the SVM debugfs files' % obj)

    # The live admin commands on a kernel without the drm-svm family: a
    # clean system error naming it, nothing on stdout. (Where the family
    # exists, QEMU with the xesvm kernel, these cases do not apply.)
    live_cases = [
        ('live-madvise', ['madvise', 'vm', '3', '0x1000+4K', 'atomic', 'device']),
        ('live-madvise-dry-run', ['madvise', 'pid', '1', '0x1000+4K', 'pat', '1', '--dry-run']),
        ('live-migrate', ['migrate', 'pid', '1', '0x1000-0x3000', 'to', 'system']),
        ('live-migrate-pagemap', ['-d', '0', 'migrate', 'client', '7', '0x1000+4K', 'to', 'pagemap', '1']),
        ('live-gc', ['gc', 'vm', '1']),
        ('live-monitor', ['monitor', '-n', '1']),
        ('live-monitor-filtered', ['monitor', 'fault', 'dev', '0', 'pid', '1', 'addr', '0x1000+4K',
                                   '--duration', '1']),
        ('live-snapshot-events', ['snapshot', '--events', '0.5']),
    ]
    family = drm_svm_family_present()
    for name, args in live_cases:
        if family:
            r.case('errors/' + name, lambda: (_ for _ in ()).throw(
                Skip('this kernel has the drm-svm family')))
            continue
        # Events are asked for by monitor or snapshot --events: the message says which.
        events_by = {'live-monitor': 'monitor', 'live-monitor-filtered': 'monitor',
                     'live-snapshot-events': 'snapshot --events'}.get(name)
        err_case(name, args, 2, r'^%s: .*drm-svm' % events_by if events_by else r'drm-svm')
    if os.geteuid() == 0 and prefix:
        # Without CAP_SYS_ADMIN the kernel refuses to let the socket join
        # the events group: monitor says which capability is missing.
        # The message names the command that was run.
        err_case('monitor-no-capability', ['monitor'], 2, r'^monitor: .*needs CAP_SYS_ADMIN',
                 prefix=prefix)
        err_case('snapshot-events-no-capability', ['snapshot', '--events', '1'], 2,
                 r'^snapshot --events: .*needs CAP_SYS_ADMIN', prefix=prefix)

    # Usage errors of the admin commands, found before the kernel is asked.
    snap = ['-f', r.snap]
    two_vms = os.path.join(r.tmp, 'two-vms.json')
    with open(r.snap) as f:
        doc = json.load(f)
    doc['vms'][1]['pid'] = 4242
    with open(two_vms, 'w') as f:
        json.dump(doc, f)
    no_xe = os.path.join(r.tmp, 'no-xe-attributes-vm3.json')
    with open(r.snap) as f:
        doc = json.load(f)
    for vma in doc['vmas']:
        if vma['vm'] == 3:
            vma.update(atomic_access=None, pat_index=None, purgeable=None)
    with open(no_xe, 'w') as f:
        json.dump(doc, f)
    win = '0x7f3a00000000+2M'
    for name, args, status, pattern in [
        ('madvise-no-target', ['madvise', '0x1000+4K', 'atomic', 'device'], 1,
         r'^madvise needs its VM: pid PID, client ID or vm ID$'),
        ('madvise-no-window', ['madvise', 'vm', '3', 'atomic', 'device'], 1, r'^madvise needs WINDOW$'),
        ('madvise-bad-window', ['madvise', 'vm', '3', 'zzz', 'atomic', 'device'], 1, r'address window "zzz"'),
        ('madvise-window-wraps', ['madvise', 'vm', '3', '0xfffffffffffff000+8K', 'atomic', 'device'], 1,
         r'wraps past the end'),
        ('madvise-unaligned', ['madvise', 'vm', '3', '0x1800+4K', 'atomic', 'device'], 1,
         r'^window 0x1800\+4K is not aligned to the \d+-byte page size'),
        ('madvise-unknown-keyword', ['madvise', 'vm', '3', '0x1000+4K', 'colour', 'red'], 1,
         r"unexpected argument 'colour'"),
        ('madvise-unknown-value', ['madvise', 'vm', '3', '0x1000+4K', 'atomic', 'sometimes'], 1,
         r"^atomic: unknown value 'sometimes' \(choose one of undefined, device, global, cpu\)$"),
        ('madvise-no-attribute', ['madvise', 'vm', '3', '0x1000+4K'], 1, r'^madvise needs an attribute to set'),
        ('madvise-pat-range', ['madvise', 'vm', '3', '0x1000+4K', 'pat', '65536'], 1,
         r'^pat: 65536 is out of range \(a PAT index is 0 to 65535'),
        ('madvise-pat-garbage', ['madvise', 'vm', '3', '0x1000+4K', 'pat', '3x'], 1,
         r"^pat: '3x' is not a valid number$"),
        ('madvise-pagemap-no-id', ['madvise', 'vm', '3', '0x1000+4K', 'preferred-location', 'pagemap'], 1,
         r"^'preferred-location pagemap' needs a value \(ID\)$"),
        ('madvise-twice', ['madvise', 'vm', '3', '0x1000+4K', 'atomic', 'cpu', 'atomic', 'device'], 1,
         r"^'atomic' given twice$"),
        ('madvise-snapshot-needs-dry-run', snap + ['madvise', 'vm', '3', win, 'atomic', 'device'], 1,
         r'^madvise changes the live system; on a snapshot \(-f\) only --dry-run works$'),
        ('madvise-dry-run-no-pagemap', snap + ['madvise', 'vm', '3', win, 'pref', 'pagemap', '7', '--dry-run'], 1,
         r'^card0 has no pagemap 7 \(its pagemaps: 0 \(vram0\), 1 \(vram1\)\)$'),
        ('madvise-dry-run-outside', snap + ['madvise', 'vm', '3', '0x800000000000+4K', 'pat', '1', '--dry-run'], 1,
         r'^window 0x800000000000\+4K is outside card0 vm 3 \(pid 4242 svm-stream\), which mirrors \[0x0-0x800000000000\)$'),
        ('madvise-dry-run-no-vm', snap + ['madvise', 'pid', '99999', win, 'pat', '1', '--dry-run'], 2,
         r'^no GPU VM of pid 99999 in the snapshot$'),
        ('madvise-dry-run-no-device', snap + ['madvise', 'dev', '7', 'vm', '3', win, 'pat', '1', '--dry-run'], 1,
         r'^no device matches "7"$'),
        ('madvise-dry-run-ambiguous', ['-f', two_vms, 'madvise', 'pid', '4242', win, 'pat', '1', '--dry-run'], 1,
         r'^pid 4242 names 2 GPU VMs: card0 vm 3 \(pid 4242 svm-stream\), card0 vm 5 \(pid 4242 llama-server\); '
         r'choose one with vm ID$'),
        # xe's attributes, asked of a driver without them (null in the model).
        ('madvise-dry-run-no-xe-attributes', ['-f', no_xe, 'madvise', 'vm', '3', win, 'pat', '1', '--dry-run'],
         1, r"^atomic and pat are xe's memory attributes; the driver of card0 has none$"),
        ('migrate-no-destination', ['migrate', 'vm', '3', '0x1000+4K'], 1,
         r'^migrate needs a destination: to system or to pagemap ID$'),
        ('migrate-bad-destination', ['migrate', 'vm', '3', '0x1000+4K', 'to', 'disk'], 1,
         r"^to: unknown value 'disk' \(choose one of system, pagemap\)$"),
        ('migrate-pagemap-no-id', ['migrate', 'vm', '3', '0x1000+4K', 'to', 'pagemap'], 1,
         r"^'to pagemap' needs a value \(ID\)$"),
        ('migrate-no-target', ['migrate', '0x1000+4K', 'to', 'system'], 1, r'^migrate needs its VM'),
        ('migrate-bad-pid', ['migrate', 'pid', 'me', '0x1000+4K', 'to', 'system'], 1,
         r"^pid: 'me' is not a valid number$"),
        ('migrate-unaligned', ['migrate', 'vm', '3', '0x1000-0x1800', 'to', 'system'], 1, r'is not aligned'),
        ('migrate-snapshot', snap + ['migrate', 'vm', '3', win, 'to', 'system'], 1,
         r'^migrate acts on the live system; it cannot act on a snapshot \(-f\)$'),
        ('gc-no-target', ['gc'], 1, r'^gc needs its VM: pid PID, client ID or vm ID$'),
        ('gc-window', ['gc', 'vm', '3', '0x1000+4K'], 1, r"^unexpected argument '0x1000\+4K'"),
        ('gc-snapshot', snap + ['gc', 'vm', '3'], 1, r'^gc acts on the live system'),
        ('monitor-count-zero', ['monitor', '-n', '0'], 1, r"^--count: '0' is not a positive integer$"),
        ('monitor-count-fraction', ['monitor', '--count=1.5'], 1, r"^--count: '1.5' is not a positive integer$"),
        ('monitor-duration-bad', ['monitor', '--duration', 'soon'], 1, r"^--duration: 'soon' is not a positive number$"),
        ('monitor-unknown-type', ['monitor', 'faults'], 1, r"^unexpected argument 'faults'"),
        ('monitor-bad-window', ['monitor', 'addr', '0x2000-0x1000'], 1, r'inverted window'),
        ('monitor-bad-vm', ['monitor', 'vm', 'x'], 1, r"^vm: 'x' is not a valid number$"),
        ('monitor-duration-snapshot', snap + ['monitor', '--duration', '1'], 1,
         r'^--duration waits for live events; on a snapshot \(-f\) monitor prints the recorded ones and ends$'),
        ('monitor-snapshot-no-device', snap + ['monitor', 'dev', '9'], 1, r'^no device matches "9"$'),
        ('snapshot-events-bad', ['snapshot', '--events', '0'], 1, r"^--events: '0' is not a positive number$"),
        ('snapshot-events-snapshot', snap + ['snapshot', '--events', '1'], 1,
         r'^--events records live events; it cannot add them to a snapshot \(-f\)$'),
    ]:
        err_case(name, args, status, pattern)

    # Usage errors.
    snap = ['-f', r.snap]
    err_case('unknown-object', ['frobnicate'], 1, r"unknown object 'frobnicate'")
    err_case('unknown-command', snap + ['vm', 'frob'], 1, r"unknown command 'frob' for vm")
    err_case('unknown-keyword', snap + ['vm', 'show', 'colour', 'red'], 1, r"unexpected argument 'colour'")
    err_case('missing-value', snap + ['range', 'show', 'pid'], 1, r"'pid' needs a value \(PID\)")
    err_case('bad-pid', snap + ['vm', 'show', 'pid', '12abc'], 1, r"pid: '12abc' is not a valid number")
    err_case('negative-vm', snap + ['vm', 'show', 'vm', '-3'], 1, r"unknown option '-3'|not a valid number")
    err_case('bad-window-reversed', snap + ['range', 'show', 'addr', '0x2000-0x1000'], 1, r'0x2000-0x1000')
    err_case('bad-window-wrap', snap + ['range', 'show', 'addr', '0xffffffffffffff00+1M'], 1, r'.')
    err_case('bad-window-garbage', snap + ['range', 'show', 'addr', 'zzz'], 1, r'zzz')
    err_case('keyword-twice', snap + ['vm', 'show', 'pid', '1', 'pid', '2'], 1, r"'pid' given twice")
    err_case('unknown-global-option', ['--frob', 'device', 'show'], 1, r"unknown or ambiguous option '--frob'")
    err_case('ambiguous-long-option', ['--de', 'x', 'device', 'show'], 1, r"'--de'")
    err_case('global-option-value-missing', ['device', 'show', '-d'], 1, r"unknown option '-d'")
    err_case('option-missing-value', ['-f'], 1, r"option '-f' needs a value")
    err_case('option-after-object', snap + ['device', 'show', '-j'], 1,
             r"unknown option '-j' for this command \(global options go before the object\)")
    err_case('count-without-watch', snap + ['stats', 'count', '3'], 1, r'count needs --watch')
    err_case('watch-snapshot', snap + ['stats', '-w', '1'], 1, r'cannot watch a snapshot')
    err_case('watch-bad', ['--debugfs', r.debugfs, 'stats', '-w', '0'], 1, r"--watch: '0' is not a positive number")
    err_case('count-bad', ['--debugfs', r.debugfs, 'stats', '-w', '1', 'count', '1.5'], 1,
             r"count: '1.5' is not a positive integer")
    err_case('reset-snapshot', snap + ['stats', 'reset'], 1, r'not on a snapshot')
    err_case('diff-one-arg', ['diff', r.snap], 1, r'diff needs SNAP_A SNAP_B')
    err_case('diff-three-args', ['diff', r.snap, r.snap, r.snap], 1, r'unexpected argument')
    err_case('flag-with-value', snap + ['snapshot', '--gzip=yes'], 1, r"'gzip' takes no value")
    err_case('help-unknown', ['help', 'frob'], 1, r"unknown object 'frob'")
    err_case('explain-bad-address', snap + ['explain', 'zz', 'pid', '4242'], 1,
             r"explain: 'zz' is not an address")
    err_case('explain-address-garbage', snap + ['explain', '0x1000g', 'vm', '3'], 1, r"'0x1000g'")
    err_case('explain-address-overflow', snap + ['explain', '0x10000000000000000', 'vm', '3'], 1,
             r'not an address')
    err_case('explain-no-target', snap + ['explain', '0x1000'], 1, r'explain needs pid PID or vm ID')
    err_case('explain-no-address', snap + ['explain', 'pid', '4242'], 1, r'explain needs ADDR')
    err_case('explain-no-vm', snap + ['explain', '0x1000', 'pid', '99999'], 2,
             r'^no GPU VM of pid 99999 in the snapshot$')
    err_case('explain-no-vm-device', snap + ['explain', '0x1000', 'pid', '4242', 'vm', '5'], 2,
             r'^no GPU VM of pid 4242 and vm 5 in the snapshot$')
    err_case('explain-live', ['--debugfs', r.debugfs, '--proc', r.proc, 'explain', '0x1000', 'pid', '1'], 2,
             r'^explain: live vms need the drm-svm kernel family')
    bad_maps = os.path.join(r.tmp, 'proc-bad-maps')

    def make_bad_maps():
        os.makedirs(os.path.join(bad_maps, '4242'), exist_ok=True)
        with open(os.path.join(bad_maps, '4242', 'maps'), 'w') as f:
            f.write('7f3a00000000-7f3a01800000 rw-p 00000000 00:00 0 \n7f3a01900000-7f3a0200 rw-p\n')
    err_case('explain-maps-garbage', snap + ['--proc', bad_maps, 'explain', '0x7f3a00201000', 'pid', '4242'], 2,
             r'proc-bad-maps/4242/maps: line 2: bad .* in maps line', setup=make_bad_maps)
    err_case('prometheus-not-here', snap + ['--format', 'prometheus', 'vm', 'show'], 1,
             r'^vm show has no Prometheus format \(only stats show has\)$', json_modes=(False,))
    err_case('prometheus-explain', snap + ['--format', 'prom', 'explain', '0x1', 'vm', '3'], 1,
             r'^explain has no Prometheus format', json_modes=(False,))
    err_case('format-unknown', snap + ['--format', 'yaml', 'stats'], 1,
             r"--format: 'yaml' is not human, json or prometheus")
    err_case('format-keyword-unknown', snap + ['stats', 'show', 'format', 'xml'], 1,
             r"format: 'xml' is not human, json or prometheus")

    def format_conflict():
        for opt in ('-j', '-p'):
            rc, out, err = r.run([opt] + snap + ['--format', 'prometheus', 'stats'])
            one_line_error(r, rc, out, err, 1, True, r'-j/-p print JSON; they conflict with --format prometheus')
        rc, out, err = r.run(['-j', '--format', 'json'] + snap + ['device'])
        expect_rc(rc, 0, out, err)
    r.case('errors/format-conflicts-with-json', format_conflict)
    err_case('prometheus-watch', ['--debugfs', r.debugfs, '--proc', r.proc, 'stats', '-w', '1', 'format', 'prometheus'], 1,
             r'--watch prints rates; the Prometheus format is one scrape')
    err_case('batch-with-args', ['-b', '-', 'device', 'show'], 1, r'-b takes its commands from the file')
    err_case('batch-missing-file', ['-b', os.path.join(r.tmp, 'nope.batch')], 1, r'cannot open batch file')
    # A read error is an error, not an empty input: a directory as the batch
    # file, the shell's input or a snapshot (which exists: exit 2, as
    # xesvm-json(7) says of open failures other than a missing file).
    a_dir = os.path.join(r.tmp, 'a-directory')
    os.makedirs(a_dir, exist_ok=True)
    err_case('batch-directory', ['-b', a_dir], 2, r'^cannot read batch file .*a-directory: Is a directory$')
    err_case('snapshot-directory', ['-f', a_dir, 'device', 'show'], 2,
             r'a-directory: cannot open snapshot: Is a directory$')
    err_case('diff-directory', ['diff', r.snap, a_dir], 2, r'a-directory: cannot open snapshot: Is a directory$')

    def stdin_directory():
        for args, pattern in ((['shell'], r"^cannot read the shell's input: Is a directory$"),
                              (['-b', '-'], r'^cannot read batch file \(standard input\): Is a directory$')):
            for json_mode in (False, True):
                fd = os.open(a_dir, os.O_RDONLY | os.O_DIRECTORY)
                try:
                    p = subprocess.run([r.xesvmctl] + (['-j'] if json_mode else []) + ['-f', r.snap] + args,
                                       stdin=fd, capture_output=True, env=r.env(), timeout=60)
                finally:
                    os.close(fd)
                one_line_error(r, p.returncode, p.stdout.decode(), p.stderr.decode(), 2, json_mode, pattern)
    r.case('errors/stdin-directory', stdin_directory)

    def no_args_pipe():
        rc, out, err = r.run([], stdin=b'')
        expect_rc(rc, 1, out, err)
        expect(out == '', 'stdout %r' % out)
        expect(err.startswith('Usage: xesvmctl'), 'usage not on stderr: %r' % err[:200])
    r.case('errors/no-args-not-a-terminal', no_args_pipe)

    def epipe():
        # A reader that goes away must not crash or hang xesvmctl.
        p = subprocess.Popen([r.xesvmctl, '-f', r.snap, 'range', 'show'],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=r.env())
        p.stdout.close()
        p.wait(timeout=30)
        # Small outputs fit the pipe buffer (0); larger ones hit EPIPE (2) or
        # SIGPIPE (-13). Anything else (a crash, a hang) fails.
        expect(p.returncode in (0, 2, -13), 'exit %d on a closed pipe' % p.returncode)
    r.case('errors/closed-stdout', epipe)


# ------------------------------------------------------------------
# grammar: abbreviations, defaults, ambiguity
# ------------------------------------------------------------------

def group_grammar(r):
    snap = ['-f', r.snap]

    def same(name, a, b):
        def fn():
            rc1, out1, err1 = r.run(snap + a)
            rc2, out2, err2 = r.run(snap + b)
            expect_rc(rc1, 0, out1, err1)
            expect_rc(rc2, 0, out2, err2)
            expect(out1 == out2, '%r and %r differ' % (a, b))
            expect(out1 != '', 'empty output')
        r.case('grammar/' + name, fn)

    same('object-prefix', ['dev', 'show'], ['device', 'show'])
    same('command-prefix', ['range', 's', 'pid', '5170'], ['range', 'show', 'pid', '5170'])
    same('keyword-prefix', ['ra', 'sh', 'p', '5170', 'a', '0x7fa100000000+4M'],
         ['range', 'show', 'pid', '5170', 'addr', '0x7fa100000000+4M'])
    same('exact-beats-prefix', ['vm', 'show'], ['vm', 'sh'])
    same('default-command', ['client'], ['client', 'show'])
    same('default-command-with-option', ['-x', 'stats'], ['-x', 'stats', 'show'])
    same('long-option-prefix', ['--ex', 'stats'], ['--exact', 'stats'])
    same('long-option-equals', ['--exact', 'vma', 'show'], ['-x', 'vma', 'show'])
    same('json-pretty-implies-json', ['-p', 'device'], ['--pretty', '--json', 'device'])
    same('device-by-bdf', ['-d', '0000:3a:00.0', 'vm', 'show'], ['vm', 'show', 'dev', '0'])
    same('device-by-node', ['-d', 'renderD128', 'vm', 'show'], ['-d', 'card0', 'vm', 'show'])

    def ambiguous(name, args, pattern):
        def fn():
            for json_mode in (False, True):
                rc, out, err = r.run((['-j'] if json_mode else []) + snap + args)
                one_line_error(r, rc, out, err, 1, json_mode, pattern)
        r.case('grammar/' + name, fn)

    ambiguous('ambiguous-object-d', ['d', 'show'], r"^ambiguous object 'd': device, diff$")
    ambiguous('ambiguous-object-v', ['v'], r"^ambiguous object 'v': vm, vma$")
    ambiguous('ambiguous-object-s', ['s'], r"^ambiguous object 's': stats, snapshot, shell$")
    ambiguous('ambiguous-long-option-p', ['--p', 'device'], r"'--p'")

    def filters():
        # The window filter selects exactly the overlapping ranges.
        rc, out, err = r.run(snap + ['-j', 'range', 'show', 'addr', '0x7f3a00100000-0x7f3a00300000'])
        expect_rc(rc, 0, out, err)
        starts = [x['start'] for x in json.loads(out)['ranges']]
        expect(starts == [0x7f3a00000000, 0x7f3a00200000], 'window selected %r' % [hex(s) for s in starts])
        rc, out, err = r.run(snap + ['-j', 'vm', 'show', 'client', '9'])
        expect([v['vm'] for v in json.loads(out)['vms']] == [5], 'client 9 -> VMs %r' % out)
        rc, out, err = r.run(snap + ['-j', 'range', 'show', 'pid', '999999'])
        expect_rc(rc, 0, out, err)
        expect(json.loads(out)['ranges'] == [], 'unknown pid matched ranges')
        rc, out, err = r.run(snap + ['range', 'show', 'pid', '999999'])
        expect(rc == 0 and out == '', 'empty human table should print nothing, got %r' % out)
    r.case('grammar/filters', filters)

    def complete_c():
        def comp(*words):
            rc, out, err = r.run(['__complete'] + list(words))
            expect_rc(rc, 0, out, err)
            return out.split()
        expect(comp('') == ['device', 'client', 'vm', 'vma', 'range', 'pagemap', 'stats',
                            'snapshot', 'diff', 'explain', 'monitor', 'madvise', 'migrate', 'gc',
                            'shell', 'help'], 'top level %r' % comp(''))
        expect(comp('m') == ['monitor', 'madvise', 'migrate'], 'm -> %r' % comp('m'))
        # Values from a fixed list; a choice's own argument; given keywords drop out.
        expect(comp('madvise', 'vm', '3', '0x1000+4K', 'atomic', '') == ['undefined', 'device', 'global', 'cpu'],
               'atomic -> %r' % comp('madvise', 'vm', '3', '0x1000+4K', 'atomic', ''))
        expect(comp('madvise', 'vm', '3', 'preferred-location', 's') == ['system'], 'preferred-location s')
        expect(comp('migrate', 'vm', '3', 'to', '') == ['system', 'pagemap'], 'to')
        expect(comp('migrate', 'vm', '3', 'to', 'pagemap', '') == [], 'to pagemap ID offers nothing')
        expect(comp('migrate', 'vm', '3', 'to', 'pagemap', '2', '') == ['dev', 'pid', 'client'],
               'after to pagemap 2: %r' % comp('migrate', 'vm', '3', 'to', 'pagemap', '2', ''))
        expect(comp('migrate', 'vm', '3', 'to', 'sys', '') == ['dev', 'pid', 'client'],
               'after to sys: %r' % comp('migrate', 'vm', '3', 'to', 'sys', ''))
        expect(comp('monitor', 'fault', '') == ['migrate', 'invalidate', 'unmap', 'gc', 'madvise',
                                                'attr-reset', 'vm-killed',
                                                'dev', 'pid', 'vm', 'addr'], 'monitor fault')
        expect(comp('--format', 'p') == ['prometheus'], '--format p -> %r' % comp('--format', 'p'))
        expect(comp('stats', 'show', 'format', '') == ['human', 'json', 'prometheus'],
               'stats show format -> %r' % comp('stats', 'show', 'format', ''))
        expect(comp('vm', 'show', 'de') == ['dev', 'detail'], 'vm show de -> %r' % comp('vm', 'show', 'de'))
        expect(comp('explain', '0x1000', '') == ['pid', 'vm', 'dev'],
               'explain ADDR -> %r' % comp('explain', '0x1000', ''))
        expect(comp('v') == ['vm', 'vma'], 'v -> %r' % comp('v'))
        expect(comp('-j', 'ra', 's', '') == ['dev', 'pid', 'client', 'vm', 'addr'], 'range show')
        expect(comp('range', 'show', 'pid', '1', '') == ['dev', 'client', 'vm', 'addr'],
               'given keyword offered again: %r' % comp('range', 'show', 'pid', '1', ''))
        expect(comp('stats', '--w') == ['--watch'], 'stats --w -> %r' % comp('stats', '--w'))
        expect(comp('stats', '') == ['show', 'reset'], 'stats -> %r' % comp('stats', ''))
        expect(comp('help', 'st') == ['stats'], 'help st -> %r' % comp('help', 'st'))
        expect(comp('--de') == ['--device', '--debugfs'], '--de -> %r' % comp('--de'))
        # The shell's completer offers the long spellings of options.
        expect(comp('-f', 'x', 'sn', '-') == ['--output', '--gzip', '--events'],
               'snapshot - -> %r' % comp('-f', 'x', 'sn', '-'))
        expect(comp('-f', 'x', 'sn', '--') == ['--output', '--gzip', '--events'],
               'snapshot -- -> %r' % comp('-f', 'x', 'sn', '--'))
    r.case('grammar/complete-from-table', complete_c)


# ------------------------------------------------------------------
# batch
# ------------------------------------------------------------------

def group_batch(r):
    snap = ['-f', r.snap]

    def write(name, text):
        path = os.path.join(r.tmp, name)
        with open(path, 'w') as f:
            f.write(text)
        return path

    def individual(*cmds, json_mode=False):
        out = ''
        for c in cmds:
            rc, o, e = r.run((['-j'] if json_mode else []) + snap + c.split())
            expect_rc(rc, 0, o, e)
            out += o
        return out

    def batch_ok():
        path = write('ok.batch', '# a comment\n\ndevice show\n  vm show pid 5170  \nrange s addr "0x7fa180000000+128K"\n')
        rc, out, err = r.run(snap + ['-b', path])
        expect_rc(rc, 0, out, err)
        expect(out == individual('device show', 'vm show pid 5170', 'range show addr 0x7fa180000000+128K'),
               'batch output differs from the commands run one by one')
    r.case('batch/ok', batch_ok)

    def batch_stdin_json():
        rc, out, err = r.run(['-j'] + snap + ['-b', '-'], stdin=b'device show\nvma show vm 3\n')
        expect_rc(rc, 0, out, err)
        docs = out.splitlines()
        expect(len(docs) == 2 and all(json.loads(d)['schema_version'] == SCHEMA_VERSION
                                      for d in docs),
               'want two JSON documents, one per line: %r' % out[:300])
        expect(out == individual('device show', 'vma show vm 3', json_mode=True), 'differs')
        expect_schema(out, 'batch -j')
    r.case('batch/stdin-json', batch_stdin_json)

    def batch_stops():
        path = write('bad.batch', 'device show\nvm frob\nclient show\n')
        for json_mode in (False, True):
            rc, out, err = r.run((['-j'] if json_mode else []) + snap + ['-b', path])
            expect_rc(rc, 1, out, err)
            expect(out == individual('device show', json_mode=json_mode),
                   'ran past the failing line: %r' % out)
            if json_mode:
                e = json.loads(err.splitlines()[-1])
                expect(e['error']['message'].startswith('batch line 2: unknown command'), e)
            else:
                expect(err.splitlines()[-1] == "xesvmctl: batch line 2: unknown command 'frob' for vm (try: xesvmctl vm help)",
                       'stderr %r' % err)
    r.case('batch/stops-at-first-error', batch_stops)

    def batch_force():
        path = write('force.batch', 'device show\nvm frob\nclient show\nrange show dev 9\npagemap show\n')
        rc, out, err = r.run(snap + ['--force', '-b', path])
        expect_rc(rc, 1, out, err)
        expect(out == individual('device show', 'client show', 'pagemap show'), 'force output')
        errs = [ln for ln in err.splitlines() if 'note:' not in ln]
        expect([e.split(':')[1] for e in errs] == [' batch line 2', ' batch line 4'], 'errors %r' % errs)
        # The worst status wins: a system error (2) after a usage error (1).
        path = write('force2.batch', 'vm frob\nvm show\n')
        rc, out, err = r.run(['--debugfs', r.debugfs, '--proc', r.proc, '--force', '-b', path])
        expect_rc(rc, 2, out, err)
    r.case('batch/force', batch_force)

    def batch_quotes():
        path = write('quote.batch', 'range show addr "0x7fa180000000+128K\n')
        rc, out, err = r.run(snap + ['-b', path])
        expect_rc(rc, 1, out, err)
        expect('batch line 1: unterminated " quote' in err, err)
    r.case('batch/unterminated-quote', batch_quotes)

    def batch_escapes_input():
        # An error quoting a batch line must not pass its control bytes to
        # the terminal (an OSC sequence retitles it, ESC [ 2 J clears it):
        # they are '?' as in the tables; under -j the message stays valid
        # JSON even for bytes that are not UTF-8.
        path = os.path.join(r.tmp, 'escape.batch')
        with open(path, 'wb') as f:
            f.write(b'vm \x1b]0;owned\x07\x1b[2J\n')
        rc, out, err = r.run(snap + ['-b', path])
        expect_rc(rc, 1, out, err)
        expect(err == "xesvmctl: batch line 1: unknown command '?]0;owned??[2J' for vm "
               "(try: xesvmctl vm help)\n", 'stderr %r' % err)
        with open(path, 'wb') as f:
            f.write(b'vm \x1b[31m\xff\n')
        rc, out, err = r.run(['-j'] + snap + ['-b', path])
        expect_rc(rc, 1, out, err)
        e = json.loads(err)
        expect(e == {'error': {'status': 1, 'message': "batch line 1: unknown command '?[31m?' for vm "
                               "(try: xesvmctl vm help)"}}, 'stderr %r' % err)
    r.case('batch/error-escapes-input', batch_escapes_input)

    def batch_no_shell():
        path = write('shell.batch', 'shell\n')
        rc, out, err = r.run(snap + ['-b', path])
        expect_rc(rc, 1, out, err)
        expect("batch line 1: 'shell' cannot run inside the shell or a batch file" in err, err)
    r.case('batch/no-shell-inside', batch_no_shell)

    def batch_live_snapshot():
        # One snapshot load serves every line: -f - with -b FILE reads stdin once.
        path = write('two.batch', 'device show\nvm show\n')
        with open(r.snap, 'rb') as f:
            data = f.read()
        rc, out, err = r.run(['-f', '-', '-b', path], stdin=data)
        expect_rc(rc, 0, out, err)
        expect(out == individual('device show', 'vm show'), 'differs')
        rc, out, err = r.run(['-f', '-', '-b', '-'], stdin=data)
        one_line_error(r, rc, out, err, 1, False, r'cannot both read stdin')
    r.case('batch/snapshot-once', batch_live_snapshot)


# ------------------------------------------------------------------
# shell: pipe mode always; the readline path under tmux when installed
# ------------------------------------------------------------------

def group_shell(r):
    snap = ['-f', r.snap]

    def pipe():
        rc, out, err = r.run(snap + ['shell'], stdin=b'device show\nquit\nvm show\n')
        expect_rc(rc, 0, out, err)
        rc2, want, _ = r.run(snap + ['device', 'show'])
        expect(out == want, 'shell output %r, want %r' % (out, want))
    r.case('shell/pipe', pipe)

    def pipe_help_errors():
        rc, out, err = r.run(snap + ['shell'], stdin=b'help vm\nvm frob\nexit\n')
        expect_rc(rc, 1, out, err)
        rc2, want, _ = r.run(['help', 'vm'])
        expect(out == want, 'help in the shell differs')
        expect(err.strip().splitlines()[-1] == "xesvmctl: unknown command 'frob' for vm (try: xesvmctl vm help)",
               'stderr %r' % err)
        # An error does not end the shell; EOF does.
        rc, out, err = r.run(snap + ['shell'], stdin=b'nope\ndevice show\n')
        expect(rc == 1 and 'DRIVER' in out, 'shell stopped after an error')
        rc, out, err = r.run(snap + ['shell'], stdin=b'shell\n')
        expect('already in the shell' in err or 'cannot run inside the shell' in err, err)
    r.case('shell/pipe-help-errors', pipe_help_errors)

    def tty():
        tmux = shutil.which('tmux')
        if not tmux:
            raise Skip('tmux not installed: the readline path is not driven')
        sock = 'xesvmctl-test-%d' % os.getpid()
        env = r.env()
        cmd = 'env HOME=%s XDG_STATE_HOME=%s NO_COLOR=1 %s -f %s' % (
            env['HOME'], env['XDG_STATE_HOME'], r.xesvmctl, r.snap)
        hist = os.path.join(env['XDG_STATE_HOME'], 'xesvmctl', 'history')
        if os.path.exists(hist):
            os.unlink(hist)

        def tm(*a):
            return subprocess.run([tmux, '-L', sock] + list(a), capture_output=True,
                                  env=env, timeout=30).stdout.decode()

        def screen_has(text, timeout=10):
            end = time.time() + timeout
            while time.time() < end:
                s = tm('capture-pane', '-p', '-t', 'x')
                if text in s:
                    return s
                time.sleep(0.1)
            raise Failure('%r never appeared on the terminal:\n%s' % (text, s))
        try:
            # No arguments on a terminal opens the shell.
            tm('new-session', '-d', '-s', 'x', '-x', '200', '-y', '50', cmd)
            screen_has('xesvm>')
            tm('send-keys', '-t', 'x', 'pagem', 'Tab')
            screen_has('xesvm> pagemap')
            tm('send-keys', '-t', 'x', 'sh', 'Tab', 'Enter')
            screen_has('CPU-DEFERRED')
            tm('send-keys', '-t', 'x', 'range show p', 'Tab')
            screen_has('range show pid')
            tm('send-keys', '-t', 'x', '5170 addr 0x7fa180000000+64K', 'Enter')
            screen_has('0x7fa180010000  64 KiB')
            tm('send-keys', '-t', 'x', 'quit', 'Enter')
            end = time.time() + 10
            while time.time() < end and 'x' in tm('list-sessions', '-F', '#S').split():
                time.sleep(0.1)
            expect(os.path.exists(hist), 'no history file at %s' % hist)
            with open(hist) as f:
                lines = f.read().splitlines()
            expect(lines == ['pagemap show', 'range show pid 5170 addr 0x7fa180000000+64K', 'quit'],
                   'history %r' % lines)
        finally:
            tm('kill-server')
    r.case('shell/tty-readline', tty)


# ------------------------------------------------------------------
# completions: the files and the table agree, and each file works
# ------------------------------------------------------------------

ROW_RE = re.compile(r"^\s*_{0,2}xesvmctl_w\s+'([^']*)'\s+(\S+)\s+(\S+)\s+(\S+)\s+'([^']*)'\s*$")
FILES = {'bash': 'xesvmctl', 'zsh': '_xesvmctl', 'fish': 'xesvmctl.fish'}


def group_completions(r):
    def table():
        return set(table_rows(r))

    def file_rows(shell):
        rows = set()
        with open(os.path.join(r.completions, FILES[shell])) as f:
            for ln in f:
                m = ROW_RE.match(ln)
                if m:
                    rows.add(m.groups()[:4])
        return rows

    for shell in FILES:
        def agree(shell=shell):
            t, c = table(), file_rows(shell)
            missing = sorted(t - c)
            extra = sorted(c - t)
            msg = ''
            if missing:
                msg += '%s completion lacks (context, word, type, kind): %s\n' % (shell, missing)
            if extra:
                msg += '%s completion names what the table lacks: %s\n' % (shell, extra)
            expect(not msg, msg)
        r.case('completions/%s-agrees-with-table' % shell, agree)

    def detects_disagreement():
        # The check above must be able to fail: drop a word and add one.
        t = table()
        c = set(t)
        c.discard(('vm show', 'addr', 'keyword', 'window'))
        c.add(('vm show', 'colour', 'keyword', 'none'))
        expect(t - c == {('vm show', 'addr', 'keyword', 'window')} and
               c - t == {('vm show', 'colour', 'keyword', 'none')}, 'set difference broken')
        expect(ROW_RE.match("_xesvmctl_w 'vm show'  addr  keyword window 'x y'"), 'regex broken')
    r.case('completions/check-can-fail', detects_disagreement)

    cases = [
        ('xesvmctl ', 'device client vm vma range pagemap stats snapshot diff explain monitor madvise '
                      'migrate gc shell help'),
        ('xesvmctl --', '--json --pretty --format --file --device --batch --force --debugfs --proc '
                        '--exact --verbose --version --help'),
        ('xesvmctl --format ', 'human json prometheus'),
        ('xesvmctl stats show format p', 'prometheus'),
        ('xesvmctl vm show pid 1 det', 'detail'),
        ('xesvmctl explain 0x1000 p', 'pid'),
        ('xesvmctl explain 0x1000 pid 1 d', 'dev'),
        ('xesvmctl -j vm sh ', 'dev pid client vm addr detail'),
        ('xesvmctl stats ', 'show reset'),
        ('xesvmctl stats -', '-w --watch --format'),
        ('xesvmctl snapshot --', '--output --gzip --events'),
        ('xesvmctl help ', 'device client vm vma range pagemap stats snapshot diff explain monitor madvise '
                           'migrate gc shell help'),
        ('xesvmctl ra s dev 0 a', 'addr'),
        ('xesvmctl stats show -w 1 ', 'dev count format'),
        # Values from a fixed list, and a choice's own argument.
        ('xesvmctl madvise pid 1 0x1000+4K atomic ', 'undefined device global cpu'),
        ('xesvmctl madvise vm 3 0x1000+4K pref ', 'default_device system pagemap'),
        ('xesvmctl madvise vm 3 0x1000+4K migration-policy o', 'only_system_pages'),
        ('xesvmctl migrate vm 3 0x1000+4K to ', 'system pagemap'),
        # "d" is the pagemap ID being typed, not the start of "dev".
        ('xesvmctl migrate vm 3 0x1000+4K to pagemap d', ''),
        ('xesvmctl migrate vm 3 0x1000+4K to pagemap 2 v', 'vm'),
        ('xesvmctl migrate vm 3 0x1000+4K to system v', 'vm'),
        ('xesvmctl madvise vm 3 0x1000+4K pat 1 -', '--dry-run'),
        ('xesvmctl monitor mi', 'migrate'),
        ('xesvmctl monitor --', '--count --duration'),
        ('xesvmctl gc ', 'dev pid client vm'),
    ]

    def check_offers(shell, lines, offered, exact):
        """Each line's offers: exactly its words (@exact) or at least them."""
        expect(len(offered) == len(lines), '%s answered %d of %d lines' %
               (shell, len(offered), len(lines)))
        for (line, want), got in zip(lines, offered):
            # zsh's stand-in _describe offers every option for a lone "-".
            superset = not exact or (shell == 'zsh' and line.endswith(' -'))
            ok = set(want) <= set(got) if superset else sorted(got) == sorted(want)
            expect(ok, '%s: %r -> %r, want %r' % (shell, line, got, want))

    def shell_works(shell):
        if not shutil.which(shell):
            raise Skip('%s not installed' % shell)
        syntax = {'bash': ['bash', '-n'], 'zsh': ['zsh', '-n'], 'fish': ['fish', '--no-execute']}
        path = os.path.join(r.completions, FILES[shell])
        p = subprocess.run(syntax[shell] + [path], capture_output=True)
        expect(p.returncode == 0, '%s: %s' % (' '.join(syntax[shell]), p.stderr.decode()))
        lines = [line for line, _ in cases]
        check_offers(shell, [(line, want.split()) for line, want in cases],
                     complete_lines(r, shell, lines), exact=True)

    for shell in FILES:
        r.case('completions/%s-completes' % shell, lambda shell=shell: shell_works(shell))

    def every_word(shell):
        # Every row of the table, typed up to its first letter (or its
        # dashes) where the table says it may come, must be offered.
        if not shutil.which(shell):
            raise Skip('%s not installed' % shell)
        rows = table_rows(r)
        lines = [(completion_line(rows, ctx, word), [word]) for ctx, word, _, _ in rows]
        check_offers(shell, lines, complete_lines(r, shell, [line for line, _ in lines]),
                     exact=False)

    for shell in FILES:
        r.case('completions/%s-completes-every-word' % shell,
               lambda shell=shell: every_word(shell))


def table_rows(r):
    """The rows of `xesvmctl __complete-table`: (context, word, type, kind)."""
    rc, out, err = r.run(['__complete-table'])
    expect_rc(rc, 0, out, err)
    rows = []
    for ln in out.splitlines():
        f = ln.split('\t')
        expect(len(f) == 5, 'bad table line %r' % ln)
        rows.append(tuple(f[:4]))
    return rows


def completion_line(rows, ctx, word):
    """A command line that reaches @ctx with the start of @word typed."""
    def words_before(ctx):
        if ctx.startswith('='):
            # A choice follows a keyword or option whose value is of that kind.
            kind = ctx[1:]
            c, w = next((c, w) for c, w, t, k in rows
                        if k == kind and t in ('keyword', 'option'))
            return words_before(c) + [w]
        return ctx.split(' ') if ctx else []
    typed = word[:2] if word.startswith('--') else word[:1]
    return ' '.join(['xesvmctl'] + words_before(ctx) + [typed])


def complete_lines(r, shell, lines):
    """What the generated completion of @shell offers for each command line
    (words separated by single spaces, the last one being completed)."""
    path = os.path.join(r.completions, FILES[shell])
    marker = 'END-OF-OFFERS'
    quoted = [' '.join("'%s'" % w for w in line.split(' ')) for line in lines]
    if shell == 'bash':
        script = 'source %s\n' % path
        script += ('t() { COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _xesvmctl; '
                   'printf "%%s\\n" "${COMPREPLY[@]}" %s; }\n' % marker)
        script += ''.join('t %s\n' % q for q in quoted)
        cmd = ['bash', '--norc', '-c', script]
    elif shell == 'zsh':
        # Stand-ins for compsys's output functions print what it would offer.
        script = ('_describe() { local -a a; a=(${(P)${@[-1]}}); print -rl -- "${a[@]%%:*}"; }; '
                  '_files() { print FILES; }; _pids() { print PIDS; }; _message() { print MSG; }; '
                  'compadd() { [[ $1 == -- ]] && shift; print -l -- "$@"; }\n')
        # Sourcing completes the line in $words once; print its end too.
        script += 'words=(xesvmctl ""); CURRENT=2; source %s; print %s\n' % (path, marker)
        script += ''.join('words=(%s); CURRENT=$#words; _xesvmctl_main; print %s\n'
                          % (q, marker) for q in quoted)
        cmd = ['zsh', '-f', '-c', script]
    else:
        script = 'source %s\n' % path
        script += ''.join("complete -C %s; echo %s\n" % (shlex_fish(line), marker)
                          for line in lines)
        cmd = ['fish', '--no-config', '-c', script]
    p = subprocess.run(cmd, capture_output=True, timeout=300, env=r.env())
    expect(p.returncode == 0 and not p.stderr, '%s: %s' % (shell, p.stderr.decode()))
    answers = p.stdout.decode().split(marker + '\n')[:-1]
    if shell == 'zsh':
        answers = answers[1:]	# the offers of the source itself
    offered = []
    for line, text in zip(lines, answers):
        got = [ln.split('\t')[0] for ln in text.splitlines() if ln]
        if shell == 'zsh':
            # zsh filters by the typed prefix itself; keep what it would show.
            cur = line.split(' ')[-1]
            got = [w for w in got if w.startswith(cur)]
        offered.append(got)
    return offered


def shlex_fish(s):
    return "'" + s.replace('\\', '\\\\').replace("'", "\\'") + "'"


GROUPS = {
    'golden': group_golden,
    'errors': group_errors,
    'grammar': group_grammar,
    'batch': group_batch,
    'shell': group_shell,
    'completions': group_completions,
}


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--xesvmctl', required=True)
    ap.add_argument('--data', required=True, help='tests/data')
    ap.add_argument('--completions', required=True, help='the generated completion files (build/completions)')
    ap.add_argument('--update', action='store_true', help='rewrite golden files (then read them!)')
    ap.add_argument('groups', nargs='*', default=list(GROUPS))
    args = ap.parse_args()
    r = Runner(args)
    if r.valgrind and not shutil.which('valgrind'):
        print('valgrind requested but not installed')
        return 1
    try:
        for g in args.groups:
            GROUPS[g](r)
    finally:
        shutil.rmtree(r.tmp, ignore_errors=True)
    print('%d passed, %d failed, %d skipped' % (r.passed, len(r.failed), len(r.skipped)))
    if r.failed:
        return 1
    if r.skipped and not r.passed:
        return 77
    return 0


if __name__ == '__main__':
    sys.exit(main())
