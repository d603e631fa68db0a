/* SPDX-License-Identifier: MIT */
/* The one way libxesvm grows an array: doubling, with overflow checked. */
#include <stdint.h>
#include <stdlib.h>

#include "base_internal.h"

void *xesvm_grow(void *items, size_t *cap, size_t count, size_t elem, size_t first)
{
	size_t want = *cap ? *cap : first;
	void *bigger;

	if (count < *cap)
		return items;
	if (*cap) {
		if (want > SIZE_MAX / 2 / elem)
			return NULL;
		want *= 2;
	}
	bigger = realloc(items, want * elem);
	if (bigger)
		*cap = want;
	return bigger;
}
