// SPDX-License-Identifier: MIT
/* libFuzzer target: xesvm_parse_proc_maps(). */
#include <stdlib.h>

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_text_parser(xesvm_parse_proc_maps, data, size, 0);
	return 0;
}
