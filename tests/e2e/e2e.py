#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""End-to-end tests of xesvmctl against the vsvm software SVM device.

Runs inside the QEMU guest booted by `kernel-patches/xesvm-kernel qemu-run`
(see README.md here): starts tests/e2e/vsvm-workload in hold mode, runs
xesvmctl with -j and compares what it shows with the workload's record and
with /proc/PID/maps, then changes the workload's VM with madvise, migrate
and gc and checks the effects (the next show, the pagemap statistics, the
events a concurrent monitor sees, and the workload's data unchanged).

    e2e.py BUILD_DIR            the tests (root, in the guest)
    e2e.py --self-test [--workload PATH] [--fake-workload PATH]
                                the checks against fake data, the
                                workload's usage and no-device errors, and
                                the workload on a stand-in for the ioctls
                                (host)

Output: "ok N - ..." / "not ok N - ...: details" lines, then
"e2e: N passed, N failed, N skipped"; exit status 1 if anything failed.
Only the Python standard library is used, and python3-jsonschema through
tests/schema/xesvm_schema.py: every -j output is checked against
man/xesvm-json.schema.json (one test, at the end).
"""

import glob
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'schema'))
import xesvm_schema  # noqa: E402 (the path above)

# --------------------------------------------------------------------------
# The command lines, in one place: the CLI grammar is xesvmctl(8). Each entry
# is the argument list after the xesvmctl binary, with {placeholders}.
# {window} is "0xSTART-0xEND".

COMMANDS = {
    'version':          ['-V'],
    'vm_show':          ['-j', 'vm', 'show'],
    'vm_show_pid':      ['-j', 'vm', 'show', 'pid', '{pid}'],
    'vma_show_pid':     ['-j', 'vma', 'show', 'pid', '{pid}'],
    'range_show':       ['-j', 'range', 'show'],
    'range_show_pid':   ['-j', 'range', 'show', 'pid', '{pid}'],
    'range_show_win':   ['-j', 'range', 'show', 'pid', '{pid}', 'addr', '{window}'],
    'pagemap_show':     ['-j', 'pagemap', 'show'],
    'madvise_system':   ['-j', 'madvise', 'pid', '{pid}', '{window}',
                         'preferred-location', 'system'],
    'madvise_no_attr':  ['-j', 'madvise', 'pid', '{pid}', '{window}'],
    'madvise_pat':      ['-j', 'madvise', 'pid', '{pid}', '{window}', 'pat', '{pat}'],
    'madvise_atomic_pat': ['-j', 'madvise', 'pid', '{pid}', '{window}',
                           'atomic', 'device', 'pat', '{pat}'],
    'migrate_system':   ['-j', 'migrate', 'pid', '{pid}', '{window}', 'to', 'system'],
    'migrate_pagemap':  ['-j', 'migrate', 'pid', '{pid}', '{window}',
                         'to', 'pagemap', '{pagemap}'],
    'gc':               ['-j', 'gc', 'pid', '{pid}'],
    'monitor':          ['-j', 'monitor', 'pid', '{pid}', '-n', '{count}',
                         '--duration', '{seconds}'],
    'monitor_type':     ['-j', 'monitor', '{type}', 'pid', '{pid}', '-n', '{count}',
                         '--duration', '{seconds}'],
    'explain':          ['-j', 'explain', '{addr}', 'pid', '{pid}'],
}

# How an unprivileged user runs a command: uid/gid 65534 (nobody), no
# supplementary groups, no capabilities.
UNPRIV_SETPRIV = ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups',
                  '--inh-caps=-all', '--']
UNPRIV_RUNUSER = ['runuser', '-u', 'nobody', '--']

TIMEOUT = 180           # seconds for one xesvmctl run (QEMU TCG is slow)
READY_TIMEOUT = 300     # the workload's scripted phase
PAGE = 4096
M = 1024 * 1024


# --------------------------------------------------------------------------
# TAP-ish output

class Tap:
    def __init__(self, out=sys.stdout):
        self.out = out
        self.n = self.passed = self.failed = self.skipped = 0

    def _line(self, text):
        print(text, file=self.out, flush=True)

    def comment(self, text):
        for line in str(text).splitlines() or ['']:
            self._line('# ' + line)

    def check(self, desc, problems):
        """problems: a list of strings; empty means the check passed."""
        self.n += 1
        if not problems:
            self.passed += 1
            self._line(f'ok {self.n} - {desc}')
            return True
        self.failed += 1
        details = '; '.join(str(p) for p in problems[:6])
        if len(problems) > 6:
            details += f'; ... ({len(problems)} problems)'
        self._line(f'not ok {self.n} - {desc}: {details}')
        return False

    def skip(self, desc, reason):
        self.n += 1
        self.skipped += 1
        self._line(f'ok {self.n} - {desc} # SKIP {reason}')

    def finish(self):
        self._line(f'1..{self.n}')
        self._line(f'e2e: {self.passed} passed, {self.failed} failed, '
                   f'{self.skipped} skipped')
        return 1 if self.failed else 0


# --------------------------------------------------------------------------
# Pure helpers and checks. Each check returns a list of problems (strings);
# they are exercised against fake data by --self-test.

def hexw(start, end):
    return f'0x{start:x}-0x{end:x}'


def window_arg(start, end):
    return hexw(start, end)


def overlaps(s1, e1, s2, e2):
    return s1 < e2 and s2 < e1


def covered(intervals, start, end):
    """Does the union of (s, e) intervals cover [start, end)?"""
    pos = start
    for s, e in sorted(intervals):
        if s > pos:
            break
        pos = max(pos, e)
        if pos >= end:
            return True
    return pos >= end


def parse_maps(text):
    """/proc/PID/maps lines -> [{'start','end','perms','path'}]."""
    maps = []
    for line in text.splitlines():
        fields = line.split(None, 5)
        if len(fields) < 5:
            continue
        lo, hi = fields[0].split('-')
        maps.append({'start': int(lo, 16), 'end': int(hi, 16), 'perms': fields[1],
                     'path': fields[5] if len(fields) > 5 else None})
    return maps


def mapping_holding(maps, start, end):
    for m in maps:
        if m['start'] <= start and end <= m['end']:
            return m
    return None


def json_doc(text, what):
    """(document, problems)"""
    try:
        return json.loads(text), []
    except ValueError as e:
        return None, [f'{what}: not JSON ({e}): {text[:200]!r}']


def check_record(rec):
    p = []
    for key in ('pid', 'comm', 'device', 'vm', 'mappings', 'madvise_all'):
        if key not in rec:
            p.append(f'record has no {key!r}')
    if p:
        return p
    if rec.get('scripted_ok') is not True:
        p.append(f"scripted phase failed: {rec.get('failure')}")
    if not rec['mappings']:
        p.append('no mappings')
    kinds = {m['kind'] for m in rec['mappings']}
    for k in ('malloc', 'anon', 'file_shared', 'file_private'):
        if k not in kinds:
            p.append(f'no {k} mapping')
    for m in rec['mappings']:
        if m.get('mismatches'):
            p.append(f"{m['name']}: mismatches {m['mismatches']}")
    return p


def check_probes(rec):
    """The accesses the workload made to see what vsvm refuses got what the
    uAPI documents: EFAULT without a CPU mapping, EACCES for atomics where
    the attribute says cpu or the pages cannot move to device memory (file
    pages), EPERM for a forked child using its parent's VM."""
    p, n = [], 0
    for m in rec['mappings']:
        for a in m.get('accesses', []):
            if a.get('expected'):
                n += 1
                if a['result'] != a['expected']:
                    p.append(f"{m['name']}: GPU {a['op']} {hexw(a['start'], a['end'])} gave "
                             f"{a['result']}, expected {a['expected']}")
        fork = m.get('fork')
        if fork:
            n += 1
            if fork.get('child_gpu_access_result') != fork.get('child_gpu_access_expected'):
                p.append(f"fork: the child's GPU access gave "
                         f"{fork.get('child_gpu_access_result')}, expected "
                         f"{fork.get('child_gpu_access_expected')}")
    if not n:
        p.append('the record has no probe')
    return p


def check_record_vs_maps(rec, maps):
    """Every live part of every recorded mapping is inside one CPU mapping."""
    p = []
    for m in rec['mappings']:
        for w in m.get('live', []):
            cpu = mapping_holding(maps, w['start'], w['end'])
            if cpu is None:
                p.append(f"{m['name']} {hexw(w['start'], w['end'])} is in no "
                         f"/proc/PID/maps mapping")
            elif m['kind'].startswith('file') and m.get('file'):
                if not (cpu['path'] or '').startswith(m['file']['path']):
                    p.append(f"{m['name']}: mapped file is {cpu['path']!r}, "
                             f"recorded {m['file']['path']!r}")
        for u in m.get('munmaps', []):
            for cpu in maps:
                if overlaps(cpu['start'], cpu['end'], u['start'], u['end']):
                    p.append(f"{m['name']}: unmapped {hexw(u['start'], u['end'])} "
                             f"is still mapped ({hexw(cpu['start'], cpu['end'])})")
    return p


def check_vm_list(doc, rec):
    """(problems, the workload's VM object or None)"""
    p = []
    vms = doc.get('vms')
    if not isinstance(vms, list):
        return ['no "vms" array'], None
    mine = [v for v in vms if v.get('pid') == rec['pid']]
    if len(mine) != 1:
        return [f"{len(mine)} VMs with pid {rec['pid']} among {len(vms)} (want 1)"], None
    vm = mine[0]
    if vm.get('comm') != rec['comm']:
        p.append(f"comm {vm.get('comm')!r}, workload {rec['comm']!r}")
    card = rec['device'].get('card_minor')
    if card is not None and vm.get('device') != card:
        p.append(f"device {vm.get('device')}, workload's card minor {card}")
    handle = rec['vm'].get('handle')
    if handle is not None and vm.get('vm') != handle:
        p.append(f"vm {vm.get('vm')}, workload's VM id (debugfs) {handle}")
    # vsvm's own handle is the VM's id in its DRM file: the workload's vm_id.
    driver_handle = vm.get('driver_handle')
    if driver_handle is not None and driver_handle != rec['vm'].get('vm_id'):
        p.append(f"driver_handle {driver_handle}, workload's vm_id {rec['vm'].get('vm_id')}")
    cid = rec['vm'].get('client_id')
    if cid is not None and vm.get('client_id') != cid:
        p.append(f"client_id {vm.get('client_id')}, workload's drm-client-id {cid}")
    for m in rec['mappings']:
        if not (vm.get('start', 1) <= m['start'] and m['end'] <= vm.get('end', 0)):
            p.append(f"VM span {vm.get('start')}-{vm.get('end')} misses {m['name']}")
    return p, vm


def expected_attributes(madvise_all, extra=()):
    """The madvise settings still in force: the record's current ones, then
    @extra (the tests' own, in order), each replacing the same attribute
    where the windows overlap. -> [{'start','end','attribute','value',...}]"""
    entries = [dict(e) for e in madvise_all if e.get('result') == 'ok'] + \
              [dict(e) for e in extra]
    out = []
    for i, e in enumerate(entries):
        later = entries[i + 1:]
        if any(l['attribute'] == e['attribute'] and
               overlaps(l['start'], l['end'], e['start'], e['end']) for l in later):
            continue
        out.append(e)
    return out


DEFAULT_ATTRS = {'preferred_location': 'default_device', 'migration_policy': 'all_pages',
                 'atomic_access': 'undefined', 'pat_index': 0}


def vma_mismatch(v, e):
    """Why VMA @v does not show the madvise setting @e, or None."""
    attr = e['attribute']
    if v.get(attr) != e['value']:
        return f"{attr} {v.get(attr)!r}, madvised {e['value']!r}"
    if attr == 'preferred_location':
        if e['value'] == 'pagemap' and v.get('preferred_pagemap') != e.get('preferred_pagemap'):
            return (f"preferred_pagemap {v.get('preferred_pagemap')}, "
                    f"madvised {e.get('preferred_pagemap')}")
        if 'migration_policy' in e and v.get('migration_policy') != e['migration_policy']:
            return (f"migration_policy {v.get('migration_policy')!r}, "
                    f"madvised {e['migration_policy']!r}")
    return None


def vm_vmas(doc, vm):
    return sorted((v for v in doc.get('vmas', [])
                   if v.get('device') == vm['device'] and v.get('vm') == vm['vm']),
                  key=lambda v: v['start'])


def check_vmas(doc, rec, vm, expect, defaults=()):
    """VMAs of the VM: only this VM's, ordered, not overlapping; each setting
    in @expect shown on the whole window; @defaults windows untouched."""
    p = []
    if not isinstance(doc.get('vmas'), list):
        return ['no "vmas" array']
    foreign = [v for v in doc['vmas']
               if (v.get('device'), v.get('vm')) != (vm['device'], vm['vm'])]
    if foreign:
        p.append(f'{len(foreign)} VMAs of other VMs listed for pid {rec["pid"]}')
    vmas = vm_vmas(doc, vm)
    if not vmas:
        return p + ['no VMAs']
    for a, b in zip(vmas, vmas[1:]):
        if a['end'] > b['start']:
            p.append(f"VMAs overlap: {hexw(a['start'], a['end'])} and "
                     f"{hexw(b['start'], b['end'])}")
    for v in vmas:
        if v.get('kind') != 'cpu_mirror':
            p.append(f"VMA {hexw(v['start'], v['end'])} kind {v.get('kind')!r}")
        # vsvm implements xe's madvise: it sends the xe nest of every region.
        if not isinstance(v.get('atomic_access'), str) or not isinstance(v.get('pat_index'), int):
            p.append(f"VMA {hexw(v['start'], v['end'])} lacks xe's attributes: atomic_access "
                     f"{v.get('atomic_access')!r}, pat_index {v.get('pat_index')!r}")
    for e in expect:
        over = [v for v in vmas if overlaps(v['start'], v['end'], e['start'], e['end'])]
        where = f"{e['attribute']} {hexw(e['start'], e['end'])}"
        if not covered([(v['start'], v['end']) for v in over], e['start'], e['end']):
            p.append(f'{where}: not covered by VMAs')
        for v in over:
            why = vma_mismatch(v, e)
            if why:
                p.append(f"{where}: VMA {hexw(v['start'], v['end'])} {why}")
    for s, e in defaults:
        for v in vmas:
            if overlaps(v['start'], v['end'], s, e):
                for k, want in DEFAULT_ATTRS.items():
                    if v.get(k) != want:
                        p.append(f"never madvised {hexw(s, e)}: VMA "
                                 f"{hexw(v['start'], v['end'])} {k} {v.get(k)!r}")
    return p


def untouched_windows(rec):
    """Page-aligned windows of the malloc mapping: no madvise ever touched them."""
    out = []
    for m in rec['mappings']:
        if m['kind'] == 'malloc':
            s = (m['start'] + PAGE - 1) // PAGE * PAGE
            e = m['end'] // PAGE * PAGE
            if s < e:
                out.append((s, e))
    return out


def awaiting_collection(r):
    return bool({'unmapped', 'partial_unmap', 'gc_pending'} & set(r.get('flags', [])))


def check_ranges(doc, rec, vm, maps):
    """Ranges of the VM: each inside one CPU mapping; GPU-touched mappings
    have ranges."""
    p = []
    ranges = doc.get('ranges')
    if not isinstance(ranges, list):
        return ['no "ranges" array']
    if not ranges:
        return ['no ranges']
    for r in ranges:
        if (r.get('device'), r.get('vm')) != (vm['device'], vm['vm']):
            p.append(f"range {hexw(r['start'], r['end'])} of another VM "
                     f"({r.get('device')}, {r.get('vm')})")
            continue
        if r['end'] <= r['start']:
            p.append(f"empty range {hexw(r['start'], r['end'])}")
        if not awaiting_collection(r) and mapping_holding(maps, r['start'], r['end']) is None:
            p.append(f"range {hexw(r['start'], r['end'])} ({r.get('residency')}) is in "
                     f"no /proc/PID/maps mapping")
    for m in rec['mappings']:
        if not m.get('gpu_touched'):
            continue
        if not any(overlaps(r['start'], r['end'], w['start'], w['end'])
                   for r in ranges for w in m.get('live', [])):
            p.append(f"no range in {m['name']} ({m['kind']}), which the GPU accessed")
    return p


def page_sets_of(r, device):
    """The page sets of range @r that are @device's (the pages it maps)."""
    return [ps for ps in r.get('pages') or [] if ps.get('device') == device]


def check_residency(ranges, start, end, want, pagemap=None):
    """All ranges overlapping [start, end) have residency @want and together
    cover the window; with @pagemap, the range's device has its pages of
    it in that pagemap."""
    p = []
    over = [r for r in ranges if overlaps(r['start'], r['end'], start, end)]
    if not over:
        return [f'no range in {hexw(start, end)}']
    for r in over:
        if r.get('residency') != want:
            p.append(f"range {hexw(r['start'], r['end'])} residency "
                     f"{r.get('residency')!r} (flags {','.join(r.get('flags', []))}), "
                     f"want {want!r}")
        elif want == 'device' and pagemap is not None and \
                [ps.get('pagemap') for ps in page_sets_of(r, r.get('device'))] != [pagemap]:
            p.append(f"range {hexw(r['start'], r['end'])}: the pages of card{r.get('device')} "
                     f"are in pagemaps {[ps.get('pagemap') for ps in page_sets_of(r, r.get('device'))]}, "
                     f"want [{pagemap}]")
    if not covered([(r['start'], r['end']) for r in over], start, end):
        p.append(f'ranges do not cover {hexw(start, end)}')
    return p


PAGE_FLAGS = {'unmapped', 'has_devmem_pages', 'has_dma_mapping'}


def check_page_sets(doc, vm):
    """Since Linux 7.3 a range's pages are kept per device: vsvm keeps one
    page set per range, its own (the VM's device), and the range's flags
    and residency are those of that page set with the range's own flags.
    drm_gpusvm's internals (the stale flag, the notifier sequence) stay out
    of the family's uAPI, and so do xe's tile masks (only xe sends its xe
    nest of a range: vsvm's have 0)."""
    p = []
    for r in doc.get('ranges', []):
        where = f"range {hexw(r['start'], r['end'])}"
        sets = r.get('pages')
        if r.get('pages_count') != 1 or not isinstance(sets, list) or len(sets) != 1:
            p.append(f"{where}: pages_count {r.get('pages_count')}, "
                     f"{len(sets) if isinstance(sets, list) else sets} page sets (vsvm keeps one)")
            continue
        ps = sets[0]
        flags = set(ps.get('flags', []))
        if ps.get('device') != vm['device']:
            p.append(f"{where}: its pages are card{ps.get('device')}'s, not the VM's "
                     f"card{vm['device']}")
        if flags - PAGE_FLAGS:
            p.append(f"{where}: page set flags {sorted(flags - PAGE_FLAGS)} of a range")
        if flags != set(r.get('flags', [])) & PAGE_FLAGS:
            p.append(f"{where}: page set flags {sorted(flags)}, range flags {r.get('flags')}")
        devmem = 'has_devmem_pages' in flags
        if devmem != (ps.get('pagemap') is not None):
            p.append(f"{where}: pagemap {ps.get('pagemap')} with flags {sorted(flags)}")
        if ps.get('notifier_seq') is not None or 'stale' in r.get('flags', []):
            p.append(f"{where}: drm_gpusvm internals reported (notifier_seq "
                     f"{ps.get('notifier_seq')}, flags {r.get('flags')})")
        if (r.get('tile_present'), r.get('tile_invalidated')) != (0, 0):
            p.append(f"{where}: tile masks {r.get('tile_present')}/{r.get('tile_invalidated')} "
                     f"from vsvm, which has no tiles")
    return p


def check_devmem_pages(vms_doc, ranges_doc, vm):
    """The VM's devmem_pages is the number of its page sets in device memory."""
    mine = [v for v in vms_doc.get('vms', [])
            if (v.get('device'), v.get('vm')) == (vm['device'], vm['vm'])]
    if len(mine) != 1:
        return [f'{len(mine)} VMs {vm["device"]}/{vm["vm"]}']
    n = sum('has_devmem_pages' in ps.get('flags', [])
            for r in ranges_doc.get('ranges', []) for ps in r.get('pages') or [])
    if mine[0].get('devmem_pages') != n:
        return [f"devmem_pages {mine[0].get('devmem_pages')}, but range show lists {n} "
                "page sets in device memory"]
    return []


def check_no_ranges(ranges, windows):
    p = []
    for s, e in windows:
        for r in ranges:
            if overlaps(r['start'], r['end'], s, e):
                p.append(f"range {hexw(r['start'], r['end'])} "
                         f"({','.join(r.get('flags', []))}) overlaps unmapped {hexw(s, e)}")
    return p


def find_pagemap(doc, rec):
    card = rec['device'].get('card_minor')
    for pm in doc.get('pagemaps', []) if isinstance(doc, dict) else []:
        if pm.get('id') == rec['device']['pagemap_id'] and \
                (card is None or pm.get('device') == card):
            return pm
    return None


def stat_of(pm, path):
    v = pm.get('stats') or {}
    for k in path.split('.'):
        v = v.get(k) if isinstance(v, dict) else None
    return v


def check_pagemap_grew(doc, rec, before_doc, counters):
    """The workload's pagemap is listed and each counter is above its value
    in @before_doc (0 when the pagemap was not there: vsvm creates it with
    the first open file)."""
    pm = find_pagemap(doc, rec)
    if pm is None:
        return [f"no pagemap {rec['device']['pagemap_id']} of device "
                f"{rec['device'].get('card_minor')} among "
                f"{[(x.get('device'), x.get('id')) for x in doc.get('pagemaps', [])]}"]
    old = find_pagemap(before_doc, rec) if before_doc else None
    p = []
    for c in counters:
        now = stat_of(pm, c)
        was = stat_of(old, c) if old else 0
        if not isinstance(now, int):
            p.append(f'{c} is {now!r}')
        elif now <= (was or 0):
            p.append(f'{c} {now}, not above {was}')
    return p


def check_pagemap_same(doc, rec, before_doc, counters):
    """Each counter of the workload's pagemap is where it was in @before_doc."""
    pm, old = find_pagemap(doc, rec), find_pagemap(before_doc, rec)
    if pm is None or old is None:
        return [f"pagemap {rec['device']['pagemap_id']} missing"]
    return [f'{c} {stat_of(pm, c)}, was {stat_of(old, c)}'
            for c in counters if stat_of(pm, c) != stat_of(old, c)]


def family_part(doc):
    """A copy of a -j document with only what both sources report: the
    family reports no drm_gpusvm internals (the stale flag, the notifier
    sequence), which debugfs shows, and debugfs no attribute resets nor
    the driver's handle of a VM (null)."""
    doc = json.loads(json.dumps(doc))
    for vm in doc.get('vms', []):
        vm.pop('attr_resets', None)
        vm.pop('driver_handle', None)
    for r in doc.get('ranges', []):
        r['flags'] = [f for f in r.get('flags', []) if f != 'stale']
        for ps in r.get('pages') or []:
            ps['flags'] = [f for f in ps.get('flags', []) if f != 'stale']
            ps['notifier_seq'] = None
    return doc


def compare_views(a, b, key):
    """Two -j documents of the same view from different sources (netlink
    @a, debugfs @b): equal in what both report, and not trivially (the
    view lists something)."""
    if not a.get(key):
        return [f'no {key} listed']
    a, b = family_part(a), family_part(b)
    if a == b:
        return []
    x, y = a.get(key, []), b.get(key, [])
    if len(x) != len(y):
        return [f'{len(x)} {key} from netlink, {len(y)} from debugfs']
    for i, (p, q) in enumerate(zip(x, y)):
        if p != q:
            return [f'{key}[{i}] differs: netlink {p}, debugfs {q}']
    return [f'documents differ outside {key}: {sorted(set(a) ^ set(b))}']


def device_pages(ranges, start, end):
    """Base pages of the device-resident ranges overlapping [start, end)."""
    return sum((r['end'] - r['start']) // PAGE for r in ranges
               if r.get('residency') == 'device' and overlaps(r['start'], r['end'], start, end))


def parse_event_lines(text):
    events, p = [], []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            events.append(json.loads(line))
        except ValueError:
            p.append(f'monitor line {n} is not JSON: {line[:120]!r}')
    return events, p


def check_events(events, pid, maps, want_types):
    """Events of the workload only, of the wanted types among them, fault
    and migrate windows inside its CPU mappings."""
    p = []
    if not events:
        return ['no events']
    others = [e for e in events if e.get('pid') != pid]
    if others:
        p.append(f'{len(others)} events of other pids '
                 f'({sorted({e.get("pid") for e in others}, key=str)[:5]})')
    types = {e.get('type') for e in events}
    for t in want_types:
        if t not in types:
            p.append(f'no {t!r} event (saw {sorted(types, key=str)})')
    for e in events:
        if e.get('type') in ('fault', 'migrate') and e.get('start') is not None:
            if mapping_holding(maps, e['start'], e['end']) is None:
                p.append(f"{e['type']} event {hexw(e['start'], e['end'])} is in no "
                         f"mapping of the workload")
    return p


def check_fault_after_migrate(events):
    """A GPU fault serviced right after a migration of its range to device
    memory reports that pagemap, unless a migration back to RAM (an
    eviction the fault handler made, reported as such) comes between: the
    fault says where the data ended up, and nothing moved it unseen. Other
    event types may interleave (invalidations are reported by a worker)."""
    p, placed = [], {}
    for e in events:
        if e.get('start') is None or e.get('result'):
            continue
        window = (e['start'], e['end'])
        if e.get('type') == 'migrate':
            placed[window] = e.get('pagemap') if e.get('direction') == 'to_device' else None
        elif e.get('type') == 'fault' and window in placed:
            want = placed.pop(window)
            if e.get('pagemap') != want:
                p.append(f'fault {hexw(*window)} reports pagemap {e.get("pagemap")}, '
                         f'right after a migration to pagemap {want}')
    return p[:5] + ([f'... {len(p) - 5} more'] if len(p) > 5 else [])


def check_event_numbers(events):
    """Every live event carries its device's number (seq), increasing per
    device; monitor shows one pid's events, so numbers may skip the others'."""
    p, last = [], {}
    for e in events:
        seq = e.get('seq')
        if not isinstance(seq, int) or seq < 1:
            p.append(f"{e.get('type')} event without a number: seq {seq!r}")
            continue
        dev = e.get('device')
        if dev in last and seq <= last[dev]:
            p.append(f'device {dev}: event number {seq} after {last[dev]}')
        last[dev] = seq
    return p[:5] + ([f'... {len(p) - 5} more'] if len(p) > 5 else [])


def check_error(res, rcs, words, json_mode=True):
    """A refused command: exit status in @rcs, nothing on stdout (-j), an
    error on stderr mentioning one of @words."""
    p = []
    if res.rc not in rcs:
        p.append(f'exit status {res.rc}, want {" or ".join(map(str, rcs))}')
    if json_mode and res.out.strip():
        p.append(f'stdout not empty: {res.out[:120]!r}')
    msg = res.err.strip()
    if json_mode and msg:
        doc, jp = json_doc(msg.splitlines()[-1], 'stderr')
        if jp:
            p += jp
        else:
            msg = str((doc.get('error') or {}).get('message', ''))
            if (doc.get('error') or {}).get('status') != res.rc:
                p.append(f'error status {(doc.get("error") or {}).get("status")} '
                         f'is not the exit status {res.rc}')
    if not msg:
        p.append('no error message')
    elif words and not any(w.lower() in msg.lower() for w in words):
        p.append(f'message does not mention {" or ".join(words)}: {msg[:200]!r}')
    return p


def check_ok_doc(res, key):
    """(document, problems): exit 0 and a JSON object with @key."""
    if res.rc != 0:
        return None, [f'exit status {res.rc}: {res.err.strip()[:300]}']
    doc, p = json_doc(res.out, ' '.join(res.argv[1:4]))
    if doc is not None and key not in doc:
        p.append(f'no {key!r} in the output')
    return doc, p


def vmas_outside(doc, vm, windows):
    """The VMAs of the VM with the parts inside @windows cut away, for
    comparing everything a change must not have touched."""
    out = []
    for v in vm_vmas(doc, vm):
        pieces = [(v['start'], v['end'])]
        for s, e in windows:
            nxt = []
            for a, b in pieces:
                if not overlaps(a, b, s, e):
                    nxt.append((a, b))
                    continue
                if a < s:
                    nxt.append((a, s))
                if e < b:
                    nxt.append((e, b))
            pieces = nxt
        attrs = tuple(v.get(k) for k in ('kind', 'preferred_location', 'preferred_pagemap',
                                         'migration_policy', 'atomic_access', 'pat_index'))
        out += [(a, b) + attrs for a, b in pieces]
    # Adjacent equal pieces are one (a split or merge elsewhere is no change).
    merged = []
    for piece in out:
        if merged and merged[-1][1] == piece[0] and merged[-1][2:] == piece[2:]:
            merged[-1] = (merged[-1][0], piece[1]) + piece[2:]
        else:
            merged.append(piece)
    return merged


def check_unchanged(before, after, vm, windows=()):
    a, b = vmas_outside(before, vm, windows), vmas_outside(after, vm, windows)
    if a == b:
        return []
    diff = [x for x in b if x not in a][:3]
    return [f'VMAs changed: {len(a)} pieces before, {len(b)} after; new: '
            + ', '.join(f'{hexw(d[0], d[1])} {d[2:]}' for d in diff)]


# --------------------------------------------------------------------------
# Running things

class Result:
    def __init__(self, argv, rc, out, err):
        self.argv, self.rc, self.out, self.err = argv, rc, out, err

    def __repr__(self):
        return f'<{" ".join(self.argv)}: {self.rc}>'


class Env:
    def __init__(self, build, tap):
        self.build = build
        self.tap = tap
        self.xesvmctl = os.path.join(build, 'xesvmctl', 'xesvmctl')
        self.workload = os.path.join(build, 'tests', 'e2e', 'vsvm-workload')
        self.tmp = tempfile.mkdtemp(prefix='xesvm-e2e.')
        os.chmod(self.tmp, 0o755)
        self.unpriv = None
        self.procs = []
        self.node_modes = []
        self.env = dict(os.environ, NO_COLOR='1', XESVM_SOURCE='netlink')
        # What the -j outputs of the run broke of xesvm-json(7) (schema_check()).
        self.schema_problems = []
        self.schema_checked = 0

    def schema_check(self, argv, out):
        """Checks a successful -j output against the schema; see schema_test()."""
        if not out.strip():
            return
        self.schema_checked += 1
        try:
            self.schema_problems += xesvm_schema.problems(out, ' '.join(argv[1:])[:120])
        except xesvm_schema.Unavailable as e:
            if str(e) not in self.schema_problems:
                self.schema_problems.append(str(e))

    def cmd(self, name, **kw):
        return [a.format(**kw) for a in COMMANDS[name]]

    def run(self, args, user=None, timeout=TIMEOUT, binary=None, source=None):
        argv = [binary or self.xesvmctl] + list(args)
        if user:
            argv = self.unpriv + argv
        env = dict(self.env, XESVM_SOURCE=source) if source else self.env
        try:
            cp = subprocess.run(argv, capture_output=True, text=True,
                                timeout=timeout, env=env, cwd=self.tmp)
            if cp.returncode == 0 and ('-j' in args or '-p' in args):
                self.schema_check(argv, cp.stdout)
            return Result(argv, cp.returncode, cp.stdout, cp.stderr)
        except subprocess.TimeoutExpired as e:
            return Result(argv, 'timeout', e.stdout or '', f'timed out after {timeout} s')

    def xrun(self, name, user=None, **kw):
        return self.run(self.cmd(name, **kw), user=user)

    def cleanup(self):
        for p in self.procs:
            if p.poll() is None:
                p.terminate()
                try:
                    p.wait(20)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()
        for path, mode in self.node_modes:
            try:
                os.chmod(path, mode)
            except OSError:
                pass
        shutil.rmtree(self.tmp, ignore_errors=True)


class Workload:
    """A vsvm-workload in hold mode and its record."""

    def __init__(self, env, name, user=None, extra_env=None):
        self.env = env
        self.dir = os.path.join(env.tmp, name)
        os.mkdir(self.dir)
        if user:
            os.chmod(self.dir, 0o777)
        self.record_path = os.path.join(self.dir, 'record.json')
        self.ready_path = os.path.join(self.dir, 'ready')
        self.err_path = os.path.join(self.dir, 'stderr')
        argv = [env.workload, '--hold', '--record', self.record_path,
                '--ready', self.ready_path, '--tmpdir', self.dir]
        argv = getattr(env, 'wrap', []) + argv
        if user:
            argv = env.unpriv + argv
        with open(self.err_path, 'w') as err:
            self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                                         stdout=subprocess.DEVNULL, stderr=err,
                                         cwd=self.dir,
                                         env=dict(os.environ, **(extra_env or {})))
        env.procs.append(self.proc)
        self.pid = self.proc.pid     # runuser forks: wait_ready() takes the record's
        self.rec = None

    def stderr(self):
        try:
            with open(self.err_path) as f:
                return f.read().strip()
        except OSError:
            return ''

    def wait_ready(self, timeout=READY_TIMEOUT):
        """[] or problems"""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if os.path.exists(self.ready_path):
                self.rec = self.read_record()
                self.pid = self.rec['pid']
                return []
            if self.proc.poll() is not None:
                return [f'exited with status {self.proc.returncode} before ready: '
                        f'{self.stderr()[:500]}']
            time.sleep(0.2)
        return [f'not ready after {timeout} s: {self.stderr()[:300]}']

    def read_record(self):
        with open(self.record_path) as f:
            return json.load(f)

    def maps(self):
        with open(f'/proc/{self.pid}/maps') as f:
            return parse_maps(f.read())

    def signal_and_wait(self, sig, answer, what, timeout=READY_TIMEOUT):
        """Send @sig, then wait until @answer(record) is not None: (that
        value, problems). The record read last becomes self.rec."""
        os.kill(self.pid, sig)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                rec = self.read_record()
            except (OSError, ValueError):
                rec = {}
            got = answer(rec)
            if got is not None:
                self.rec = rec
                return got, []
            if self.proc.poll() is not None:
                return None, [f'exited with status {self.proc.returncode}: '
                              f'{self.stderr()[:300]}']
            time.sleep(0.2)
        return None, [f'{what} after {timeout} s']

    def verify(self, timeout=READY_TIMEOUT):
        """SIGUSR1, then the new verification entry (or None) and problems."""
        n = len(self.read_record().get('verifications', []))

        def new_entry(rec):
            ver = rec.get('verifications', [])
            return ver[n] if len(ver) > n else None
        return self.signal_and_wait(signal.SIGUSR1, new_entry, 'no verification', timeout)

    def unmap_reset_half(self, timeout=READY_TIMEOUT):
        """SIGUSR2, then the window it unmapped (or None) and problems."""
        return self.signal_and_wait(signal.SIGUSR2, lambda rec: rec.get('reset_unmapped'),
                                    'nothing unmapped', timeout)

    def atomic_then_cpu(self, timeout=READY_TIMEOUT):
        """SIGRTMIN, then the new atomic_then_cpu entry (or None) and problems."""
        n = len(self.read_record().get('atomic_then_cpu', []))

        def new_entry(rec):
            runs = rec.get('atomic_then_cpu', [])
            return runs[n] if len(runs) > n else None
        return self.signal_and_wait(signal.SIGRTMIN, new_entry, 'no atomic_then_cpu entry',
                                    timeout)

    def stop(self, timeout=120):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return 'timeout'


