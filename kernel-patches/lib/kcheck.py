#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Read guest console logs: find kernel splats and (with --ktap) KUnit results.

Usage: kcheck.py [--ktap --tree TREE] LOG...

Prints one line per problem and, with --ktap, one line per KUnit test case
and a final "kunit: N passed, N failed, N skipped" line. Exit status 0 only
if no log has a splat and (with --ktap) every KTAP stream is complete and
has no failed test.
"""
import argparse
import re
import sys

# Console lines that mean the kernel is not healthy, whatever a test says.
SPLATS = [
    (re.compile(r'\bOops\b|general protection fault|Unable to handle kernel'), 'oops'),
    (re.compile(r'\bBUG: KASAN:|KASAN: '), 'KASAN'),
    (re.compile(r'\bBUG: KFENCE:'), 'KFENCE'),
    (re.compile(r'\bUBSAN: '), 'UBSAN'),
    (re.compile(r'\bBUG: '), 'BUG'),
    (re.compile(r'kernel BUG at'), 'BUG'),
    (re.compile(r'Kernel panic'), 'panic'),
    (re.compile(r'\bWARNING: '), 'WARNING'),
    (re.compile(r'possible circular locking dependency'), 'lockdep'),
    (re.compile(r'inconsistent lock state'), 'lockdep'),
    (re.compile(r'possible recursive locking'), 'lockdep'),
    (re.compile(r'suspicious RCU usage'), 'lockdep/RCU'),
    (re.compile(r'INFO: task .* blocked for more than'), 'hung task'),
    (re.compile(r'rcu: INFO: .*detected stalls|soft lockup|hard LOCKUP'), 'stall'),
    (re.compile(r'unreferenced object 0x'), 'kmemleak'),
    (re.compile(r'kmemleak: .*(disabled|[Cc]annot allocate)'), 'kmemleak disabled'),
]
TIMESTAMP = re.compile(r'^\[\s*\d+\.\d+\]\s?')
KTAP_LINE = re.compile(r'^\s*(KTAP version |TAP version |\d+\.\.\d+|ok |not ok |#)')


# The guest init ends the run with sysrq b (reset; QEMU runs with
# -no-reboot, so it exits) or, in older guests, sysrq o (power off); from
# then on devices (the 9p root among them) go away and PID 1 may die of
# SIGBUS before QEMU exits: what follows is not the health of the kernel
# under test.
POWER_DOWN = re.compile(r'sysrq: (Power Off|Resetting)|reboot: (Power down|Restarting system)')


def find_splats(path, lines):
    found = 0
    for num, line in enumerate(lines, 1):
        text = TIMESTAMP.sub('', line.rstrip())
        if POWER_DOWN.search(text):
            break
        for pattern, kind in SPLATS:
            if pattern.search(text):
                print(f'{path}:{num}: {kind}: {text}')
                found += 1
                break
    return found


def leaves(test, prefix):
    """Yield (name, status) for every test case (leaf) under test."""
    for sub in test.subtests:
        name = f'{prefix}.{sub.name}' if prefix else sub.name
        if sub.subtests:
            yield from leaves(sub, name)
        else:
            yield name, sub.status


def read_ktap(path, lines, tree):
    sys.path.insert(0, f'{tree}/tools/testing/kunit')
    import kunit_parser  # pylint: disable=import-outside-toplevel
    import kunit_printer  # pylint: disable=import-outside-toplevel
    status = kunit_parser.TestStatus
    # Other kernel messages can land between a KTAP header and its subtest
    # line and derail the parser; give it the KTAP lines only.
    lines = [line for line in lines if KTAP_LINE.match(TIMESTAMP.sub('', line))]
    test = kunit_parser.parse_run_tests(lines, kunit_printer.null_printer)
    counts = {'passed': 0, 'failed': 0, 'skipped': 0}
    for name, st in leaves(test, ''):
        if st == status.SUCCESS:
            word = 'PASS'
            counts['passed'] += 1
        elif st == status.SKIPPED:
            word = 'SKIP'
            counts['skipped'] += 1
        else:
            word = 'FAIL' if st == status.FAILURE else f'FAIL ({st.name})'
            counts['failed'] += 1
        print(f'{word} {name}')
    problems = []
    if test.status in (status.NO_TESTS, status.FAILURE_TO_PARSE_TESTS):
        problems.append(f'no KTAP results ({test.status.name})')
    elif test.status == status.TEST_CRASHED:
        problems.append('KTAP stream ended early (crash or timeout)')
    if test.counts.errors:
        problems.append(f'{test.counts.errors} KTAP parse errors '
                        '(missing or malformed results)')
    for problem in problems:
        print(f'{path}: incomplete: {problem}')
    return counts, len(problems)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--ktap', action='store_true')
    parser.add_argument('--tree', default='.')
    parser.add_argument('logs', nargs='+')
    args = parser.parse_args()
    bad = 0
    total = {'passed': 0, 'failed': 0, 'skipped': 0}
    for path in args.logs:
        with open(path, encoding='utf-8', errors='replace') as log:
            lines = log.read().splitlines(keepends=True)
        problems = find_splats(path, lines)
        if args.ktap:
            counts, incomplete = read_ktap(path, lines, args.tree)
            problems += incomplete
            for key, value in counts.items():
                total[key] += value
            # The health of the kernel log is a test of its own: every case
            # can pass while the kernel splats or the run stops half way.
            if problems:
                print(f'FAIL kernel log {path} ({problems} problems, above)')
                total['failed'] += 1
            else:
                print(f'PASS kernel log {path} (no splat, KTAP complete)')
                total['passed'] += 1
        bad += problems
    if args.ktap:
        print(f"kunit: {total['passed']} passed, {total['failed']} failed, "
              f"{total['skipped']} skipped")
    return 1 if bad or total['failed'] else 0


if __name__ == '__main__':
    sys.exit(main())
