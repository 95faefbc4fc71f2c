// SPDX-License-Identifier: GPL-2.0
#include "top/live/theme.h"

#include <strings.h>

#include "common/util.h"

/* 16-colour indexes */
enum { BLK, RED, GRN, YEL, BLU, MAG, CYN, WHT, BBLK, BRED, BGRN, BYEL, BBLU, BMAG, BCYN, BWHT };
#define D (-1)

/* text, dim, title, header, status, selected, good, warn, bad, accent, g0..g4 */
#define THEME256(text, dim, title_fg, title_bg, header, status_fg, status_bg, sel_fg, sel_bg,    \
		 good, warn, bad, accent, g0, g1, g2, g3, g4)                                      \
	{{text, D}, {dim, D}, {title_fg, title_bg}, {header, D}, {status_fg, status_bg},          \
	 {sel_fg, sel_bg}, {good, D}, {warn, D}, {bad, D}, {accent, D}, {g0, D}, {g1, D},         \
	 {g2, D}, {g3, D}, {g4, D}}

#define THEME16(text, dim, title_fg, title_bg, header, status_fg, status_bg, sel_fg, sel_bg,     \
		good, warn, bad, accent, g0, g1, g2, g3, g4)                                       \
	THEME256(text, dim, title_fg, title_bg, header, status_fg, status_bg, sel_fg, sel_bg,     \
		 good, warn, bad, accent, g0, g1, g2, g3, g4)

const struct tui_theme tui_themes[] = {
	{"Default",
	 THEME256(D, 244, 231, 24, 75, 252, 236, 16, 117, 77, 214, 203, 141, 77, 149, 221, 209,
		  203),
	 THEME16(D, BBLK, BWHT, BLU, BCYN, WHT, BBLK, BLK, CYN, GRN, YEL, RED, MAG, GRN, BGRN,
		 YEL, BYEL, BRED)},
	{"MidnightGreen",
	 THEME256(151, 242, 16, 35, 43, 151, 235, 16, 79, 41, 186, 167, 80, 22, 28, 34, 40, 46),
	 THEME16(GRN, BBLK, BLK, GRN, BGRN, GRN, BLK, BLK, BGRN, BGRN, YEL, RED, CYN, GRN, GRN,
		 BGRN, BGRN, BYEL)},
	{"IAmBlue",
	 THEME256(153, 60, 231, 19, 111, 153, 17, 231, 27, 117, 222, 210, 147, 24, 25, 26, 27,
		  33),
	 THEME16(BCYN, BBLK, BWHT, BLU, BBLU, CYN, BLK, BWHT, BLU, BCYN, YEL, RED, BMAG, BLU,
		 BLU, BBLU, BCYN, BWHT)},
	{"SolarizedDark",
	 THEME256(246, 240, 230, 24, 37, 245, 235, 230, 33, 106, 136, 160, 61, 37, 106, 136,
		  166, 160),
	 THEME16(WHT, BBLK, BWHT, BLU, CYN, WHT, BLK, BWHT, BLU, GRN, YEL, RED, MAG, CYN, GRN,
		 YEL, BRED, RED)},
	{"Greyscale",
	 THEME256(252, 242, 16, 250, 255, 250, 237, 16, 248, 255, 250, 231, 253, 240, 244, 248,
		  252, 231),
	 THEME16(WHT, BBLK, BLK, WHT, BWHT, WHT, BBLK, BLK, WHT, BWHT, WHT, BWHT, BWHT, BBLK,
		 BBLK, WHT, WHT, BWHT)},
	{"Nord",
	 THEME256(253, 60, 236, 110, 110, 188, 237, 236, 109, 108, 222, 167, 139, 109, 108, 150,
		  222, 167),
	 THEME16(WHT, BBLK, BLK, CYN, BCYN, WHT, BBLK, BLK, BCYN, GRN, YEL, RED, MAG, CYN, GRN,
		 BGRN, YEL, RED)},
	{"Dracula",
	 THEME256(231, 61, 231, 61, 141, 231, 236, 16, 212, 84, 228, 203, 212, 117, 84, 228,
		  215, 203),
	 THEME16(BWHT, BBLK, BWHT, MAG, BMAG, WHT, BBLK, BLK, BMAG, BGRN, BYEL, BRED, MAG, BCYN,
		 BGRN, BYEL, YEL, BRED)},
	{"Gruvbox",
	 THEME256(223, 245, 235, 214, 214, 223, 237, 235, 108, 142, 214, 167, 175, 108, 142,
		  214, 208, 167),
	 THEME16(WHT, BBLK, BLK, YEL, BYEL, WHT, BBLK, BLK, CYN, GRN, YEL, RED, MAG, CYN, GRN,
		 BYEL, YEL, RED)},
};

const size_t tui_nr_themes = ARRAY_SIZE(tui_themes);

int theme_find(const char *s)
{
	for (size_t i = 0; i < tui_nr_themes; i++)
		if (!strcasecmp(s, tui_themes[i].name))
			return (int)i;
	return -1;
}
