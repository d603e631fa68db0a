/* SPDX-License-Identifier: MIT */
/*
 * Text the kernel gives us: lines of a length-bounded buffer (no NUL
 * needed after it), excerpts of it for one-line error messages, and bytes
 * made into JSON strings. Every source that reads kernel text uses these.
 */
#include <stdlib.h>
#include <string.h>

#include "base_internal.h"

void xesvm_lines_init(struct xesvm_lines *r, const char *text, size_t len)
{
	r->pos = text;
	r->end = text ? text + len : text;
	r->lineno = 0;
}

bool xesvm_lines_next(struct xesvm_lines *r, struct xesvm_line *l)
{
	const char *nl;

	if (r->pos == r->end)
		return false;
	nl = memchr(r->pos, '\n', (size_t)(r->end - r->pos));
	l->text = r->pos;
	l->terminated = nl != NULL;
	l->len = nl ? (size_t)(nl - r->pos) : (size_t)(r->end - r->pos);
	r->pos = nl ? nl + 1 : r->end;
	r->lineno++;
	return true;
}

const char *xesvm_excerpt(const char *text, size_t len, char *buf, size_t size)
{
	size_t max = size - 4, i, n = len < max ? len : max;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)text[i];

		buf[i] = (c >= 0x20 && c < 0x7f && c != '"') ? (char)c : '?';
	}
	if (n < len)
		memcpy(buf + n, "...", 3), n += 3;
	buf[n] = '\0';
	return buf;
}

/*
 * A JSON string from kernel bytes. comm and client names are arbitrary
 * bytes to the kernel; JSON needs UTF-8, so bytes that are not valid
 * UTF-8 (and NUL and other control bytes) become '?'.
 */
json_t *xesvm_kernel_string(const char *s, size_t n)
{
	json_t *str;
	char *copy;
	size_t i;
	bool clean = true;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			clean = false;
	if (clean) {
		str = json_stringn(s, n);
		if (str)
			return str;
	}
	copy = malloc(n + 1);
	if (!copy)
		return NULL;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		copy[i] = (c < 0x20 || c >= 0x7f) ? '?' : (char)c;
	}
	str = json_stringn(copy, n);
	free(copy);
	return str;
}
