// SPDX-License-Identifier: GPL-2.0
/*
 * scxtop.toml on arbitrary bytes: parsing never fails hard, the settings stay
 * valid (tick rate in range, known theme/chart/metric/view), and what scxtop
 * then writes (S) parses back without a single message to the same text.
 */
#include <stdlib.h>
#include <string.h>

#include "common/strbuf.h"
#include "tests/fuzz/fuzz.h"
#include "top/live/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct strbuf msgs = STRBUF_INIT, out = STRBUF_INIT, out2 = STRBUF_INIT;
	struct tui_config c, c2;

	config_defaults(&c);
	config_parse(&c, (const char *)data, size, "fuzz.toml", &msgs);
	if (c.tick_rate_ms < CONFIG_TICK_MIN_MS || c.tick_rate_ms > CONFIG_TICK_MAX_MS ||
	    config_check_theme(c.theme) || config_check_chart(c.chart) ||
	    config_check_metric(c.metric) || config_check_view(c.view))
		abort();
	config_format(&c, &out);
	config_defaults(&c2);
	strbuf_reset(&msgs);
	if (config_parse(&c2, out.buf, out.len, "written.toml", &msgs))
		abort();
	config_format(&c2, &out2);
	if (out.len != out2.len || memcmp(out.buf, out2.buf, out.len))
		abort();
	config_release(&c);
	config_release(&c2);
	strbuf_release(&msgs);
	strbuf_release(&out);
	strbuf_release(&out2);
	return 0;
}