def check_verification(ver, rec):
    """A SIGUSR1 verification: everything ok, checksums as when scripted
    (except the buffer SIGUSR1 itself rewrites)."""
    p = []
    if not ver.get('ok'):
        p.append(f"not ok: {ver.get('failure')}")
    scripted = {m['name']: m for m in rec['mappings']}
    for m in ver.get('mappings', []):
        if m['cpu'] != 'ok':
            p.append(f"{m['name']}: CPU {m['cpu']}")
        if m['gpu'] not in ('ok', 'not_checked'):
            p.append(f"{m['name']}: GPU {m['gpu']}")
        s = scripted.get(m['name'])
        if s and not s.get('changes_on_poke') and \
                m['checksum'] != s['checksum']['value']:
            p.append(f"{m['name']}: checksum {m['checksum']}, scripted "
                     f"{s['checksum']['value']}")
    if len(ver.get('mappings', [])) != len(rec['mappings']):
        p.append('not every mapping verified')
    if not (ver.get('poke') or {}).get('ok'):
        p.append(f"poke failed: {ver.get('poke')}")
    return p


# --------------------------------------------------------------------------
# The tests

def dead_pid():
    """A pid no process has: one that just exited."""
    p = subprocess.Popen(['true'])
    p.wait()
    return p.pid


