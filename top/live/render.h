/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Rendering into a plain cell buffer, without curses: each cell holds one
 * character (a Unicode code point, one column wide), a colour role and
 * attributes. The views (views.c) draw here; tui.c copies the buffer to the
 * terminal; tests compare tbuf_to_text() with expected screens.
 *
 * Everything is clipped to the buffer: a view can never write outside it, so
 * a small or resized terminal shows less, never garbage.
 */
#ifndef SCX_TOP_LIVE_RENDER_H
#define SCX_TOP_LIVE_RENDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/util.h"

struct strbuf;

/* Colour roles; themes map them to terminal colours (tui.c). */
enum tui_role {
	R_TEXT,
	R_DIM,
	R_TITLE,	/* title bar */
	R_HEADER,	/* table headers, group headers */
	R_STATUS,	/* status/key line */
	R_SELECTED,	/* selected row */
	R_GOOD,
	R_WARN,
	R_BAD,
	R_ACCENT,
	R_G0,		/* 5-step gradient for charts, low → high */
	R_G1,
	R_G2,
	R_G3,
	R_G4,
	R_MAX,
};

enum tui_attr {
	TA_BOLD = 1 << 0,
	TA_REVERSE = 1 << 1,
	TA_UNDERLINE = 1 << 2,
};

struct tui_cell {
	uint32_t ch;
	uint8_t role;
	uint8_t attr;
};

struct tui_buf {
	int w, h;
	bool ascii;		/* no Unicode block/line characters (non-UTF-8 terminal) */
	struct tui_cell *cells;
};

void tbuf_init(struct tui_buf *b, int w, int h, bool ascii);
void tbuf_resize(struct tui_buf *b, int w, int h);
void tbuf_release(struct tui_buf *b);
/* Every cell to a space in role R_TEXT. */
void tbuf_clear(struct tui_buf *b);
struct tui_cell *tbuf_at(struct tui_buf *b, int x, int y);	/* NULL when outside */

/*
 * Write UTF-8 text at (x, y), at most maxw columns (< 0: to the right edge).
 * Control characters and invalid UTF-8 show as '?'. Returns columns written.
 */
int tbuf_text(struct tui_buf *b, int x, int y, int maxw, int role, int attr, const char *s);
int tbuf_printf(struct tui_buf *b, int x, int y, int maxw, int role, int attr, const char *fmt,
		...) __printf(7, 8);
/* Text right-aligned so it ends at column x + w - 1 (clipped on the left when too long). */
int tbuf_text_right(struct tui_buf *b, int x, int y, int w, int role, int attr, const char *s);
void tbuf_fill(struct tui_buf *b, int x, int y, int w, uint32_t ch, int role, int attr);
/* Set role/attr of w cells, keeping their characters (row highlight). */
void tbuf_style(struct tui_buf *b, int x, int y, int w, int role, int attr);

/* Horizontal bar of w cells filled to frac (0..1) with eighth-cell precision. */
void tbuf_hbar(struct tui_buf *b, int x, int y, int w, double frac, int role);
/* Line gauge: frac of w as a heavy line, the rest light. */
void tbuf_gauge(struct tui_buf *b, int x, int y, int w, double frac, int role);
/*
 * Sparkline of vals[0..n) (oldest first) in w cells, newest at the right, scaled
 * to max (<= 0: the largest value). Each cell coloured by its own level when
 * grad is true (roles R_G0..R_G4), else role.
 */
void tbuf_sparkline(struct tui_buf *b, int x, int y, int w, const float *vals, size_t n,
		    float max, bool grad, int role);

/* Gradient role for a fraction of the range (20/40/60/80 % steps). */
int tbuf_grad_role(double frac);

/* The buffer as UTF-8 lines (trailing spaces removed, '\n' after each). */
void tbuf_to_text(const struct tui_buf *b, struct strbuf *out);
/* Column-wise UTF-8 width assumption: code points that take two columns or none
 * are drawn as '?' (the buffer is one column per cell). */
bool tbuf_char_ok(uint32_t cp);

#endif
