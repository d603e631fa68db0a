#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Tests of scripts/check-man-keywords on a small table and page made here.

A checker that passes everything would pass on xesvmctl(8) too, so these
show it fails on each mistake it is meant to find: a keyword, an option,
a value word or a whole command missing from the page, a word the table
lacks, and a placeholder section naming a keyword the table lacks.
"""
import os
import subprocess
import sys
import tempfile

CHECKER = sys.argv[1]
failures = []

TABLE = '\n'.join('\t'.join(row) for row in [
    ('', '-j', 'option', 'none', 'print JSON'),
    ('', '--json', 'option', 'none', 'print JSON'),
    ('', '--format', 'option', 'format', 'output format'),
    ('=format', 'human', 'choice', 'none', 'output format'),
    ('=format', 'json', 'choice', 'none', 'output format'),
    ('', 'vm', 'object', 'none', 'VMs'),
    ('', 'gc', 'object', 'none', 'collect'),
    ('vm', 'show', 'command', 'none', 'list VMs'),
    ('vm show', 'pid', 'keyword', 'pid', 'only this process'),
    ('vm show', 'detail', 'keyword', 'none', 'every range'),
    ('gc', 'pid', 'keyword', 'pid', 'the VM of this process'),
    ('gc', '--dry-run', 'option', 'none', 'change nothing'),
]) + '\n'

PAGE = """xesvmctl(8)

# SYNOPSIS

*xesvmctl* [_OPTIONS_] _OBJECT_

# OPTIONS

*-j*, *--json*
\tPrint JSON.

*--format* *human*|*json*
\tThe output format.

# OBJECTS AND COMMANDS

*vm* [*show*] [_FILTERS_] [*detail*]
\tThe VMs.

*gc* _TARGET_ [*--dry-run*]
\tCollect.

# FILTERS

*pid* _PID_
\tOnly this process.

# TARGETS

*pid* _PID_
\tThe VM of this process.
"""


def run(page):
    with tempfile.TemporaryDirectory() as d:
        table, scd = os.path.join(d, 'table'), os.path.join(d, 'page.scd')
        with open(table, 'w') as f:
            f.write(TABLE)
        with open(scd, 'w') as f:
            f.write(page)
        p = subprocess.run([sys.executable, CHECKER, table, scd], capture_output=True, text=True)
        return p.returncode, p.stdout


def case(name, page, want_rc, want_in=()):
    rc, out = run(page)
    problems = ['exit %d, want %d' % (rc, want_rc)] if rc != want_rc else []
    problems += ['output lacks %r' % text for text in want_in if text not in out]
    if problems:
        failures.append(name)
        print('FAIL %s: %s\n%s' % (name, '; '.join(problems), out))
    else:
        print('ok   %s' % name)


def changed(old, new):
    assert old in PAGE, old
    return PAGE.replace(old, new)


case('agreeing page passes', PAGE, 0)
case('keyword missing', changed(' [*detail*]', ''), 1, ['"vm show" lacks detail'])
case('keyword the table lacks', changed('[*detail*]', '[*detail*] [*colour*]'), 1,
     ['"vm show" names what the table lacks: colour'])
case('option missing', changed(' [*--dry-run*]', ''), 1, ['"gc" lacks --dry-run'])
case('value word missing', changed('*human*|*json*', '*human*'), 1, ['OPTIONS lacks json'])
case('global option the table lacks', changed('*-j*, *--json*', '*-j*, *--json*, *--yaml*'), 1,
     ['OPTIONS names what the table lacks: --yaml'])
case('command missing', changed('*gc* _TARGET_ [*--dry-run*]\n\tCollect.\n', ''), 1,
     ['no entry for "gc"'])
case('filter the table lacks', changed('*pid* _PID_\n\tOnly', '*pid* _PID_\n\tOnly.\n\n*addr* _A_\n\tOnly'),
     1, ['"vm show" names what the table lacks: addr'])
case('synopsis word the table lacks', changed('_OBJECT_\n', '_OBJECT_\n\n*xesvmctl* *-q*\n'), 1,
     ['SYNOPSIS names what the table lacks: -q'])

sys.exit(1 if failures else 0)