def residency_claims(rec):
    return [(m['name'], w) for m in rec['mappings'] for w in m.get('residency', [])]


def munmapped(rec):
    return [(u['start'], u['end']) for m in rec['mappings'] for u in m.get('munmaps', [])]


def setup_unprivileged(env):
    """The command prefix for nobody, and a reason if there is none."""
    if os.geteuid() != 0:
        return None, 'not running as root'
    reason = 'neither setpriv nor runuser is installed'
    for prefix in (UNPRIV_SETPRIV, UNPRIV_RUNUSER):
        if shutil.which(prefix[0]):
            env.unpriv = prefix
            r = env.run(env.cmd('version'), user='nobody')
            if r.rc == 0:
                return prefix, None
            reason = f'{prefix[0]}: nobody cannot run {env.xesvmctl}: {r.err.strip()[:200]}'
    env.unpriv = None
    return None, reason


def open_render_nodes(env, rec):
    """Render nodes are 0600 root in a guest without udev: let nobody open
    the vsvm node for the own-process checks (restored at the end)."""
    node = rec['device']['node']
    st = os.stat(node)
    env.node_modes.append((node, stat.S_IMODE(st.st_mode)))
    os.chmod(node, 0o666)


def run_live(build):
    tap = Tap()
    env = Env(build, tap)
    try:
        return live_tests(env, tap)
    finally:
        env.cleanup()


