# SPDX-License-Identifier: BSD-2-Clause
"""Paints what a terminal shows for mfa-enroll's QR lines into a PGM image,
as a camera would see it: python3 qr_render.py THEME OUT.pgm < output.
THEME is "dark" (light text on dark) or "light" (dark text on light); the
default colours come from it, explicit SGR colours (30-37, 40-47, 0, 7)
are honoured.  Only the lines made of blocks, spaces and escapes are
painted, with a margin of the theme's background around them."""

import re
import sys

THEMES = {'dark': (0xd0, 0x1c), 'light': (0x1c, 0xf4)}   # (fg, bg)
PALETTE = {0: 0x00, 7: 0xe5}        # black, white; others mid grey
SGR = re.compile(r'\x1b\[([0-9;]*)m')
UPPER, LOWER = '\u2580', '\u2584'
CW, CH, MARGIN = 4, 8, 4             # pixels per cell; cells of margin


def cells(line, theme):
    """(upper, lower) grey levels for each cell of one line."""
    fg = bg = None
    rev = False
    pos, out = 0, []
    for m in list(SGR.finditer(line)) + [None]:
        end = m.start() if m else len(line)
        for ch in line[pos:end]:
            f = THEMES[theme][0] if fg is None else fg
            b = THEMES[theme][1] if bg is None else bg
            if rev:
                f, b = b, f
            up = f if ch in ('\u2588', UPPER) else b
            lo = f if ch in ('\u2588', LOWER) else b
            out.append((up, lo))
        if m is None:
            break
        pos = m.end()
        for code in (m.group(1) or '0').split(';'):
            c = int(code or 0)
            if c == 0:
                fg = bg = None
                rev = False
            elif c == 7:
                rev = True
            elif c == 27:
                rev = False
            elif 30 <= c <= 37:
                fg = PALETTE.get(c - 30, 0x80)
            elif 40 <= c <= 47:
                bg = PALETTE.get(c - 40, 0x80)
            elif c == 39:
                fg = None
            elif c == 49:
                bg = None
    return out


def main():
    theme, path = sys.argv[1], sys.argv[2]
    text = sys.stdin.buffer.read().decode('utf-8')
    qr = [l for l in text.split('\n')
          if l and re.fullmatch('[ \u2588\u2580\u2584]*',
                                SGR.sub('', l)) and SGR.sub('', l)]
    rows = [cells(l, theme) for l in qr]
    width = max((len(r) for r in rows), default=0) + 2 * MARGIN
    bg = THEMES[theme][1]
    blank = [(bg, bg)] * width
    rows = [blank] * MARGIN + \
        [[(bg, bg)] * MARGIN + r + [(bg, bg)] * (width - MARGIN - len(r))
         for r in rows] + [blank] * MARGIN
    pix = bytearray()
    for r in rows:
        for half in (0, 1):
            line = bytearray()
            for c in r:
                line += bytes([c[half]]) * CW
            pix += bytes(line) * (CH // 2)
    with open(path, 'wb') as fh:
        fh.write(b'P5\n%d %d\n255\n' % (width * CW, len(rows) * CH))
        fh.write(pix)


if __name__ == '__main__':
    main()
