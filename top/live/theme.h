/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Colour themes: each maps the render roles (render.h) to a foreground and
 * background for 256-colour terminals and for 8/16-colour ones. Monochrome
 * terminals ignore themes and use attributes only (tui.c). Names and order
 * follow upstream scxtop (`t` cycles).
 */
#ifndef SCX_TOP_LIVE_THEME_H
#define SCX_TOP_LIVE_THEME_H

#include <stddef.h>
#include <stdint.h>

#include "top/live/render.h"

struct theme_color {
	int16_t fg, bg;		/* colour index, -1: terminal default */
};

struct tui_theme {
	const char *name;
	struct theme_color c256[R_MAX];
	struct theme_color c16[R_MAX];
};

extern const struct tui_theme tui_themes[];
extern const size_t tui_nr_themes;

/* Index of the theme named s (case-insensitive), or -1. */
int theme_find(const char *s);

#endif