def live_tests(env, tap):
    for path in (env.xesvmctl, env.workload):
        if not os.access(path, os.X_OK):
            tap.check(f'{path} exists', [f'{path} is not executable (build first)'])
            return tap.finish()
    if not os.path.exists('/sys/module/vsvm'):
        subprocess.run(['modprobe', '-q', 'vsvm'], check=False)

    tap.comment(f'xesvmctl: {env.xesvmctl}; workload: {env.workload}; tmp: {env.tmp}')
    base_pm = env.xrun('pagemap_show')
    baseline, _ = json_doc(base_pm.out, 'pagemap show') if base_pm.rc == 0 else (None, [])

    # ---- the workload
    wl = Workload(env, 'root')
    if not tap.check('workload holds after its scripted phase', wl.wait_ready()):
        return tap.finish()
    rec = wl.rec
    pid = rec['pid']
    tap.comment(f"workload pid {pid}, device {rec['device']}, vm {rec['vm']}")
    tap.check('record: scripted phase complete, every mapping kind, no mismatch',
              check_record(rec) + ([] if pid == wl.proc.pid else
                                   [f'recorded pid {pid} is not {wl.proc.pid}']))
    maps = wl.maps()
    tap.check('record matches /proc/PID/maps (live parts mapped, holes unmapped)',
              check_record_vs_maps(rec, maps))
    tap.check('vsvm refused what its uAPI says (hole EFAULT, atomics EACCES, child EPERM)',
              check_probes(rec))

    # ---- vm show
    res = env.xrun('vm_show')
    doc, p = check_ok_doc(res, 'vms')
    vm = None
    if doc is not None:
        q, vm = check_vm_list(doc, rec)
        p += q
    tap.check('vm show: the workload\'s VM with its pid, comm, device, id, driver handle and '
              'client', p)
    if vm is None:
        tap.comment('no VM: the remaining checks need it')
        wl.stop()
        return tap.finish()
    res = env.xrun('vm_show_pid', pid=pid)
    doc, p = check_ok_doc(res, 'vms')
    if doc is not None and [v.get('pid') for v in doc['vms']] != [pid]:
        p.append(f"pid filter gave pids {[v.get('pid') for v in doc['vms']]}")
    tap.check('vm show pid PID: exactly that VM', p)

    # ---- vma show
    res = env.xrun('vma_show_pid', pid=pid)
    vmas0, p = check_ok_doc(res, 'vmas')
    if vmas0 is not None:
        p += check_vmas(vmas0, rec, vm, expected_attributes(rec['madvise_all']),
                        untouched_windows(rec))
    tap.check(f"vma show pid PID: attributes of the {len(rec['madvise_all'])} madvise calls, "
              'defaults elsewhere', p)

    # ---- range show
    res = env.xrun('range_show_pid', pid=pid)
    ranges, p = check_ok_doc(res, 'ranges')
    if ranges is not None:
        p += check_ranges(ranges, rec, vm, maps)
    tap.check('range show pid PID: ranges inside the workload\'s CPU mappings', p)
    if ranges is not None:
        tap.check('range show pid PID: each range has one page set, of vsvm\'s card, '
                  'whose flags and pagemap say where its pages are',
                  check_page_sets(ranges, vm))
        res = env.xrun('vm_show_pid', pid=pid)
        doc, p = check_ok_doc(res, 'vms')
        if doc is not None:
            p += check_devmem_pages(doc, ranges, vm)
        tap.check('vm show pid PID: devmem_pages counts the page sets in device memory', p)
    for name, w in residency_claims(rec):
        if ranges is None:
            break
        tap.check(f"range show: {name} {hexw(w['start'], w['end'])} residency {w['residency']}",
                  check_residency(ranges['ranges'], w['start'], w['end'], w['residency'],
                                  w.get('pagemap')))
    res = env.xrun('range_show_win', pid=pid,
                   window=window_arg(rec['mappings'][0]['start'], rec['mappings'][0]['end']))
    doc, p = check_ok_doc(res, 'ranges')
    if doc is not None:
        m0 = rec['mappings'][0]
        outside = [r for r in doc['ranges']
                   if not overlaps(r['start'], r['end'], m0['start'], m0['end'])]
        if outside or not doc['ranges']:
            p.append(f"{len(doc['ranges'])} ranges, {len(outside)} outside the window")
    tap.check('range show pid PID addr WINDOW: only ranges overlapping the window', p)

    # ---- the same VM read from the SVM debugfs files: the same model
    for name, key in (('vm_show_pid', 'vms'), ('vma_show_pid', 'vmas'),
                      ('range_show_pid', 'ranges')):
        a = env.xrun(name, pid=pid)
        b = env.run(env.cmd(name, pid=pid), source='debugfs')
        da, p = check_ok_doc(a, key)
        db, q = check_ok_doc(b, key)
        p += q
        if da is not None and db is not None:
            p += compare_views(da, db, key)
        tap.check(f'{" ".join(COMMANDS[name][1:3])} pid PID: netlink and debugfs views agree', p)

    # ---- pagemap show
    res = env.xrun('pagemap_show')
    pm0, p = check_ok_doc(res, 'pagemaps')
    if pm0 is not None:
        p += check_pagemap_grew(pm0, rec, baseline,
                                ['to_device.count', 'to_device.pages', 'to_ram.pages',
                                 'device_pages_in_use'])
    tap.check('pagemap show: the device\'s pagemap, migration counters increased', p)

    # The halves of anon_2m: the workload put the first in its pagemap
    # (madvise pagemap, prefetch) and the second in system memory (madvise
    # system); the tests move both.
    anon = next((m for m in rec['mappings'] if m['name'] == 'anon_2m'), None)
    if anon is None:
        tap.check('record has the anon_2m mapping', ['missing'])
        wl.stop()
        return tap.finish()
    w1 = (anon['start'], anon['start'] + 2 * M)
    w2 = (anon['start'] + 2 * M, anon['start'] + 4 * M)

    # ---- bad input: clear errors, nothing changed
    some = w1
    gone = dead_pid()
    for name, kw in (('gc', {}), ('madvise_system', {'window': window_arg(*some)}),
                     ('vma_show_pid', {})):
        res = env.xrun(name, pid=gone, **kw)
        if name == 'vma_show_pid' and res.rc == 0:
            # A listing filtered by a pid without VMs may be empty.
            doc, p = json_doc(res.out, 'vma show')
            if doc is not None and doc.get('vmas'):
                p.append(f"{len(doc['vmas'])} VMAs for a pid that does not exist")
            tap.check(f'{" ".join(COMMANDS[name][1:3])} of an unknown pid: nothing listed', p)
            continue
        tap.check(f'{" ".join(COMMANDS[name][1:3])} of an unknown pid {gone}: exit 1 or 2, '
                  'clear message', check_error(res, (1, 2), [str(gone), 'not running', 'no vm']))
    s = some[0]
    bad = [
        ('madvise_system', {'window': f'0x{s + 1:x}+4K'}, (1,), 'unaligned window',
         ['align']),
        ('migrate_system', {'window': '0xfffffffffffff000+8K'}, (1,), 'wrapping window',
         ['wrap', 'overflow', 'window', 'outside']),
        ('range_show_win', {'window': f'0x{s + 0x2000:x}-0x{s:x}'}, (1,), 'reversed window',
         ['window', 'revers', 'empty']),
        ('madvise_pat', {'window': window_arg(*some), 'pat': 70000}, (1,),
         'PAT index out of range', ['pat', 'range', '65535']),
        ('madvise_no_attr', {'window': window_arg(*some)}, (1,), 'madvise without attribute',
         ['attribute']),
        ('migrate_pagemap', {'window': window_arg(*some), 'pagemap': 987654}, (1, 2),
         'migrate to a pagemap the device does not have', ['pagemap']),
        ('madvise_atomic_pat', {'window': window_arg(*some), 'pat': rec['device']['pat_entries']},
         (1, 2), 'madvise atomic + a PAT index the driver refuses', ['pat', 'invalid']),
    ]
    for name, kw, rcs, what, words in bad:
        res = env.xrun(name, pid=pid, **kw)
        tap.check(f'{what}: exit {" or ".join(map(str, rcs))}, clear message',
                  check_error(res, rcs, words))
    res = env.xrun('vma_show_pid', pid=pid)
    doc, p = check_ok_doc(res, 'vmas')
    if doc is not None:
        p += check_unchanged(vmas0, doc, vm)
    tap.check('after the refused commands the VMAs are unchanged (nothing half applied)', p)

    # ---- madvise, migrate by their effects
    res = env.xrun('madvise_system', pid=pid, window=window_arg(*w1))
    doc, p = check_ok_doc(res, 'madvise')
    if doc is not None:
        mv = doc['madvise']
        if mv.get('pid') != pid:
            p.append(f"madvise pid {mv.get('pid')}")
        after = [v for v in mv.get('after', []) if overlaps(v['start'], v['end'], *w1)]
        if not covered([(v['start'], v['end']) for v in after], *w1) or \
                any(v.get('preferred_location') != 'system' for v in after):
            p.append(f'"after" does not show system on the window: {after}')
        before = [v for v in mv.get('before', []) if overlaps(v['start'], v['end'], *w1)]
        if not before or any(v.get('preferred_location') != 'pagemap' for v in before):
            p.append(f'"before" does not show the workload\'s pagemap setting: {before}')
    tap.check(f'madvise pid PID {window_arg(*w1)} preferred-location system', p)
    mine = {'start': w1[0], 'end': w1[1], 'attribute': 'preferred_location', 'value': 'system',
            'migration_policy': 'all_pages'}
    res = env.xrun('vma_show_pid', pid=pid)
    vmas1, p = check_ok_doc(res, 'vmas')
    if vmas1 is not None:
        p += check_vmas(vmas1, rec, vm, expected_attributes(rec['madvise_all'], [mine]))
        p += check_unchanged(vmas0, vmas1, vm, [w1])
    tap.check('vma show after madvise: system on the window, the rest unchanged', p)

    # ---- migrate to system memory, checked against what range show saw just
    # before: the pages reported moved are the window's device pages, and the
    # pagemap's to_ram counters grow exactly when there were some. The poke
    # buffer is the window known to be in device memory (test above).
    poke = next((m for m in rec['mappings'] if m['name'] == 'poke'), None)
    targets = [(w1, 'after madvise system', False)]
    if poke is not None:
        targets.append(((poke['start'], poke['end']), 'the poke buffer', True))
    for w, what, must_move in targets:
        res = env.xrun('range_show_win', pid=pid, window=window_arg(*w))
        rs, p = check_ok_doc(res, 'ranges')
        dev_pages = device_pages(rs['ranges'], *w) if rs is not None else None
        if must_move and dev_pages == 0:
            p.append('no device pages in the window before the migration')
        pm_before = env.xrun('pagemap_show')
        pm_before = json_doc(pm_before.out, 'pagemap')[0] if pm_before.rc == 0 else None
        res = env.xrun('migrate_system', pid=pid, window=window_arg(*w))
        doc, q = check_ok_doc(res, 'migrate')
        p += q
        if doc is not None:
            mg = doc['migrate']
            if dev_pages is not None and mg.get('pages') != dev_pages:
                p.append(f"pages moved {mg.get('pages')}, but range show had {dev_pages} "
                         "device pages there")
            if mg.get('ranges_failed') or mg.get('first_error'):
                p.append(f"failures: {mg.get('ranges_failed')} {mg.get('first_error')}")
        tap.check(f'migrate pid PID {window_arg(*w)} to system ({what}): '
                  f'pages moved = device pages before ({dev_pages})', p)
        res = env.xrun('range_show_win', pid=pid, window=window_arg(*w))
        doc, p = check_ok_doc(res, 'ranges')
        if doc is not None:
            p += check_residency(doc['ranges'], *w, 'system')
        tap.check(f'range show after migrate ({what}): residency system', p)
        res = env.xrun('pagemap_show')
        doc, p = check_ok_doc(res, 'pagemaps')
        if doc is not None and dev_pages:
            p += check_pagemap_grew(doc, rec, pm_before, ['to_ram.count', 'to_ram.pages'])
        elif doc is not None and pm_before is not None:
            p += check_pagemap_same(doc, rec, pm_before, ['to_ram.count', 'to_ram.pages'])
        tap.check(f'pagemap show after migrate ({what}): to_ram counters '
                  f'{"increased" if dev_pages else "unchanged"}', p)

    res = env.xrun('migrate_pagemap', pid=pid, window=window_arg(*w2),
                   pagemap=rec['device']['pagemap_id'])
    doc, p = check_ok_doc(res, 'migrate')
    if doc is not None and (not isinstance(doc['migrate'].get('pages'), int)
                            or doc['migrate']['pages'] <= 0):
        p.append(f"pages moved {doc['migrate'].get('pages')}")
    tap.check(f'migrate pid PID {window_arg(*w2)} to pagemap {rec["device"]["pagemap_id"]}', p)
    res = env.xrun('range_show_win', pid=pid, window=window_arg(*w2))
    doc, p = check_ok_doc(res, 'ranges')
    if doc is not None:
        p += check_residency(doc['ranges'], *w2, 'device', rec['device']['pagemap_id'])
    tap.check('range show after migrate to the pagemap: residency device', p)

    # ---- gc
    holes = munmapped(rec)
    res = env.xrun('gc', pid=pid)
    doc, p = check_ok_doc(res, 'gc')
    if doc is not None:
        g = doc['gc']
        if g.get('pid') != pid:
            p.append(f"gc pid {g.get('pid')}")
        if not isinstance(g.get('ranges'), int) or not isinstance(g.get('bytes'), int) or \
                (g['ranges'] == 0) != (g['bytes'] == 0) or g['ranges'] < 0:
            p.append(f"ranges {g.get('ranges')} bytes {g.get('bytes')}")
    tap.check('gc pid PID: a report of what was collected', p)
    res = env.xrun('range_show_pid', pid=pid)
    doc, p = check_ok_doc(res, 'ranges')
    if doc is not None:
        if not holes:
            p.append('the record has no munmap')
        p += check_no_ranges(doc['ranges'], holes)
    tap.check('range show after gc: no range in the munmapped windows', p)

    # ---- monitor while the workload is poked
    monitor_tests(env, tap, wl, rec)

    # ---- unprivileged; after the residency checks, since nobody's own
    # workload competes for the device memory
    prefix, why = setup_unprivileged(env)
    vmas_now, p = check_ok_doc(env.xrun('vma_show_pid', pid=pid), 'vmas')
    if prefix is None or vmas_now is None:
        for what in ('nobody: vma show of root\'s workload refused',
                     'nobody: vm show leaves root\'s VM out',
                     'nobody: madvise refused, nothing changed',
                     'nobody: migrate refused', 'nobody: monitor refused',
                     'nobody: own workload readable, changes refused'):
            tap.skip(what, why or f'no VMAs to compare with: {p}')
    else:
        unprivileged_tests(env, tap, rec, vm, vmas_now, w1)

    # ---- a VM that goes away while it is dumped
    vanishing_vm_test(env, tap)

    # ---- the garbage collector resets the attributes of what was unmapped
    attr_reset_test(env, tap, wl)

    # ---- a CPU read inside the atomic timeslice waits, and says so
    cpu_deferred_test(env, tap, wl, rec)

    # ---- the data, then the end
    ver, p = wl.verify()
    if ver is not None:
        p += check_verification(ver, wl.rec)
    tap.check('SIGUSR1: the workload\'s data verified intact (CPU and GPU)', p)
    rc = wl.stop()
    tap.check('SIGTERM: the workload exits 0',
              [] if rc == 0 else [f'exit status {rc}: {wl.stderr()[:300]}'])
    res = env.xrun('vm_show')
    doc, p = check_ok_doc(res, 'vms')
    if doc is not None and any(v.get('pid') == pid for v in doc['vms']):
        p.append('the exited workload\'s VM is still listed')
    tap.check('vm show after the workload exited: its VM is gone', p)
    schema_test(env, tap)
    return tap.finish()


def finish(proc, timeout):
    """(stdout, stderr, exit status or 'timeout') of a process started with
    text pipes, killed when it runs longer than @timeout seconds."""
    try:
        out, err = proc.communicate(timeout=timeout)
        return out, err, proc.returncode
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        return out, err, 'timeout'


def start_monitor(env, event_type, pid, count, seconds):
    """(argv, process) of `monitor -j [EVENT_TYPE] pid PID` (every type when
    @event_type is None) started in the background with text pipes, once it
    has had time to subscribe."""
    if event_type is None:
        argv = [env.xesvmctl] + env.cmd('monitor', pid=pid, count=count, seconds=seconds)
    else:
        argv = [env.xesvmctl] + env.cmd('monitor_type', type=event_type, pid=pid,
                                        count=count, seconds=seconds)
    mon = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                           env=env.env, stdin=subprocess.DEVNULL)
    env.procs.append(mon)
    time.sleep(3)       # subscribed by then, also on TCG
    return argv, mon


