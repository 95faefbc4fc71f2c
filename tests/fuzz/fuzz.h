/* SPDX-License-Identifier: GPL-2.0 */
/* Every tests/fuzz/fuzz_<name>.c defines this; its seed corpus is tests/fuzz/corpus/<name>/. */
#ifndef SCX_TEST_FUZZ_H
#define SCX_TEST_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
