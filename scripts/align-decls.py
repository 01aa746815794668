#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Aligns the local declarations at the top of each function the style(9)
way, which clang-format cannot: names at a common tab stop, the '*' of a
pointer hanging in the columns before the name.  A block it cannot read
(a declarator over two lines, a function pointer) or that would pass 80
columns is left as it is.  Only whitespace inside lines changes, so the
object code stays the same byte for byte.
Usage: scripts/align-decls.py FILE.c..."""
import re, sys

Q = {'const', 'volatile', 'static', 'register', 'unsigned', 'signed'}
MORE = {'long', 'int', 'char', 'short', 'double'}
DECL = re.compile(r'^\**[A-Za-z_]\w*(\[[^\]]*\])*')

def split(line):
    if not line.startswith('\t') or line.startswith('\t\t'):
        return None
    body = line[1:].rstrip('\n')
    if not body.endswith(';') or body.startswith(('return', 'goto', 'case', '/*')):
        return None
    toks = re.split(r'[ \t]+', body)
    i = 0
    while i < len(toks) and toks[i] in Q:
        i += 1
    if i < len(toks) and toks[i] in ('struct', 'enum', 'union'):
        i += 2
    elif i < len(toks) and not DECL.fullmatch(toks[i].rstrip(';,')) is None \
            and not toks[i].startswith('*') and i + 1 < len(toks):
        # a base type name, unless it is the declarator itself
        if re.fullmatch(r'[A-Za-z_]\w*', toks[i]):
            i += 1
        else:
            return None
    while i < len(toks) - 1 and toks[i] in MORE:
        i += 1
    if i == 0 or i >= len(toks):
        return None
    typ = ' '.join(toks[:i])
    rest = ' '.join(toks[i:])
    # the original spacing inside the declarators is kept
    m = re.match(r'^(\t' + r'[ \t]+'.join(map(re.escape, toks[:i])) + r')[ \t]+(.*)$', line.rstrip('\n'))
    if not m:
        return None
    rest = m.group(2)
    if not DECL.match(rest) or '(' in rest.split('=')[0]:
        return None
    if typ in ('return', 'else', 'break', 'continue') or '(' in typ or '=' in typ:
        return None
    stars = len(rest) - len(rest.lstrip('*'))
    return typ, stars, rest

def width(s, col=0):
    for ch in s:
        col = (col // 8 + 1) * 8 if ch == '\t' else col + 1
    return col

def fmt(block):
    maxt = max(len(t) for t, _, _ in block)
    maxs = max(s for _, s, _ in block)
    stop = ((8 + maxt) // 8 + 1) * 8
    out = []
    for t, s, r in block:
        col = 8 + len(t)
        tabs = 0
        while col < stop:
            col = (col // 8 + 1) * 8
            tabs += 1
        line = '\t' + t + '\t' * tabs + ' ' * (maxs - s) + r + '\n'
        if width(line.rstrip('\n')) > 80:
            return None
        out.append(line)
    return out

def run(path):
    lines = open(path).read().split('\n')
    lines = [l + '\n' for l in lines[:-1]] + ([lines[-1]] if lines[-1] else [])
    out, i, changed = [], 0, 0
    while i < len(lines):
        out.append(lines[i])
        if lines[i] == '{\n':
            j = i + 1
            block = []
            while j < len(lines) and lines[j] != '\n':
                d = split(lines[j])
                if d is None:
                    block = None
                    break
                block.append(d)
                j += 1
            if block and j < len(lines) and lines[j] == '\n':
                new = fmt(block)
                if new is not None:
                    if new != lines[i+1:j]:
                        changed += 1
                    out.extend(new)
                    i = j
                    continue
        i += 1
    open(path, 'w').write(''.join(out))
    return changed

total = 0
for p in sys.argv[1:]:
    total += run(p)
print('blocks changed:', total)
