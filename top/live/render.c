// SPDX-License-Identifier: GPL-2.0
#include "top/live/render.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/strbuf.h"
#include "top/live/utf8.h"

void tbuf_init(struct tui_buf *b, int w, int h, bool ascii)
{
	memset(b, 0, sizeof(*b));
	b->ascii = ascii;
	tbuf_resize(b, w, h);
}

void tbuf_resize(struct tui_buf *b, int w, int h)
{
	b->w = MAX(w, 0);
	b->h = MAX(h, 0);
	free(b->cells);
	b->cells = xcalloc((size_t)MAX(b->w * b->h, 1), sizeof(*b->cells));
	tbuf_clear(b);
}

void tbuf_release(struct tui_buf *b)
{
	free(b->cells);
	memset(b, 0, sizeof(*b));
}

void tbuf_clear(struct tui_buf *b)
{
	for (int i = 0; i < b->w * b->h; i++)
		b->cells[i] = (struct tui_cell){' ', R_TEXT, 0};
}

struct tui_cell *tbuf_at(struct tui_buf *b, int x, int y)
{
	if (x < 0 || y < 0 || x >= b->w || y >= b->h)
		return NULL;
	return &b->cells[y * b->w + x];
}

static void put(struct tui_buf *b, int x, int y, uint32_t ch, int role, int attr)
{
	struct tui_cell *c = tbuf_at(b, x, y);

	if (c)
		*c = (struct tui_cell){ch, (uint8_t)role, (uint8_t)attr};
}

bool tbuf_char_ok(uint32_t cp)
{
	if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0))
		return false;
	/* combining marks, zero-width and East Asian wide ranges take 0 or 2 columns */
	if ((cp >= 0x300 && cp < 0x370) || (cp >= 0x200b && cp <= 0x200f) || cp == 0xfeff)
		return false;
	if ((cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf) ||
	    (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) ||
	    (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) ||
	    (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x1f300 && cp <= 0x1faff) ||
	    (cp >= 0x20000 && cp <= 0x3fffd))
		return false;
	return true;
}

/* Next code point of s (advances *s); invalid bytes give '?'. */
static uint32_t next_cp(const char **s)
{
	uint32_t cp;

	*s += utf8_decode(*s, &cp);
	return cp == UTF8_INVALID ? '?' : cp;
}

int tbuf_text(struct tui_buf *b, int x, int y, int maxw, int role, int attr, const char *s)
{
	int n = 0;

	if (maxw < 0)
		maxw = b->w - x;
	while (*s && n < maxw) {
		uint32_t cp = next_cp(&s);

		if (!tbuf_char_ok(cp))
			cp = '?';
		if (b->ascii && cp >= 0x80)
			cp = '?';
		put(b, x + n, y, cp, role, attr);
		n++;
	}
	return n;
}

int tbuf_printf(struct tui_buf *b, int x, int y, int maxw, int role, int attr, const char *fmt,
		...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return tbuf_text(b, x, y, maxw, role, attr, buf);
}

static int utf8_cols(const char *s)
{
	int n = 0;

	while (*s) {
		next_cp(&s);
		n++;
	}
	return n;
}

int tbuf_text_right(struct tui_buf *b, int x, int y, int w, int role, int attr, const char *s)
{
	int cols = utf8_cols(s);

	while (cols > w && *s) {	/* too long: keep the right end */
		next_cp(&s);
		cols--;
	}
	return tbuf_text(b, x + w - cols, y, cols, role, attr, s);
}

void tbuf_fill(struct tui_buf *b, int x, int y, int w, uint32_t ch, int role, int attr)
{
	for (int i = 0; i < w; i++)
		put(b, x + i, y, ch, role, attr);
}

void tbuf_style(struct tui_buf *b, int x, int y, int w, int role, int attr)
{
	for (int i = 0; i < w; i++) {
		struct tui_cell *c = tbuf_at(b, x + i, y);

		if (c) {
			c->role = (uint8_t)role;
			c->attr = (uint8_t)attr;
		}
	}
}

static double clamp01(double v)
{
	if (!(v > 0))	/* also NaN */
		return 0;
	return v > 1 ? 1 : v;
}

void tbuf_hbar(struct tui_buf *b, int x, int y, int w, double frac, int role)
{
	static const uint32_t part[8] = {' ', 0x258f, 0x258e, 0x258d, 0x258c, 0x258b, 0x258a, 0x2589};
	int eighths;

	if (w <= 0)
		return;
	eighths = (int)lround(clamp01(frac) * w * 8);
	for (int i = 0; i < w; i++) {
		int e = eighths - i * 8;
		uint32_t ch;

		if (e >= 8)
			ch = b->ascii ? '#' : 0x2588;
		else if (e <= 0)
			ch = ' ';
		else
			ch = b->ascii ? (e >= 4 ? '#' : ' ') : part[e];
		put(b, x + i, y, ch, role, 0);
	}
}

void tbuf_gauge(struct tui_buf *b, int x, int y, int w, double frac, int role)
{
	int full = (int)lround(clamp01(frac) * w);

	for (int i = 0; i < w; i++) {
		if (i < full)
			put(b, x + i, y, b->ascii ? '=' : 0x2501, role, TA_BOLD);
		else
			put(b, x + i, y, b->ascii ? '-' : 0x2500, R_DIM, 0);
	}
}

int tbuf_grad_role(double frac)
{
	frac = clamp01(frac);
	if (frac < 0.2)
		return R_G0;
	if (frac < 0.4)
		return R_G1;
	if (frac < 0.6)
		return R_G2;
	if (frac < 0.8)
		return R_G3;
	return R_G4;
}

void tbuf_sparkline(struct tui_buf *b, int x, int y, int w, const float *vals, size_t n,
		    float max, bool grad, int role)
{
	static const uint32_t levels[9] = {' ', 0x2581, 0x2582, 0x2583, 0x2584,
					   0x2585, 0x2586, 0x2587, 0x2588};
	static const char ascii[9] = " ._-~=+*#";
	size_t shown = MIN(n, (size_t)MAX(w, 0));

	if (max <= 0)
		for (size_t i = 0; i < n; i++)
			max = MAX(max, vals[i]);
	for (int i = 0; i < w; i++)
		put(b, x + i, y, ' ', role, 0);
	for (size_t i = 0; i < shown; i++) {
		float v = vals[n - shown + i];
		double f = max > 0 ? clamp01(v / max) : 0;
		int lv = (int)lround(f * 8);

		if (lv == 0 && v > 0)
			lv = 1;	/* any activity shows */
		put(b, x + w - (int)shown + (int)i, y, b->ascii ? (uint32_t)ascii[lv] : levels[lv],
		    grad ? tbuf_grad_role(f) : role, 0);
	}
}

void tbuf_to_text(const struct tui_buf *b, struct strbuf *out)
{
	for (int y = 0; y < b->h; y++) {
		size_t keep = out->len;

		for (int x = 0; x < b->w; x++) {
			uint32_t ch = b->cells[y * b->w + x].ch;

			char enc[4];

			strbuf_add(out, enc, utf8_encode(ch, enc));
			if (ch != ' ')
				keep = out->len;
		}
		strbuf_setlen(out, keep);
		strbuf_addch(out, '\n');
	}
}