def check_attr_reset(reset, window, what):
    """@reset (an attr_resets element or an attr_reset event) is the reset
    of @window, split from the madvised VMA, preferred location system."""
    if not isinstance(reset, dict):
        return [f'{what}: no reset ({reset!r})']
    p = []
    if (reset.get('start'), reset.get('end')) != (window['start'], window['end']):
        p.append(f"{what}: window {reset.get('start')}-{reset.get('end')}, "
                 f"want {window['start']}-{window['end']}")
    if reset.get('split') is not True:
        p.append(f"{what}: split {reset.get('split')!r}, want true (half of the VMA)")
    before = reset.get('before') or {}
    if before.get('preferred_location') != 'system':
        p.append(f"{what}: before {before}, want preferred_location system")
    return p


def attr_reset_test(env, tap, wl):
    """SIGUSR2: the workload unmaps the upper half of reset_4m, which it
    madvised to system memory and the GPU wrote (two 2 MiB ranges). The
    garbage collector splits the VMA, resets the unmapped half, and
    monitor, gc, vm show and explain say so."""
    pid = wl.pid
    argv, mon = start_monitor(env, 'attr-reset', pid, count=1, seconds=120)
    window, p = wl.unmap_reset_half()
    if window is None:
        tap.check('SIGUSR2: the workload unmaps half of a madvised buffer', p)
        mon.kill()
        return
    res = env.xrun('gc', pid=pid)
    doc, p = check_ok_doc(res, 'gc')
    # One range, one window: collected here (1) or by the worker before (0).
    if doc is not None:
        g = doc['gc']
        if g.get('attr_resets') not in (0, 1) or g.get('ranges') != g.get('attr_resets'):
            p.append(f"ranges {g.get('ranges')!r}, attr_resets {g.get('attr_resets')!r}: "
                     'want both 0 (the worker ran first) or both 1')
    tap.check('gc after the unmap: a report with the attribute resets it did', p)
    out, err, rc = finish(mon, 150)
    events, p = parse_event_lines(out)
    env.schema_check(argv, out)
    if rc != 0 or len(events) != 1:
        p.append(f'exit status {rc}, {len(events)} events (want 0 and 1): {err[-200:]!r}')
    else:
        if events[0].get('type') != 'attr_reset':
            p.append(f"type {events[0].get('type')!r}")
        p += check_attr_reset(events[0], window, 'event')
    tap.check('monitor attr-reset: the unmapped half reset, split, its attributes before', p)
    doc, p = check_ok_doc(env.xrun('vm_show_pid', pid=pid), 'vms')
    if doc is not None:
        resets = doc['vms'][0].get('attr_resets') if doc['vms'] else None
        if not isinstance(resets, list) or not resets:
            p.append(f'attr_resets {resets!r}')
        else:
            p += check_attr_reset(resets[0], window, 'newest reset')
    tap.check('vm show: the newest attribute reset of the VM is the unmapped half', p)
    res = env.xrun('explain', pid=pid, addr=hex(window['start'] + PAGE))
    doc, p = check_ok_doc(res, 'explain')
    if doc is not None:
        matches = doc['explain'].get('matches') or [{}]
        p += check_attr_reset(matches[0].get('last_attr_reset'), window, 'explain')
    tap.check('explain ADDR: when and why the attributes at ADDR were reset', p)


def vsvm_debugfs_file(name):
    """debugfs file @name of the vsvm device (dri/<minor>/@name), or None."""
    for d in sorted(glob.glob('/sys/kernel/debug/dri/*/')):
        try:
            with open(os.path.join(d, 'name')) as f:
                if not f.read().startswith('vsvm '):
                    continue
        except OSError:
            continue
        path = os.path.join(d, name)
        return path if os.path.exists(path) else None
    return None


# Long enough that the CPU read surely starts inside it, also on TCG.
ATOMIC_TIMESLICE_MS = 1000


def cpu_deferred_test(env, tap, wl, rec):
    """SIGRTMIN: the workload GPU atomic-adds its poke buffer (moving it to
    device memory for vsvm's atomic timeslice, set long here) and reads it
    by CPU at once. The CPU faults are deferred until the timeslice ends:
    monitor shows the CPU-fault migration with how many were deferred, and
    the pagemap's cpu_faults_deferred grew by at least that."""
    pid = wl.pid
    what = ('SIGRTMIN: GPU atomic then CPU read: a cpu_fault migration with '
            'cpu_faults_deferred > 0, counted in the pagemap too')
    knob = vsvm_debugfs_file('atomic_svm_timeslice_ms')
    if knob is None:
        tap.check(what, ['no vsvm atomic_svm_timeslice_ms in debugfs'])
        return
    before, p = check_ok_doc(env.xrun('pagemap_show'), 'pagemaps')
    argv, mon = start_monitor(env, 'migrate', pid, count=100000, seconds=300)
    with open(knob) as f:
        old = f.read().strip()
    try:
        with open(knob, 'w') as f:
            f.write(f'{ATOMIC_TIMESLICE_MS}\n')
        run, q = wl.atomic_then_cpu()
    finally:
        with open(knob, 'w') as f:
            f.write(old + '\n')
    p += q
    if run is not None and run.get('ok') is not True:
        p.append(f'the workload\'s data after the atomic: {run}')
    time.sleep(2)
    mon.send_signal(signal.SIGINT)
    out, err, rc = finish(mon, 60)
    events, q = parse_event_lines(out)
    p += q
    env.schema_check(argv, out)
    cpu = [e for e in events if e.get('trigger') == 'cpu_fault']
    deferred = sum(e.get('cpu_faults_deferred') or 0 for e in cpu)
    if rc != 0 or not cpu:
        p.append(f'exit status {rc}, {len(cpu)} cpu_fault migrations among '
                 f'{len(events)} events: {err[-200:]!r}')
    elif deferred <= 0:
        p.append(f'cpu_fault migrations without deferred faults: {cpu}')
    for e in cpu:
        if e.get('direction') != 'to_ram' or e.get('vm') is None or \
                e.get('pid') != pid or not e.get('pages'):
            p.append(f'cpu_fault migration {e}')
    after, q = check_ok_doc(env.xrun('pagemap_show'), 'pagemaps')
    p += q
    if before is not None and after is not None and deferred > 0:
        was = stat_of(find_pagemap(before, rec) or {}, 'cpu_faults_deferred') or 0
        now = stat_of(find_pagemap(after, rec) or {}, 'cpu_faults_deferred')
        if not isinstance(now, int) or now - was < deferred:
            p.append(f'pagemap cpu_faults_deferred {was} -> {now}, the events say '
                     f'{deferred} more')
    tap.check(what, p)


def schema_test(env, tap):
    """Every -j output of the run (documents and stream lines) as xesvm-json(7) says."""
    p = list(env.schema_problems)
    if not env.schema_checked:
        p.append('no -j output was checked')
    tap.comment(f'{env.schema_checked} -j outputs checked against man/xesvm-json.schema.json')
    tap.check('every -j output follows man/xesvm-json.schema.json', p)


def unprivileged_tests(env, tap, rec, vm, vmas0, some):
    pid = rec['pid']
    res = env.xrun('vma_show_pid', user='nobody', pid=pid)
    tap.check('nobody: vma show of root\'s workload refused (exit 2, ptrace)',
              check_error(res, (2,), ['ptrace', 'permission', 'may not']))
    res = env.xrun('vm_show', user='nobody')
    doc, p = check_ok_doc(res, 'vms')
    if doc is not None and any(v.get('pid') == pid for v in doc['vms']):
        p.append('root\'s VM is listed')
    tap.check('nobody: vm show leaves root\'s VM out', p)
    res = env.xrun('madvise_system', user='nobody', pid=pid, window=window_arg(*some))
    p = check_error(res, (2,), ['ptrace', 'permission', 'may not', 'CAP_SYS_NICE'])
    after = env.xrun('vma_show_pid', pid=pid)
    doc, q = check_ok_doc(after, 'vmas')
    p += q + (check_unchanged(vmas0, doc, vm) if doc is not None else [])
    tap.check('nobody: madvise of root\'s workload refused, nothing changed', p)
    res = env.xrun('migrate_system', user='nobody', pid=pid, window=window_arg(*some))
    tap.check('nobody: migrate of root\'s workload refused',
              check_error(res, (2,), ['ptrace', 'permission', 'may not', 'CAP_SYS_NICE']))
    res = env.xrun('monitor', user='nobody', pid=pid, count=1, seconds=5)
    tap.check('nobody: monitor refused (CAP_SYS_ADMIN)',
              check_error(res, (2,), ['CAP_SYS_ADMIN']))

    # Nobody's own workload: readable, not changeable.
    try:
        open_render_nodes(env, rec)
    except OSError as e:
        tap.skip('nobody: own workload readable, changes refused', f'render node: {e}')
        return
    own = Workload(env, 'nobody', user='nobody')
    p = own.wait_ready()
    if p:
        tap.check('nobody: own workload runs', p)
        return
    orec = own.rec
    res = env.xrun('vm_show_pid', user='nobody', pid=orec['pid'])
    doc, p = check_ok_doc(res, 'vms')
    ovm = None
    if doc is not None:
        q, ovm = check_vm_list(doc, orec)
        p += q
    tap.check('nobody: vm show of its own workload', p)
    res = env.xrun('vma_show_pid', user='nobody', pid=orec['pid'])
    ovmas, p = check_ok_doc(res, 'vmas')
    if ovmas is not None and ovm is not None:
        p += check_vmas(ovmas, orec, ovm, expected_attributes(orec['madvise_all']))
    tap.check('nobody: vma show of its own workload', p)
    anon = next((m for m in orec['mappings'] if m['name'] == 'anon_2m'), None)
    w = (anon['start'], anon['start'] + 2 * M) if anon else None
    if w and ovmas is not None and ovm is not None:
        res = env.xrun('madvise_system', user='nobody', pid=orec['pid'], window=window_arg(*w))
        p = check_error(res, (2,), ['CAP_SYS_NICE', 'not permitted'])
        doc, q = check_ok_doc(env.xrun('vma_show_pid', pid=orec['pid']), 'vmas')
        p += q + (check_unchanged(ovmas, doc, ovm) if doc is not None else [])
        tap.check('nobody: madvise of its own workload refused without CAP_SYS_NICE', p)
    rc = own.stop()
    tap.check('nobody\'s workload exits 0', [] if rc == 0 else [f'exit status {rc}'])


def monitor_tests(env, tap, wl, rec):
    pid = rec['pid']
    argv = [env.xesvmctl] + env.cmd('monitor', pid=pid, count=100000, seconds=300)
    out_path = os.path.join(env.tmp, 'monitor.out')
    err_path = os.path.join(env.tmp, 'monitor.err')
    with open(out_path, 'w') as out, open(err_path, 'w') as err:
        mon = subprocess.Popen(argv, stdout=out, stderr=err, env=env.env,
                               stdin=subprocess.DEVNULL)
    env.procs.append(mon)
    time.sleep(3)       # subscribed by then, also on TCG
    p = []
    for _ in range(2):
        ver, q = wl.verify()
        p += q
        if ver is not None:
            p += check_verification(ver, wl.rec)
    tap.check('SIGUSR1 twice while monitoring: data verified, poke buffer moved', p)
    time.sleep(2)
    mon.send_signal(signal.SIGINT)
    try:
        rc = mon.wait(60)
    except subprocess.TimeoutExpired:
        mon.kill()
        rc = 'timeout'
    with open(out_path) as f:
        text = f.read()
    events, p = parse_event_lines(text)
    env.schema_check(argv, text)
    with open(err_path) as f:
        err = f.read()
    if rc != 0:
        p.append(f'exit status {rc}: {err[-300:]}')
    # Moving the poke buffer to system memory invalidates its range (the
    # migration goes through the MMU notifier), which vsvm reports.
    p += check_events(events, pid, wl.maps(), ['fault', 'migrate', 'invalidate'])
    tap.comment(f'monitor: {len(events)} events, '
                f'types {sorted({e.get("type") for e in events}, key=str)}')
    tap.check('monitor -j pid PID: fault, migrate and invalidate events of the workload', p)
    tap.check('monitor: a fault right after a migration to device memory reports '
              'that pagemap, or the eviction between them', check_fault_after_migrate(events))
    tap.check('monitor: every event numbered, numbers increasing per device',
              check_event_numbers(events))
    summary = [json.loads(l) for l in err.splitlines() if l.startswith('{"monitor"')]
    p = []
    if not summary:
        p.append(f'no summary on stderr: {err[-200:]!r}')
    else:
        s = summary[-1]['monitor']
        if s.get('stopped_by') != 'SIGINT':
            p.append(f"stopped_by {s.get('stopped_by')!r}")
        if s.get('events') != len(events):
            p.append(f"summary counts {s.get('events')} events, printed {len(events)}")
        if s.get('overruns'):
            p.append(f"{s['overruns']} overruns")
        # No gap in the numbers of the events read (before the pid filter).
        if s.get('lost') != 0:
            p.append(f"lost {s.get('lost')!r}, want 0")
    tap.check('monitor stopped by SIGINT: exit 0 and a summary that counts what it printed', p)

    # -n 1: ends by itself after the first event.
    argv, mon = start_monitor(env, None, pid, count=1, seconds=240)
    p = []
    for _ in range(3):
        if mon.poll() is not None:
            break
        p += wl.verify()[1]
        time.sleep(1)
    out, err, rc = finish(mon, 60)
    events, q = parse_event_lines(out)
    p += q
    env.schema_check(argv, out)
    if rc != 0 or len(events) != 1:
        p.append(f'exit status {rc}, {len(events)} events (want 0 and 1): {err[-200:]!r}')
    if '"stopped_by":"count"' not in err.replace(' ', ''):
        p.append(f'summary does not say stopped by count: {err[-200:]!r}')
    tap.check('monitor -n 1: one event, then exit 0', p)


