#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""README's "Building by hand" names every package scripts/install-deps
installs for building and testing (build_pkgs and test_pkgs), so someone
who sets up by hand gets what the tests use.

usage: test_readme_deps.py README.md scripts/install-deps
"""
import re
import sys

# Packages README names another way (None: not at all): build-essential is
# the compiler everyone has, libnl-3-dev comes with libnl-genl-3-dev, and
# time(1) is for the benchmarks (tests/bench/README.md), not the tests.
SPELT_OTHERWISE = {'build-essential': None, 'ninja-build': 'ninja', 'libnl-3-dev': 'libnl-genl-3-dev',
                   'time': None}


def packages(script, array):
    m = re.search(r'^%s=\((.*?)^\)' % array, script, re.S | re.M)
    if not m:
        raise SystemExit('%s: no %s=( ... ) list' % (sys.argv[2], array))
    words = []
    for line in m.group(1).splitlines():
        words += line.split('#', 1)[0].split()
    return words


def main():
    readme, deps = sys.argv[1], sys.argv[2]
    with open(readme) as f:
        text = f.read()
    m = re.search(r'^## Building by hand\n(.*?)(?=^## )', text, re.S | re.M)
    if not m:
        print('%s: no "## Building by hand" section' % readme)
        return 1
    section = m.group(1)
    with open(deps) as f:
        script = f.read()
    missing = []
    for pkg in packages(script, 'build_pkgs') + packages(script, 'test_pkgs'):
        name = SPELT_OTHERWISE.get(pkg, pkg)
        if name and not re.search(r'(?<![\w-])%s(?![\w-])' % re.escape(name), section):
            missing.append(pkg)
    if missing:
        print('README.md, "Building by hand", does not name: %s' % ', '.join(missing))
        return 1
    print('README names all %d packages' % (len(packages(script, 'build_pkgs')) +
                                             len(packages(script, 'test_pkgs'))))
    return 0


if __name__ == '__main__':
    sys.exit(main())
