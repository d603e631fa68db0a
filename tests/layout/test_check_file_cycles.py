#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Tests of scripts/check-file-cycles on small trees made here.

A checker that passes everything would pass on the repository too, so
these trees show it fails on the circles it is meant to find (a call,
a function's address in a table, three files round) and not on what
only looks like one (a name in a comment or a string, a static function
of the same name, one file alone).
"""
import os
import subprocess
import sys
import tempfile

CHECKER = sys.argv[1]
failures = []


def run(files):
    with tempfile.TemporaryDirectory() as d:
        for name, text in files.items():
            path = os.path.join(d, name)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, 'w') as f:
                f.write(text)
        p = subprocess.run([sys.executable, CHECKER, d], capture_output=True, text=True)
        return p.returncode, p.stdout.replace(d + '/', '')


def case(name, files, want_rc, want_in=()):
    rc, out = run(files)
    problems = []
    if rc != want_rc:
        problems.append('exit %d, want %d' % (rc, want_rc))
    for text in want_in:
        if text not in out:
            problems.append('output lacks %r' % text)
    if problems:
        failures.append(name)
        print('FAIL %s: %s\n%s' % (name, '; '.join(problems), out))
    else:
        print('ok   %s' % name)


case('a call each way is a circle', {
    'a.c': 'int a(void) { return b(); }\n',
    'b.c': 'int b(void) { return 1; }\nint c(void) { return a(); }\n',
}, 1, ['circle between 2 files', 'a.c uses b of', 'b.c uses a of'])

case('a function in a table counts as using it', {
    'table.c': 'struct row { int (*run)(void); };\nconst struct row rows[] = { { cmd } };\nint helper(void) { return 0; }\n',
    'cmd.c': 'int cmd(void) { return helper(); }\n',
}, 1, ['table.c uses cmd of', 'cmd.c uses helper of'])

case('three files round', {
    'x.c': 'void x(void) { y(); }\n',
    'y.c': 'void y(void) { z(); }\n',
    'sub/z.c': 'void z(void) { x(); }\n',
}, 1, ['circle between 3 files'])

case('one direction only is fine', {
    'low.c': 'static int twice(int v) { return 2 * v; }\nint low(int v) { return twice(v); }\n',
    'high.c': '#include "low.h"\nint high(void) { return low(2); }\n',
}, 0, ['no circle'])

case('comments, strings and statics do not count', {
    'a.c': '/* b() is what we would call */\nconst char *s = "b()";\nstatic int b(void) { return 0; }\nint a(void) { return b(); }\n',
    'b.c': 'int b(void) { return a(); }\n',
}, 0, ['no circle'])

case('a circle in one folder is found among others', {
    'ok1.c': 'int ok1(void) { return 0; }\n',
    'ok2.c': 'int ok2(void) { return ok1(); }\n',
    'p.c': 'int p(void) { return q(); }\n',
    'q.c': 'int q(void) { return p() + ok2(); }\n',
}, 1, ['p.c uses q of', 'q.c uses p of'])

print('%d passed, %d failed' % (6 - len(failures), len(failures)))
sys.exit(1 if failures else 0)