def vanishing_vm_test(env, tap):
    """Dumps while a second workload creates its VM, works and exits: every
    dump is complete JSON (exit 0) or a clean error (exit 2), never a crash."""
    d = os.path.join(env.tmp, 'vanishing')
    os.mkdir(d)
    proc = subprocess.Popen([env.workload, '--once', '--tmpdir', d], stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    env.procs.append(proc)
    p, runs = [], 0
    while True:
        done = proc.poll() is not None
        res = env.xrun('range_show')
        runs += 1
        if res.rc == 0:
            p += json_doc(res.out, 'range show')[1]
        elif res.rc == 2:
            p += check_error(res, (2,), [])
        else:
            p.append(f'exit status {res.rc}: {res.err[-200:]}')
        if done or runs > 200:
            break
    if proc.wait() != 0:
        p.append(f'the short workload failed: {proc.stderr.read()[-300:]}')
    tap.check(f'range show while a VM comes and goes ({runs} dumps): complete JSON or a '
              'clean error', p)


# --------------------------------------------------------------------------
# Self-test: the checks against fake data (each must pass on consistent
# data and fail on tampered data), and the workload's host-side behaviour.


def fake_world():
    b = 0x7f0000000000
    rec = {
        'record': 'vsvm-workload', 'pid': 4242, 'comm': 'vsvm-workload',
        'device': {'node': '/dev/dri/renderD128', 'render_minor': 128, 'card_minor': 0,
                   'pagemap_id': 3, 'pat_entries': 32, 'devmem_size': 16 * M},
        'vm': {'vm_id': 1, 'handle': 5, 'client_id': 9},
        'scripted_ok': True,
        'mappings': [
            {'name': 'malloc', 'kind': 'malloc', 'start': b + 0x10, 'end': b + 0x10 + M + 0x1018,
             'live': [{'start': b + 0x10, 'end': b + 0x10 + M + 0x1018}], 'gpu_touched': True,
             'checksum': {'value': '0x1'}, 'munmaps': []},
            {'name': 'anon_2m', 'kind': 'anon', 'start': b + 4 * M, 'end': b + 8 * M,
             'live': [{'start': b + 4 * M, 'end': b + 8 * M}], 'gpu_touched': True,
             'checksum': {'value': '0x2'}, 'munmaps': [],
             'residency': [{'start': b + 4 * M, 'end': b + 6 * M, 'residency': 'device',
                            'pagemap': 3},
                           {'start': b + 6 * M, 'end': b + 8 * M, 'residency': 'system',
                            'pagemap': None}]},
            {'name': 'file_shared', 'kind': 'file_shared', 'start': b + 8 * M,
             'end': b + 9 * M, 'live': [{'start': b + 8 * M, 'end': b + 9 * M}],
             'file': {'path': '/tmp/vsvm-workload-abc'}, 'gpu_touched': True,
             'checksum': {'value': '0x3'}, 'munmaps': []},
            {'name': 'file_private', 'kind': 'file_private', 'start': b + 9 * M,
             'end': b + 10 * M, 'live': [{'start': b + 9 * M, 'end': b + 10 * M}],
             'file': {'path': '/tmp/vsvm-workload-abc'}, 'gpu_touched': False,
             'checksum': {'value': '0x4'}, 'munmaps': []},
            {'name': 'hole', 'kind': 'anon', 'start': b + 10 * M, 'end': b + 12 * M,
             'live': [{'start': b + 10 * M, 'end': b + 11 * M},
                      {'start': b + 11 * M + 0x10000, 'end': b + 12 * M}],
             'munmaps': [{'start': b + 11 * M, 'end': b + 11 * M + 0x10000}],
             'accesses': [{'op': 'read', 'start': b + 11 * M - 4096,
                           'end': b + 11 * M + 4096, 'result': 'EFAULT',
                           'expected': 'EFAULT'},
                          {'op': 'read', 'start': b + 10 * M, 'end': b + 11 * M,
                           'result': 'ok'}],
             'fork': {'child_gpu_access_result': 'EPERM', 'child_gpu_access_expected': 'EPERM'},
             'gpu_touched': True, 'checksum': {'value': '0x5'}},
            {'name': 'poke', 'kind': 'anon', 'start': b + 12 * M, 'end': b + 14 * M,
             'live': [{'start': b + 12 * M, 'end': b + 14 * M}], 'gpu_touched': True,
             'changes_on_poke': True, 'checksum': {'value': '0x6'}, 'munmaps': []},
        ],
        'madvise_all': [
            {'start': b + 6 * M, 'end': b + 8 * M, 'attribute': 'preferred_location',
             'value': 'system', 'migration_policy': 'only_system_pages',
             'preferred_pagemap': None, 'result': 'ok'},
            {'start': b + 4 * M, 'end': b + 6 * M, 'attribute': 'preferred_location',
             'value': 'pagemap', 'preferred_pagemap': 3, 'migration_policy': 'all_pages',
             'result': 'ok'},
            {'start': b + 4 * M, 'end': b + 5 * M, 'attribute': 'pat_index', 'value': 3,
             'result': 'ok'},
        ],
    }
    maps = parse_maps('\n'.join([
        f'{b:x}-{b + 2 * M:x} rw-p 00000000 00:00 0',
        f'{b + 4 * M:x}-{b + 8 * M:x} rw-p 00000000 00:00 0',
        f'{b + 8 * M:x}-{b + 9 * M:x} rw-s 00000000 00:1a 77 /tmp/vsvm-workload-abc (deleted)',
        f'{b + 9 * M:x}-{b + 10 * M:x} rw-p 00100000 00:1a 77 /tmp/vsvm-workload-abc (deleted)',
        f'{b + 10 * M:x}-{b + 11 * M:x} rw-p 00000000 00:00 0',
        f'{b + 11 * M + 0x10000:x}-{b + 12 * M:x} rw-p 00000000 00:00 0',
        f'{b + 12 * M:x}-{b + 14 * M:x} rw-p 00000000 00:00 0',
        '7ffd00000000-7ffd00021000 rw-p 00000000 00:00 0                          [stack]',
    ]))
    vms = {'schema_version': 2, 'vms': [
        {'device': 0, 'vm': 5, 'pid': 4242, 'comm': 'vsvm-workload', 'client_id': 9,
         'start': 0, 'end': 0x7ffffffff000, 'driver_handle': 1, 'devmem_pages': 2},
        {'device': 0, 'vm': 6, 'pid': 4343, 'comm': 'other', 'client_id': 10,
         'start': 0, 'end': 0x7ffffffff000}]}

    def vma(s, e, **kw):
        v = dict(device=0, vm=5, start=s, end=e, kind='cpu_mirror',
                 preferred_location='default_device', preferred_pagemap=None,
                 migration_policy='all_pages', atomic_access='undefined', pat_index=0,
                 purgeable=None)
        v.update(kw)
        return v
    vmas = {'schema_version': 2, 'vmas': [
        vma(0, b + 4 * M),
        vma(b + 4 * M, b + 5 * M, preferred_location='pagemap', preferred_pagemap=3,
            pat_index=3),
        vma(b + 5 * M, b + 6 * M, preferred_location='pagemap', preferred_pagemap=3),
        vma(b + 6 * M, b + 8 * M, preferred_location='system',
            migration_policy='only_system_pages'),
        vma(b + 8 * M, 0x7ffffffff000)]}

    def rng(s, e, res, pm=None, flags=None):
        f = flags if flags is not None else (
            ['migrate_devmem', 'has_devmem_pages'] if res == 'device' else
            ['migrate_devmem', 'has_dma_mapping'] if res == 'system' else [])
        pages = [{'device': 0, 'flags': [x for x in f if x in PAGE_FLAGS], 'pagemap': pm,
                  'notifier_seq': None}]
        return dict(device=0, vm=5, start=s, end=e, notifier_start=b, notifier_end=b + 512 * M,
                    flags=f, residency=res, pages_count=1, pages=pages,
                    tile_present=0, tile_invalidated=0)
    ranges = {'schema_version': 2, 'ranges': [
        rng(b, b + 0x10000, 'system'),
        rng(b + 4 * M, b + 6 * M, 'device', 3),
        rng(b + 6 * M, b + 8 * M, 'system'),
        rng(b + 8 * M, b + 9 * M, 'system'),
        rng(b + 10 * M, b + 11 * M, 'none'),
        rng(b + 12 * M, b + 14 * M, 'device', 3)]}

    def pm(to_dev, to_ram, in_use):
        st = {'count': 1, 'pages': 0, 'bytes': 0, 'fail_enomem': 0, 'fail_ebusy': 0,
              'fail_efault': 0, 'fail_other': 0}
        return {'schema_version': 2, 'pagemaps': [
            {'device': 0, 'id': 3, 'name': 'pagemap3', 'region': None, 'size_bytes': None,
             'stats': {'to_device': dict(st, pages=to_dev, count=(to_dev + 1) // 2),
                       'to_ram': dict(st, pages=to_ram, count=(to_ram + 1) // 2),
                       'cpu_faults_deferred': 0, 'evictions': 0,
                       'device_pages_in_use': in_use, 'cpu_faults': 1}}]}
    events = [
        {'time_ns': 1, 'type': 'fault', 'device': 0, 'vm': 5, 'pid': 4242,
         'start': b + 12 * M, 'end': b + 14 * M, 'pagemap': 3, 'pages': 512, 'result': 0},
        {'time_ns': 2, 'type': 'migrate', 'device': 0, 'vm': 5, 'pid': 4242,
         'start': b + 12 * M, 'end': b + 14 * M, 'pagemap': 3, 'direction': 'to_device',
         'trigger': 'gpu_fault', 'pages': 512, 'result': 0}]
    return b, rec, maps, vms, vmas, ranges, pm, events


def self_test(workload, fake_workload):
    import copy
    tap = Tap()
    b, rec, maps, vms, vmas, ranges, pm, events = fake_world()

    def both(desc, good, bad_cases):
        """@good must give no problem, every @bad_cases entry some."""
        tap.check(f'{desc}: consistent data passes', good())
        for what, f in bad_cases:
            tap.check(f'{desc}: fails when {what}', [] if f() else ['the check passed'])

    def tampered(obj, f):
        o = copy.deepcopy(obj)
        f(o)
        return o

    both('check_record', lambda: check_record(rec), [
        ('the scripted phase failed', lambda: check_record(
            tampered(rec, lambda r: r.update(scripted_ok=False)))),
        ('a mapping kind is missing', lambda: check_record(
            tampered(rec, lambda r: r['mappings'].pop(2)))),
        ('a mismatch was recorded', lambda: check_record(
            tampered(rec, lambda r: r['mappings'][0].update(mismatches=[{'address': 1}])))),
    ])
    both('check_probes', lambda: check_probes(rec), [
        ('the hole read succeeded', lambda: check_probes(
            tampered(rec, lambda r: r['mappings'][4]['accesses'][0].update(result='ok')))),
        ('the child could use the VM', lambda: check_probes(
            tampered(rec, lambda r: r['mappings'][4]['fork'].update(
                child_gpu_access_result='ok')))),
        ('there is no probe', lambda: check_probes(
            tampered(rec, lambda r: [(m.pop('fork', None), m.pop('accesses', None))
                                     for m in r['mappings']]))),
    ])
    both('check_record_vs_maps', lambda: check_record_vs_maps(rec, maps), [
        ('a live part is not mapped', lambda: check_record_vs_maps(rec, maps[1:])),
        ('the hole is still mapped', lambda: check_record_vs_maps(
            rec, parse_maps(f'{b + 10 * M:x}-{b + 12 * M:x} rw-p 0 00:00 0') + maps)),
        ('the file is another', lambda: check_record_vs_maps(
            tampered(rec, lambda r: r['mappings'][2]['file'].update(path='/tmp/x')), maps)),
    ])
    both('check_vm_list', lambda: check_vm_list(vms, rec)[0], [
        ('the VM is missing', lambda: check_vm_list(
            tampered(vms, lambda d: d['vms'].pop(0)), rec)[0]),
        ('the comm differs', lambda: check_vm_list(
            tampered(vms, lambda d: d['vms'][0].update(comm='x')), rec)[0]),
        ('the VM id differs', lambda: check_vm_list(
            tampered(vms, lambda d: d['vms'][0].update(vm=1)), rec)[0]),
        ('the driver handle differs', lambda: check_vm_list(
            tampered(vms, lambda d: d['vms'][0].update(driver_handle=5)), rec)[0]),
        ('the device differs', lambda: check_vm_list(
            tampered(vms, lambda d: d['vms'][0].update(device=1)), rec)[0]),
        ('the client differs', lambda: check_vm_list(
            tampered(vms, lambda d: d['vms'][0].update(client_id=None)), rec)[0]),
        ('two VMs have the pid', lambda: check_vm_list(
            tampered(vms, lambda d: d['vms'][1].update(pid=4242)), rec)[0]),
    ])
    vm = check_vm_list(vms, rec)[1]
    exp = expected_attributes(rec['madvise_all'])
    both('check_vmas', lambda: check_vmas(vmas, rec, vm, exp, untouched_windows(rec)), [
        ('an attribute differs', lambda: check_vmas(
            tampered(vmas, lambda d: d['vmas'][3].update(preferred_location='default_device')),
            rec, vm, exp)),
        ('the migration policy differs', lambda: check_vmas(
            tampered(vmas, lambda d: d['vmas'][3].update(migration_policy='all_pages')),
            rec, vm, exp)),
        ('the pagemap differs', lambda: check_vmas(
            tampered(vmas, lambda d: d['vmas'][1].update(preferred_pagemap=4)), rec, vm, exp)),
        ('the PAT index is lost', lambda: check_vmas(
            tampered(vmas, lambda d: d['vmas'][1].update(pat_index=0)), rec, vm, exp)),
        ('xe\'s attributes are missing (no xe nest)', lambda: check_vmas(
            tampered(vmas, lambda d: d['vmas'][4].update(atomic_access=None, pat_index=None)),
            rec, vm, exp)),
        ('a window is not covered', lambda: check_vmas(
            tampered(vmas, lambda d: d['vmas'].pop(2)), rec, vm, exp)),
        ('VMAs overlap', lambda: check_vmas(
            tampered(vmas, lambda d: d['vmas'][0].update(end=b + 4 * M + 4096)), rec, vm, exp)),
        ('a never-advised window is not default', lambda: check_vmas(
            tampered(vmas, lambda d: d['vmas'][0].update(atomic_access='cpu')), rec, vm, exp,
            untouched_windows(rec))),
        ('another VM\'s VMA is listed', lambda: check_vmas(
            tampered(vmas, lambda d: d['vmas'].append(dict(d['vmas'][0], vm=6))), rec, vm, exp)),
    ])
    tap.check('expected_attributes: a later setting replaces an overlapping one',
              [] if [e['value'] for e in expected_attributes(
                  rec['madvise_all'], [{'start': b + 4 * M, 'end': b + 6 * M,
                                        'attribute': 'preferred_location',
                                        'value': 'system'}])] == ['system', 3, 'system']
              else ['wrong'])
    both('check_ranges', lambda: check_ranges(ranges, rec, vm, maps), [
        ('a range is outside the CPU mappings', lambda: check_ranges(
            tampered(ranges, lambda d: d['ranges'][0].update(end=b + 3 * M)), rec, vm, maps)),
        ('a GPU-touched mapping has no range', lambda: check_ranges(
            tampered(ranges, lambda d: d['ranges'].pop(3)), rec, vm, maps)),
        ('a range of another VM is listed', lambda: check_ranges(
            tampered(ranges, lambda d: d['ranges'][0].update(vm=6)), rec, vm, maps)),
        ('there are no ranges', lambda: check_ranges({'ranges': []}, rec, vm, maps)),
    ])
    tap.check('check_ranges: ranges awaiting collection may lie in holes',
              check_ranges(tampered(ranges, lambda d: d['ranges'].append(
                  dict(d['ranges'][4], start=b + 11 * M, end=b + 11 * M + 0x10000,
                       flags=['unmapped']))), rec, vm, maps))
    w = rec['mappings'][1]['residency']
    both('check_residency', lambda: check_residency(ranges['ranges'], w[0]['start'],
                                                    w[0]['end'], 'device', 3)
         + check_residency(ranges['ranges'], w[1]['start'], w[1]['end'], 'system'), [
        ('the residency differs', lambda: check_residency(
            ranges['ranges'], w[0]['start'], w[0]['end'], 'system')),
        ('the pagemap differs', lambda: check_residency(
            ranges['ranges'], w[0]['start'], w[0]['end'], 'device', 4)),
        ('the ranges do not cover the window', lambda: check_residency(
            ranges['ranges'], w[0]['start'], w[0]['end'] + 4096, 'device', 3)),
        ('no range is there', lambda: check_residency(ranges['ranges'], b + 3 * M,
                                                      b + 4 * M, 'device')),
        ('the pages in the pagemap are another device\'s', lambda: check_residency(
            tampered(ranges, lambda d: d['ranges'][1]['pages'][0].update(device=1))['ranges'],
            w[0]['start'], w[0]['end'], 'device', 3)),
    ])
    both('check_page_sets', lambda: check_page_sets(ranges, vm), [
        ('a range has no page set', lambda: check_page_sets(
            tampered(ranges, lambda d: d['ranges'][0].update(pages=[], pages_count=0)), vm)),
        ('a range has two', lambda: check_page_sets(
            tampered(ranges, lambda d: d['ranges'][0].update(
                pages=d['ranges'][0]['pages'] * 2, pages_count=2)), vm)),
        ('the pages are another device\'s', lambda: check_page_sets(
            tampered(ranges, lambda d: d['ranges'][0]['pages'][0].update(device=1)), vm)),
        ('the page set lacks a flag of the range', lambda: check_page_sets(
            tampered(ranges, lambda d: d['ranges'][1]['pages'][0].update(
                flags=['has_dma_mapping'])), vm)),
        ('device pages have no pagemap', lambda: check_page_sets(
            tampered(ranges, lambda d: d['ranges'][1]['pages'][0].update(pagemap=None)), vm)),
        ('the notifier sequence is reported', lambda: check_page_sets(
            tampered(ranges, lambda d: d['ranges'][2]['pages'][0].update(notifier_seq=2)),
            vm)),
        ('a range is stale', lambda: check_page_sets(
            tampered(ranges, lambda d: d['ranges'][2].update(
                flags=d['ranges'][2]['flags'] + ['stale'])), vm)),
        ('a vsvm range has tile masks', lambda: check_page_sets(
            tampered(ranges, lambda d: d['ranges'][2].update(tile_present=1)), vm)),
    ])
    both('check_devmem_pages', lambda: check_devmem_pages(vms, ranges, vm), [
        ('the VM counts another number', lambda: check_devmem_pages(
            tampered(vms, lambda d: d['vms'][0].update(devmem_pages=1)), ranges, vm)),
        ('the VM is not listed', lambda: check_devmem_pages(
            tampered(vms, lambda d: d['vms'].pop(0)), ranges, vm)),
    ])
    both('check_no_ranges', lambda: check_no_ranges(ranges['ranges'], munmapped(rec)), [
        ('a range overlaps the hole', lambda: check_no_ranges(
            ranges['ranges'] + [dict(ranges['ranges'][4], end=b + 12 * M)], munmapped(rec))),
    ])
    counters = ['to_device.count', 'to_device.pages', 'to_ram.pages', 'device_pages_in_use']
    both('check_pagemap_grew', lambda: check_pagemap_grew(pm(10, 5, 3), rec, pm(1, 1, 1),
                                                          counters)
         + check_pagemap_grew(pm(10, 5, 3), rec, None, counters), [
        ('a counter did not move', lambda: check_pagemap_grew(pm(10, 5, 3), rec, pm(1, 5, 1),
                                                              counters)),
        ('a counter is null', lambda: check_pagemap_grew(
            tampered(pm(10, 5, 3), lambda d: d['pagemaps'][0]['stats'].update(
                device_pages_in_use=None)), rec, None, counters)),
        ('the pagemap is missing', lambda: check_pagemap_grew(
            tampered(pm(10, 5, 3), lambda d: d['pagemaps'][0].update(id=4)), rec, None,
            counters)),
    ])
    both('check_pagemap_same', lambda: check_pagemap_same(pm(10, 5, 3), rec, pm(1, 5, 1),
                                                          ['to_ram.pages']), [
        ('to_ram moved', lambda: check_pagemap_same(pm(10, 6, 3), rec, pm(10, 5, 3),
                                                    ['to_ram.pages'])),
        ('the pagemap is missing', lambda: check_pagemap_same(
            tampered(pm(10, 5, 3), lambda d: d['pagemaps'][0].update(id=4)), rec,
            pm(10, 5, 3), ['to_ram.pages'])),
    ])
    dev = [{'start': b, 'end': b + 2 * M, 'residency': 'device'},
           {'start': b + 2 * M, 'end': b + 4 * M, 'residency': 'system'}]
    both('device_pages', lambda: [] if device_pages(dev, b, b + 4 * M) == 512 and
         device_pages(dev, b + 2 * M, b + 4 * M) == 0 else ['wrong count'], [
        ('a system range counted', lambda: [] if device_pages(
            [dict(d, residency='device') for d in dev], b, b + 4 * M) == 512 else ['2x']),
    ])
    rs = {'ranges': [{'start': b, 'end': b + M, 'flags': ['dma_mapped']}]}
    both('compare_views', lambda: compare_views(rs, json.loads(json.dumps(rs)), 'ranges'), [
        ('a flag differs', lambda: compare_views(
            rs, {'ranges': [dict(rs['ranges'][0], flags=[])]}, 'ranges')),
        ('a range is missing', lambda: compare_views(rs, {'ranges': []}, 'ranges')),
        ('nothing is listed', lambda: compare_views({'ranges': []}, {'ranges': []}, 'ranges')),
    ])
    dbg = {'ranges': [dict(rs['ranges'][0], flags=['dma_mapped', 'stale'],
                           pages=[{'flags': ['stale'], 'notifier_seq': 7}])]}
    nl = {'ranges': [dict(rs['ranges'][0], pages=[{'flags': [], 'notifier_seq': None}])]}
    win = {'start': b + 2 * M, 'end': b + 4 * M}
    reset = {'start': b + 2 * M, 'end': b + 4 * M, 'time_ns': 5, 'split': True,
             'before': {'preferred_location': 'system'}}
    both('check_attr_reset', lambda: check_attr_reset(reset, win, 'r'), [
        ('the window is another', lambda: check_attr_reset(dict(reset, end=b + 3 * M), win, 'r')),
        ('nothing was split', lambda: check_attr_reset(dict(reset, split=False), win, 'r')),
        ('the attributes before are the defaults', lambda: check_attr_reset(
            dict(reset, before={'preferred_location': 'default_device'}), win, 'r')),
        ('there is no reset', lambda: check_attr_reset(None, win, 'r')),
    ])
    both('compare_views: debugfs-only internals ignored', lambda: compare_views(nl, dbg, 'ranges'), [
        ('a page set flag differs', lambda: compare_views(
            nl, {'ranges': [dict(dbg['ranges'][0], pages=[{'flags': ['unmapped']}])]}, 'ranges')),
    ])
    both('check_events', lambda: check_events(events, 4242, maps, ['fault', 'migrate']), [
        ('no migrate event came', lambda: check_events(events[:1], 4242, maps,
                                                       ['fault', 'migrate'])),
        ('an event of another pid is shown', lambda: check_events(
            events + [dict(events[0], pid=1)], 4242, maps, ['fault'])),
        ('a fault is outside the mappings', lambda: check_events(
            [dict(events[0], start=b + 3 * M, end=b + 3 * M + 4096)], 4242, maps, ['fault'])),
        ('no event came', lambda: check_events([], 4242, maps, [])),
    ])
    to_dev = {'type': 'migrate', 'start': b, 'end': b + M, 'direction': 'to_device',
              'pagemap': 1, 'result': 0}
    evict = dict(to_dev, direction='to_ram', pagemap=None)
    fault = {'type': 'fault', 'start': b, 'end': b + M, 'result': 0}
    inval = {'type': 'invalidate', 'start': b, 'end': b + M, 'result': 0}
    both('check_fault_after_migrate', lambda: check_fault_after_migrate(
        [to_dev, inval, dict(fault, pagemap=1), to_dev, evict, fault, fault]), [
        ('the fault forgets the pagemap', lambda: check_fault_after_migrate(
            [to_dev, inval, fault])),
        ('an unreported move', lambda: check_fault_after_migrate(
            [evict, dict(fault, pagemap=1)])),
    ])
    numbered = [dict(fault, device=0, seq=1), dict(fault, device=1, seq=1),
                dict(fault, device=0, seq=4)]
    both('check_event_numbers', lambda: check_event_numbers(numbered), [
        ('an event has no number', lambda: check_event_numbers(
            numbered + [dict(fault, device=0, seq=None)])),
        ('a number repeats', lambda: check_event_numbers(
            numbered + [dict(fault, device=0, seq=4)])),
    ])
    evs, p = parse_event_lines('{"type":"fault"}\n\n{"type":"gc"}\n')
    tap.check('parse_event_lines: JSON lines', p + ([] if len(evs) == 2 else ['count']))
    tap.check('parse_event_lines: fails on a broken line',
              [] if parse_event_lines('{"type":')[1] else ['the check passed'])
    err_ok = Result(['x'], 2, '', '{"error":{"status":2,"message":"you may not read '
                    'process 4242 (its VMs need ptrace read access)"}}\n')
    both('check_error', lambda: check_error(err_ok, (2,), ['ptrace']), [
        ('the exit status differs', lambda: check_error(
            Result(['x'], 0, '', err_ok.err), (2,), ['ptrace'])),
        ('stdout is not empty', lambda: check_error(
            Result(['x'], 2, '{}', err_ok.err), (2,), ['ptrace'])),
        ('the message says something else', lambda: check_error(err_ok, (2,), ['CAP_PERFMON'])),
        ('the error status is not the exit status', lambda: check_error(
            Result(['x'], 1, '', err_ok.err), (1,), ['ptrace'])),
        ('stderr is empty', lambda: check_error(Result(['x'], 2, '', ''), (2,), [])),
        ('stderr is not JSON', lambda: check_error(Result(['x'], 2, '', 'oops'), (2,), [])),
    ])
    both('check_unchanged', lambda: check_unchanged(vmas, copy.deepcopy(vmas), vm), [
        ('an attribute changed', lambda: check_unchanged(
            vmas, tampered(vmas, lambda d: d['vmas'][4].update(pat_index=1)), vm)),
        ('a change outside the window', lambda: check_unchanged(
            vmas, tampered(vmas, lambda d: d['vmas'][3].update(atomic_access='cpu')), vm,
            [(b + 4 * M, b + 6 * M)])),
    ])
    changed = tampered(vmas, lambda d: d['vmas'][1].update(preferred_location='system'))
    tap.check('check_unchanged: a change inside the window is allowed',
              check_unchanged(vmas, changed, vm, [(b + 4 * M, b + 5 * M)]))
    split = copy.deepcopy(vmas)
    split['vmas'].append(dict(split['vmas'][4], start=b + 9 * M))
    split['vmas'][4]['end'] = b + 9 * M
    tap.check('check_unchanged: a split into equal pieces is no change',
              check_unchanged(vmas, split, vm))
    ver = {'ok': True, 'poke': {'ok': True}, 'mappings': [
        {'name': m['name'], 'cpu': 'ok', 'gpu': 'ok', 'checksum': m['checksum']['value']}
        for m in rec['mappings']]}
    both('check_verification', lambda: check_verification(ver, rec), [
        ('a checksum changed', lambda: check_verification(
            tampered(ver, lambda v: v['mappings'][0].update(checksum='0x9')), rec)),
        ('the GPU saw a mismatch', lambda: check_verification(
            tampered(ver, lambda v: v['mappings'][1].update(gpu='mismatch')), rec)),
        ('the poke failed', lambda: check_verification(
            tampered(ver, lambda v: v.update(poke={'ok': False})), rec)),
    ])
    tap.check('check_verification: the poke buffer may change',
              check_verification(tampered(ver, lambda v: v['mappings'][5].update(
                  checksum='0x77')), rec))
    tap.check('covered: gaps and overlaps',
              [] if covered([(0, 2), (1, 5)], 0, 5) and not covered([(0, 2), (3, 5)], 0, 5)
              and not covered([], 0, 1) else ['wrong'])
    tap.check('every command line names a known object',
              [n for n, a in COMMANDS.items()
               if n != 'version' and a[1] not in ('vm', 'vma', 'range', 'pagemap', 'madvise',
                                                  'migrate', 'gc', 'monitor', 'explain')])

    def schema_run(outputs):
        """schema_test() over an Env that saw @outputs as -j output."""
        e = Env.__new__(Env)
        e.schema_problems, e.schema_checked = [], 0
        for out in outputs:
            e.schema_check(['xesvmctl', '-j'], out)
        with open(os.devnull, 'w') as devnull:
            t = Tap(out=devnull)
            schema_test(e, t)
        return e.schema_problems or (['no output checked'] if t.failed else [])
    event = {'time_ns': 1, 'type': 'gc', 'device': 0, 'vm': 1, 'pid': 7, 'start': 0,
             'end': 4096, 'ranges': 1, 'result': 0}
    both('schema_test', lambda: schema_run([
        json.dumps({'schema_version': 2, 'vms': []}),
        json.dumps(dict({'schema_version': 2}, **event)) + '\n'
        + json.dumps(dict({'schema_version': 2}, **event))]), [
        ('a stream line lacks schema_version', lambda: schema_run([json.dumps(event)])),
        ('an event result is a string', lambda: schema_run(
            [json.dumps(dict(event, schema_version=2, result='ok'))])),
        ('nothing was checked', lambda: schema_run([])),
    ])
    if workload:
        workload_host_tests(tap, workload)
    if fake_workload:
        fake_workload_tests(tap, fake_workload)
    return tap.finish()


def workload_host_tests(tap, workload):
    """What the workload does without a vsvm device: usage errors, the
    no-device error, and the record it still writes."""
    def run(args, env=None):
        cp = subprocess.run(host_wrap() + [workload] + args, capture_output=True, text=True,
                            timeout=120, env=dict(os.environ, **(env or {})))
        return cp.returncode, cp.stdout, cp.stderr

    rc, out, err = run(['--help'])
    tap.check('workload --help: exit 0, usage on stdout',
              [] if rc == 0 and 'Usage:' in out and not err else [f'{rc} {err!r}'])
    for args, what in ((['--bogus'], 'an unknown option'), (['extra'], 'an extra argument'),
                       (['--once', '--hold'], '--once with --hold'),
                       (['--record'], 'a missing option argument'),
                       (['--record', ''], 'an empty file name')):
        rc, out, err = run(args)
        tap.check(f'workload with {what}: exit 1 and a message',
                  [] if rc == 1 and err.startswith('vsvm-workload: ') else [f'{rc} {err!r}'])
    with tempfile.TemporaryDirectory() as d:
        empty = os.path.join(d, 'dri')
        os.mkdir(empty)
        record = os.path.join(d, 'record.json')
        ready = os.path.join(d, 'ready')
        for env, what in (({'VSVM_WORKLOAD_DEV_DIR': empty}, 'an empty /dev/dri'),
                          ({'VSVM_WORKLOAD_DEV_DIR': os.path.join(d, 'none')},
                           'no /dev/dri')):
            rc, out, err = run(['--hold', '--record', record, '--ready', ready], env)
            p = [] if rc == 2 else [f'exit status {rc}']
            want = 'vsvm-workload: no vsvm render node (is the vsvm driver loaded?)\n'
            if err != want:
                p.append(f'stderr {err!r}')
            if os.path.exists(ready):
                p.append('ready file written')
            try:
                with open(record) as f:
                    r = json.load(f)
                if r.get('scripted_ok') is not False or 'no vsvm render node' not in \
                        r.get('failure', '') or r.get('pid') is None:
                    p.append(f'record: {r}')
                os.unlink(record)
            except (OSError, ValueError) as e:
                p.append(f'record: {e}')
            tap.check(f'workload with {what}: exit 2, the no-device message, a record '
                      'saying so', p)
        rc, out, err = run(['--device', os.path.join(d, 'nonexistent')])
        tap.check('workload --device NONEXISTENT: exit 2 naming it',
                  [] if rc == 2 and 'nonexistent' in err else [f'{rc} {err!r}'])
        rc, out, err = run(['--device', '/dev/null'])
        tap.check('workload --device /dev/null: exit 2, not a vsvm device',
                  [] if rc == 2 and 'not a vsvm device' in err else [f'{rc} {err!r}'])


USAGE = 'usage: e2e.py BUILD_DIR | --self-test [--workload PATH] [--fake-workload PATH]'


# XESVM_TEST_VALGRIND=1 runs the workload of the host tests under valgrind,
# with the flags of scripts/test-all's valgrind stage.
VALGRIND = ['valgrind', '--quiet', '--leak-check=full', '--show-leak-kinds=definite,indirect',
            '--errors-for-leak-kinds=definite,indirect', '--error-exitcode=99']


def host_wrap():
    return VALGRIND if os.environ.get('XESVM_TEST_VALGRIND') == '1' else []


class FakeEnv:
    """What Workload needs of Env, for the workload on the ioctl stand-in."""

    def __init__(self, workload, tmp):
        self.workload, self.tmp = workload, tmp
        self.procs, self.unpriv = [], None
        self.wrap = host_wrap()


def fake_workload_tests(tap, workload):
    """The workload's own logic on fake-vsvm.c: scenarios, record, hold mode,
    SIGUSR1 verification, SIGTERM, and the exit statuses of a failing ioctl
    and of corrupted data (these need a device that misbehaves on purpose)."""
    with tempfile.TemporaryDirectory() as d:
        dri = os.path.join(d, 'dri')
        os.mkdir(dri)
        open(os.path.join(dri, 'renderD128'), 'w').close()
        fenv = FakeEnv(workload, d)
        dev = {'VSVM_WORKLOAD_DEV_DIR': dri}
        try:
            fake_hold_tests(tap, fenv, dev)
            fake_failure_tests(tap, fenv, dev, d)
        finally:
            for p in fenv.procs:
                if p.poll() is None:
                    p.kill()
                    p.wait()


def fake_hold_tests(tap, fenv, dev):
    wl = Workload(fenv, 'hold', extra_env=dev)
    p = wl.wait_ready(60)
    if not tap.check('fake device: the workload holds after its scripted phase', p):
        return
    rec = scripted = wl.rec
    tap.check('fake device: record complete (check_record)',
              check_record(rec) + ([] if rec['pid'] == wl.proc.pid else ['pid']))
    tap.check('fake device: record matches /proc/PID/maps', check_record_vs_maps(rec, wl.maps()))
    p = []
    names = [m['name'] for m in rec['mappings']]
    if names != ['malloc', 'anon_2m', 'anon_unaligned', 'file_shared', 'file_private',
                 'hole', 'fork', 'reset_4m', 'poke']:
        p.append(f'mappings {names}')
    fork = next((m.get('fork') for m in rec['mappings'] if m['name'] == 'fork'), None) or {}
    if fork.get('child_gpu_access_result') != 'EPERM' or \
            not fork.get('child_cpu_data_as_at_fork') or fork.get('child_exit_status') != 0:
        p.append(f'fork: {fork}')
    claims = {(n, w['residency']) for n, w in residency_claims(rec)}
    for want in (('anon_2m', 'device'), ('anon_2m', 'system'), ('poke', 'device')):
        if want not in claims:
            p.append(f'no claim {want}')
    hole = next(m for m in rec['mappings'] if m['name'] == 'hole')
    probe = [a for a in hole['accesses'] if a.get('expected') == 'EFAULT']
    if len(hole['live']) != 2 or len(probe) != 1 or probe[0]['result'] != 'EFAULT':
        p.append(f"hole: live {hole['live']}, probe {probe}")
    cur = [e for e in rec['madvise_all'] if e.get('current')]
    if len(rec['madvise_all']) < 5 or len(cur) != len(rec['madvise_all']):
        p.append(f"madvise: {len(rec['madvise_all'])} calls, {len(cur)} current")
    unal = next(m for m in rec['mappings'] if m['name'] == 'anon_unaligned')
    if unal['start'] % (2 * M) == 0 or unal['aligned_2m']:
        p.append('anon_unaligned is 2 MiB aligned')
    tap.check('fake device: scenarios recorded (mappings, fork, residency, hole, madvise)', p)
    for n in (1, 2):
        ver, p = wl.verify(60)
        if ver is not None:
            p += check_verification(ver, wl.rec)
            if ver.get('n') != n or ver.get('sender_pid') != os.getpid():
                p.append(f"verification n {ver.get('n')} from {ver.get('sender_pid')}")
        tap.check(f'fake device: SIGUSR1 #{n} verifies everything, the record grows', p)
    run, p = wl.atomic_then_cpu(60)
    if run is not None and (run.get('ok') is not True or
                            not isinstance(run.get('cpu_read_ms'), int) or
                            [x.get('region') for x in run.get('prefetch', [])] != ['system']):
        p.append(f'atomic_then_cpu {run}')
    tap.check('fake device: SIGRTMIN: prefetch, GPU atomic add, CPU read, data intact', p)
    rc = wl.stop(60)
    rec = wl.read_record()
    tap.check('fake device: SIGTERM ends it with exit 0, written down',
              [] if rc == 0 and rec.get('stopped_by') == 'TERM' and rec.get('exit_status') == 0
              else [f"exit {rc}, record {rec.get('stopped_by')} {rec.get('exit_status')}"])

    # The first GPU read of a SIGUSR1 verification returns a wrong byte.
    reads = sum(1 for m in scripted['mappings'] for a in m['accesses']
                if a['op'] == 'read' and a['result'] == 'ok')
    wl = Workload(fenv, 'corrupt-hold', extra_env=dict(dev, FAKE_VSVM_CORRUPT_READ=str(reads + 1)))
    p = wl.wait_ready(60)
    if not p:
        ver, p = wl.verify(60)
        if ver is not None and (ver.get('ok') or not any(
                m['gpu'] == 'mismatch' for m in ver['mappings'])):
            p.append(f'verification {ver}')
        rc = wl.stop(60)
        if rc != 3 or 'data mismatch in malloc at 0x' not in wl.stderr():
            p.append(f'exit {rc}: {wl.stderr()[-200:]!r}')
    tap.check('fake device: data corrupted while holding: verification not ok, exit 3', p)


def fake_failure_tests(tap, fenv, dev, d):
    def once(env):
        record = os.path.join(d, 'once.json')
        cp = subprocess.run(fenv.wrap + [fenv.workload, '--once', '--record', record,
                                         '--tmpdir', d],
                            capture_output=True, text=True, timeout=120,
                            env=dict(os.environ, **env))
        with open(record) as f:
            return cp.returncode, cp.stderr, json.load(f)

    rc, err, rec = once(dev)
    tap.check('fake device: --once exits 0 after the scripted phase',
              [] if rc == 0 and rec.get('scripted_ok') and 'stopped_by' not in rec
              else [f'exit {rc}: {err[-200:]!r}'])
    rc, err, rec = once(dict(dev, FAKE_VSVM_CORRUPT_READ='1'))
    p = [] if rc == 3 else [f'exit {rc}']
    if 'data mismatch in malloc at 0x' not in err or 'GPU read' not in err:
        p.append(f'stderr {err!r}')
    if rec.get('scripted_ok') is not False or not rec['mappings'][0].get('mismatches'):
        p.append('record does not say so')
    tap.check('fake device: a GPU read returning wrong data: exit 3 with the address', p)
    rc, err, rec = once(dict(dev, FAKE_VSVM_FAIL_ACCESS='3'))
    p = [] if rc == 2 else [f'exit {rc}']
    if 'DRM_IOCTL_VSVM_ACCESS' not in err or '(EIO)' not in err:
        p.append(f'stderr {err!r}')
    if rec.get('scripted_ok') is not False or 'EIO' not in rec.get('failure', ''):
        p.append(f"record failure {rec.get('failure')!r}")
    tap.check('fake device: a failing ioctl: exit 2 naming the ioctl and errno', p)


def main(argv):
    args = argv[1:]
    if args[:1] == ['--self-test']:
        opts = {'--workload': None, '--fake-workload': None}
        rest = args[1:]
        while rest:
            if rest[0] not in opts or len(rest) < 2:
                print(USAGE, file=sys.stderr)
                return 2
            opts[rest[0]] = os.path.abspath(rest[1])
            rest = rest[2:]
        return self_test(opts['--workload'], opts['--fake-workload'])
    if len(args) != 1 or args[0].startswith('-'):
        print(USAGE, file=sys.stderr)
        return 2
    return run_live(os.path.abspath(args[0]))


if __name__ == '__main__':
    sys.exit(main(sys.argv))
