// SPDX-License-Identifier: GPL-2.0
#include "test_common.h"

#include "common/strbuf.h"
#include "top/live/render.h"

static char *text_of(const struct tui_buf *b)
{
	struct strbuf sb = STRBUF_INIT;

	tbuf_to_text(b, &sb);
	return strbuf_detach(&sb, NULL);
}

static void tbuf__text__clipped_and_utf8(void **state)
{
	struct tui_buf b;
	char *t;

	tbuf_init(&b, 10, 3, false);
	assert_int_equal(tbuf_text(&b, 7, 0, -1, R_TEXT, 0, "abcdef"), 3);	/* right edge */
	assert_int_equal(tbuf_text(&b, -2, 1, -1, R_TEXT, 0, "xyz"), 3);	/* left edge */
	assert_int_equal(tbuf_text(&b, 0, 5, -1, R_TEXT, 0, "below"), 5);	/* nothing drawn */
	tbuf_text(&b, 0, 2, 4, R_BAD, TA_BOLD, "\xc3\xa9t\x01\xff\xe4\xb8\xad");
	t = text_of(&b);
	/* é kept, control, invalid byte and a wide CJK character become '?' */
	assert_string_equal(t, "       abc\nz\n\xc3\xa9t??\n");
	assert_int_equal(tbuf_at(&b, 0, 2)->role, R_BAD);
	assert_int_equal(tbuf_at(&b, 0, 2)->attr, TA_BOLD);
	assert_null(tbuf_at(&b, 10, 0));
	assert_null(tbuf_at(&b, 0, -1));
	free(t);
	tbuf_clear(&b);
	tbuf_text_right(&b, 0, 0, 6, R_TEXT, 0, "42");
	tbuf_text_right(&b, 0, 1, 3, R_TEXT, 0, "12345");	/* too long: keeps the right end */
	t = text_of(&b);
	assert_string_equal(t, "    42\n345\n\n");
	free(t);
	tbuf_release(&b);
}

static void tbuf__ascii_terminal__no_unicode(void **state)
{
	struct tui_buf b;
	char *t;
	float v[] = {0, 25, 50, 100};

	tbuf_init(&b, 8, 3, true);
	tbuf_text(&b, 0, 0, -1, R_TEXT, 0, "\xc3\xa9x");
	tbuf_hbar(&b, 0, 1, 8, 0.5, R_G2);
	tbuf_sparkline(&b, 0, 2, 4, v, 4, 100, false, R_TEXT);
	t = text_of(&b);
	assert_string_equal(t, "?x\n####\n _~#\n");
	free(t);
	tbuf_release(&b);
}

static void tbuf__hbar__eighths_and_bounds(void **state)
{
	struct tui_buf b;
	char *t;

	tbuf_init(&b, 4, 4, false);
	tbuf_hbar(&b, 0, 0, 4, 1.0, R_G4);
	tbuf_hbar(&b, 0, 1, 4, 0.5625, R_G2);	/* 18 eighths: 2 full + 2/8 */
	tbuf_hbar(&b, 0, 2, 4, -3, R_G0);
	tbuf_hbar(&b, 0, 3, 4, 0.0 / 0.0, R_G0);	/* NaN: empty */
	t = text_of(&b);
	assert_string_equal(t, "\u2588\u2588\u2588\u2588\n\u2588\u2588\u258e\n\n\n");
	assert_int_equal(tbuf_at(&b, 0, 0)->role, R_G4);
	free(t);
	tbuf_release(&b);
}

static void tbuf__sparkline__newest_right_scaled(void **state)
{
	struct tui_buf b;
	char *t;
	float v[] = {100, 0, 1, 50, 100};

	tbuf_init(&b, 6, 2, false);
	/* 5 values in 4 cells: the oldest is dropped; 1 % still shows */
	tbuf_sparkline(&b, 0, 0, 4, v, 5, 100, true, R_TEXT);
	tbuf_sparkline(&b, 0, 1, 6, v + 3, 2, 0, false, R_TEXT);	/* auto max = 100 */
	t = text_of(&b);
	assert_string_equal(t, " \u2581\u2584\u2588\n    \u2584\u2588\n");
	assert_int_equal(tbuf_at(&b, 3, 0)->role, R_G4);
	assert_int_equal(tbuf_at(&b, 1, 0)->role, R_G0);
	free(t);
	tbuf_release(&b);
}

static void tbuf__gauge_and_grad__steps(void **state)
{
	struct tui_buf b;
	char *t;

	tbuf_init(&b, 5, 1, false);
	tbuf_gauge(&b, 0, 0, 5, 0.4, R_G1);
	t = text_of(&b);
	assert_string_equal(t, "\u2501\u2501\u2500\u2500\u2500\n");
	free(t);
	assert_int_equal(tbuf_grad_role(0.0), R_G0);
	assert_int_equal(tbuf_grad_role(0.2), R_G1);
	assert_int_equal(tbuf_grad_role(0.59), R_G2);
	assert_int_equal(tbuf_grad_role(0.6), R_G3);
	assert_int_equal(tbuf_grad_role(0.8), R_G4);
	assert_int_equal(tbuf_grad_role(7), R_G4);
	tbuf_resize(&b, 0, 0);	/* a zero-size terminal draws nothing */
	tbuf_text(&b, 0, 0, -1, R_TEXT, 0, "x");
	tbuf_hbar(&b, 0, 0, 3, 1, R_TEXT);
	tbuf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tbuf__text__clipped_and_utf8),
		cmocka_unit_test(tbuf__ascii_terminal__no_unicode),
		cmocka_unit_test(tbuf__hbar__eighths_and_bounds),
		cmocka_unit_test(tbuf__sparkline__newest_right_scaled),
		cmocka_unit_test(tbuf__gauge_and_grad__steps),
	};

	test_setup_stdio();
	return cmocka_run_group_tests_name("render", tests, NULL, NULL);
}
