#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Writes a shell's completion file: its template with the command table.

usage: gen-completion.py SHELL TABLE TEMPLATE OUTPUT

SHELL is bash, zsh or fish. TABLE is the output of `xesvmctl
__complete-table` (CONTEXT, WORD, TYPE, VALUE-KIND, DESCRIPTION, tab
separated). TEMPLATE holds the completer's logic and one line "@ROWS@",
which becomes one call of the template's row function per table line, so
the words a shell offers always are the table's: there is no list to
keep by hand.
"""
import sys

PLACEHOLDER = '@ROWS@'

# The function the template defines to record one row.
ROW_FUNCTION = {'bash': '_xesvmctl_w', 'zsh': '_xesvmctl_w', 'fish': '__xesvmctl_w'}


def quote_posix(s):
    """@s as one single-quoted word of bash or zsh."""
    return "'" + s.replace("'", "'\\''") + "'"


def quote_fish(s):
    """@s as one single-quoted word of fish (which escapes \\ and ' inside)."""
    return "'" + s.replace('\\', '\\\\').replace("'", "\\'") + "'"


QUOTE = {'bash': quote_posix, 'zsh': quote_posix, 'fish': quote_fish}


def read_table(path):
    rows = []
    with open(path, encoding='utf-8') as f:
        for n, line in enumerate(f, 1):
            fields = line.rstrip('\n').split('\t')
            if len(fields) != 5 or not fields[1]:
                sys.exit('%s:%d: not CONTEXT WORD TYPE KIND DESCRIPTION: %r' % (path, n, line))
            rows.append(fields)
    if not rows:
        sys.exit('%s: the command table is empty' % path)
    return rows


def render_rows(shell, rows):
    """The row calls, columns aligned as a person would write them."""
    quote = QUOTE[shell]
    cells = [[quote(ctx), word, typ, kind, quote(desc)] for ctx, word, typ, kind, desc in rows]
    # Align the short columns; a long word just pushes its row along.
    widths = [max(len(c[i]) for c in cells) for i in range(4)]
    widths[1] = min(widths[1], 9)
    widths[3] = min(widths[3], 7)
    lines = []
    for c in cells:
        line = ROW_FUNCTION[shell]
        for i in range(4):
            line += ' ' + c[i].ljust(widths[i])
        lines.append(line + ' ' + c[4])
    return '\n'.join(lines)


def main():
    if len(sys.argv) != 5 or sys.argv[1] not in ROW_FUNCTION:
        sys.exit(__doc__)
    shell, table, template, output = sys.argv[1:]
    with open(template, encoding='utf-8') as f:
        text = f.read()
    lines = text.split('\n')
    if lines.count(PLACEHOLDER) != 1:
        sys.exit('%s: needs exactly one line %s' % (template, PLACEHOLDER))
    lines[lines.index(PLACEHOLDER)] = render_rows(shell, read_table(table))
    text = '\n'.join(lines)
    with open(output, 'w', encoding='utf-8') as f:
        f.write(text)


if __name__ == '__main__':
    main()
