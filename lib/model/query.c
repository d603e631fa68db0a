// SPDX-License-Identifier: MIT
/*
 * Selection: a struct xesvm_filter (what the user typed) resolved against a
 * model into a struct xesvm_query (what to match). Resolution happens once,
 * so matching a million ranges is a few comparisons and a binary search.
 *
 * Which criteria apply to which collection (xesvm-json(7), SELECTION):
 *   devices   device
 *   clients   device, pid, client, vm (the client owns such a VM)
 *   vms       device, vm, pid/client (through "vms" and "clients"), window
 *   vmas, ranges, events
 *             device, vm, pid/client (through the owning VM), window
 *   pagemaps  device
 * A criterion that does not apply to a collection does not filter it.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "model_internal.h"

/* A VM: its id takes 64 bits, so it is not packed with its device into one. */
struct vm_key {
	uint32_t device;
	uint64_t vm;
};

struct xesvm_query {
	struct xesvm_filter f;		/* f.device is not kept (borrowed string) */
	bool by_device;
	uint32_t *minors;		/* devices the selector matched, sorted */
	size_t minor_count;
	bool by_owner;			/* pid or client filter given */
	struct vm_key *owned_vms;	/* matching VMs, sorted */
	size_t owned_vm_count;
	uint64_t *vm_owners;		/* (device << 32 | client_id) owning VM f.vm, sorted */
	size_t vm_owner_count;
};

void xesvm_filter_init(struct xesvm_filter *f)
{
	memset(f, 0, sizeof(*f));
	f->pid = -1;
	f->client_id = -1;
	f->vm = -1;
}

/* ------------------------------------------------------------------ */
/* Address windows                                                     */
/* ------------------------------------------------------------------ */

/* Hex (0x...) or decimal, digits only: no sign, no spaces, no overflow. */
static int parse_u64(const char *s, size_t len, uint64_t *out)
{
	unsigned int base = 10, digit;
	uint64_t v = 0;
	size_t i = 0;

	if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		i = 2;
	}
	if (i == len)
		return -1;
	for (; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (isdigit(c))
			digit = c - '0';
		else if (base == 16 && isxdigit(c))
			digit = (unsigned int)(tolower(c) - 'a' + 10);
		else
			return -1;
		if (v > (UINT64_MAX - digit) / base)
			return -ERANGE;
		v = v * base + digit;
	}
	*out = v;
	return 0;
}

static int parse_len(const char *s, size_t len, uint64_t *out)
{
	unsigned int shift = 0;
	uint64_t v;
	int rc;

	if (len > 0) {
		switch (toupper((unsigned char)s[len - 1])) {
		case 'K': shift = 10; break;
		case 'M': shift = 20; break;
		case 'G': shift = 30; break;
		case 'T': shift = 40; break;
		}
		if (shift)
			len--;
	}
	rc = parse_u64(s, len, &v);
	if (rc)
		return rc;
	if (shift && v > (UINT64_MAX >> shift))
		return -ERANGE;
	*out = v << shift;
	return 0;
}

int xesvm_parse_window(const char *text, uint64_t *start, uint64_t *end,
		       struct xesvm_error *err)
{
	const char *sep = text ? strpbrk(text, "-+") : NULL;
	size_t addr_len = sep ? (size_t)(sep - text) : (text ? strlen(text) : 0);
	uint64_t a, b;
	int rc;

	if (!text || !*text) {
		xesvm_error_set(err, XESVM_E_USAGE, 0,
				"empty address window (expected ADDR, ADDR-END or ADDR+LEN)");
		return -1;
	}
	rc = parse_u64(text, addr_len, &a);
	if (rc) {
		xesvm_error_set(err, XESVM_E_USAGE, 0, "address window \"%s\": %s", text,
				rc == -ERANGE ? "address does not fit in 64 bits"
					      : "bad address (expected hex 0x... or decimal)");
		return -1;
	}
	if (!sep) {
		if (a == UINT64_MAX) {
			xesvm_error_set(err, XESVM_E_USAGE, 0,
					"address window \"%s\": wraps past the end of the address space",
					text);
			return -1;
		}
		*start = a;
		*end = a + 1;
		return 0;
	}
	if (*sep == '-') {
		rc = parse_u64(sep + 1, strlen(sep + 1), &b);
		if (rc) {
			xesvm_error_set(err, XESVM_E_USAGE, 0, "address window \"%s\": %s", text,
					rc == -ERANGE ? "end does not fit in 64 bits"
						      : "bad end address");
			return -1;
		}
		if (b <= a) {
			xesvm_error_set(err, XESVM_E_USAGE, 0,
					"address window \"%s\": end is not above start (%s window)",
					text, b == a ? "empty" : "inverted");
			return -1;
		}
		*start = a;
		*end = b;
		return 0;
	}
	rc = parse_len(sep + 1, strlen(sep + 1), &b);
	if (rc) {
		xesvm_error_set(err, XESVM_E_USAGE, 0, "address window \"%s\": %s", text,
				rc == -ERANGE ? "length does not fit in 64 bits"
					      : "bad length (expected a number with optional K, M, G or T)");
		return -1;
	}
	if (b == 0) {
		xesvm_error_set(err, XESVM_E_USAGE, 0, "address window \"%s\": empty window", text);
		return -1;
	}
	if (b > UINT64_MAX - a) {
		xesvm_error_set(err, XESVM_E_USAGE, 0,
				"address window \"%s\": wraps past the end of the address space", text);
		return -1;
	}
	*start = a;
	*end = a + b;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Resolution                                                          */
/* ------------------------------------------------------------------ */

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static int cmp_vm_key(const void *a, const void *b)
{
	const struct vm_key *x = a, *y = b;

	if (x->device != y->device)
		return x->device < y->device ? -1 : 1;
	return x->vm < y->vm ? -1 : x->vm > y->vm;
}

static bool get_int(const json_t *obj, const char *key, int64_t *out)
{
	json_t *v = json_object_get(obj, key);

	if (!json_is_integer(v))
		return false;
	*out = json_integer_value(v);
	return true;
}

static bool get_u32(const json_t *obj, const char *key, uint32_t *out)
{
	int64_t v;

	if (!get_int(obj, key, &v) || v < 0 || v > UINT32_MAX)
		return false;
	*out = (uint32_t)v;
	return true;
}

/* A VM id: 64 bits, of which the model's integers hold 0..INT64_MAX. */
static bool get_vm(const json_t *obj, uint64_t *out)
{
	int64_t v;

	if (!get_int(obj, "vm", &v) || v < 0)
		return false;
	*out = (uint64_t)v;
	return true;
}

/* Whether VM @vm is the one the filter names (if it names one). */
static bool vm_ok(const struct xesvm_query *q, uint64_t vm)
{
	return q->f.vm < 0 || vm == (uint64_t)q->f.vm;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

static bool string_key_is(const json_t *dev, const char *key, const char *sel)
{
	const char *v = json_string_value(json_object_get(dev, key));

	return v && (!strcmp(v, sel) || !strcmp(base_name(v), sel));
}

static bool device_matches(const json_t *dev, uint32_t minor, const char *sel)
{
	char name[32];
	const char *bdf;

	snprintf(name, sizeof(name), "%" PRIu32, minor);
	if (!strcmp(sel, name))
		return true;
	snprintf(name, sizeof(name), "card%" PRIu32, minor);
	if (!strcmp(sel, name))
		return true;
	if (string_key_is(dev, "card", sel) || string_key_is(dev, "render", sel))
		return true;
	bdf = json_string_value(json_object_get(dev, "pci_bdf"));
	if (!bdf)
		return false;
	if (!strcasecmp(bdf, sel))
		return true;
	/* "03:00.0" names "0000:03:00.0": the domain is optional, as in lspci. */
	if (strchr(bdf, ':') != strrchr(bdf, ':') && strchr(sel, ':') == strrchr(sel, ':'))
		return !strcasecmp(strchr(bdf, ':') + 1, sel);
	return false;
}

static bool is_decimal(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

static int resolve_device(struct xesvm_query *q, const struct xesvm_model *m,
			  const char *sel, struct xesvm_error *err)
{
	json_t *devices = json_object_get(m->root, "devices");
	json_t *dev;
	size_t i, n = json_array_size(devices);
	uint32_t minor;

	q->minors = calloc(n ? n : 1, sizeof(*q->minors));
	if (!q->minors)
		goto oom;
	json_array_foreach(devices, i, dev)
		if (get_u32(dev, "minor", &minor) && device_matches(dev, minor, sel))
			q->minors[q->minor_count++] = minor;
	/*
	 * A partial model (e.g. saved `range show -j` output) has no device
	 * table: a card index still means that minor.
	 */
	if (n == 0 && is_decimal(sel) && strlen(sel) < 10) {
		q->minors[0] = (uint32_t)strtoul(sel, NULL, 10);
		q->minor_count = 1;
	}
	if (q->minor_count == 0) {
		xesvm_error_set(err, XESVM_E_USAGE, 0, "no device matches \"%s\"", sel);
		return -1;
	}
	qsort(q->minors, q->minor_count, sizeof(*q->minors), cmp_u32);
	q->by_device = true;
	return 0;
oom:
	xesvm_error_set(err, XESVM_E_SYSTEM, ENOMEM, "out of memory");
	return -1;
}

/* pid of a VM: its own "pid", else that of its client. */
static bool vm_pid(const json_t *vm, const json_t *clients, int64_t *pid)
{
	int64_t device, client_id, d, c;
	const json_t *cl;
	size_t i;

	if (get_int(vm, "pid", pid))
		return true;
	if (!get_int(vm, "device", &device) || !get_int(vm, "client_id", &client_id))
		return false;
	json_array_foreach(clients, i, cl)
		if (get_int(cl, "device", &d) && d == device &&
		    get_int(cl, "client_id", &c) && c == client_id)
			return get_int(cl, "pid", pid);
	return false;
}

static int resolve_vms(struct xesvm_query *q, const struct xesvm_model *m,
		       struct xesvm_error *err)
{
	json_t *vms = json_object_get(m->root, "vms");
	json_t *clients = json_object_get(m->root, "clients");
	size_t i, n = json_array_size(vms);
	const json_t *vm;

	q->owned_vms = calloc(n ? n : 1, sizeof(*q->owned_vms));
	q->vm_owners = calloc(n ? n : 1, sizeof(*q->vm_owners));
	if (!q->owned_vms || !q->vm_owners) {
		xesvm_error_set(err, XESVM_E_SYSTEM, ENOMEM, "out of memory");
		return -1;
	}
	json_array_foreach(vms, i, vm) {
		struct vm_key key;
		int64_t pid, client_id;

		if (!get_u32(vm, "device", &key.device) || !get_vm(vm, &key.vm))
			continue;
		if (q->f.vm >= 0 && vm_ok(q, key.vm) && get_int(vm, "client_id", &client_id) &&
		    client_id >= 0 && client_id <= UINT32_MAX)
			q->vm_owners[q->vm_owner_count++] = (uint64_t)key.device << 32 | (uint64_t)client_id;
		if (q->f.pid >= 0 && (!vm_pid(vm, clients, &pid) || pid != q->f.pid))
			continue;
		if (q->f.client_id >= 0 &&
		    (!get_int(vm, "client_id", &client_id) || client_id != q->f.client_id))
			continue;
		q->owned_vms[q->owned_vm_count++] = key;
	}
	qsort(q->owned_vms, q->owned_vm_count, sizeof(*q->owned_vms), cmp_vm_key);
	qsort(q->vm_owners, q->vm_owner_count, sizeof(uint64_t), cmp_u64);
	return 0;
}

struct xesvm_query *xesvm_query_new(const struct xesvm_model *m,
				    const struct xesvm_filter *f,
				    struct xesvm_error *err)
{
	struct xesvm_query *q = calloc(1, sizeof(*q));

	if (!q) {
		xesvm_error_set(err, XESVM_E_SYSTEM, ENOMEM, "out of memory");
		return NULL;
	}
	q->f = *f;
	q->f.device = NULL;
	q->by_owner = f->pid >= 0 || f->client_id >= 0;
	if (f->has_window && f->end <= f->start) {
		xesvm_error_set(err, XESVM_E_USAGE, 0, "empty or inverted address window");
		goto fail;
	}
	if (f->device && resolve_device(q, m, f->device, err))
		goto fail;
	if (resolve_vms(q, m, err))
		goto fail;
	return q;
fail:
	xesvm_query_free(q);
	return NULL;
}

void xesvm_query_free(struct xesvm_query *q)
{
	if (!q)
		return;
	free(q->minors);
	free(q->owned_vms);
	free(q->vm_owners);
	free(q);
}

/* ------------------------------------------------------------------ */
/* Matching                                                            */
/* ------------------------------------------------------------------ */

static bool device_ok(const struct xesvm_query *q, bool known, uint32_t device)
{
	if (!q->by_device)
		return true;
	return known && bsearch(&device, q->minors, q->minor_count, sizeof(uint32_t), cmp_u32);
}

static bool owner_ok(const struct xesvm_query *q, bool known, uint32_t device, uint64_t vm)
{
	const struct vm_key key = { device, vm };

	if (!q->by_owner)
		return true;
	return known && bsearch(&key, q->owned_vms, q->owned_vm_count, sizeof(*q->owned_vms),
				cmp_vm_key);
}

static bool window_ok(const struct xesvm_query *q, bool known, uint64_t start, uint64_t end)
{
	if (!q->f.has_window)
		return true;
	return known && start < q->f.end && q->f.start < end;
}

bool xesvm_query_match_range(const struct xesvm_query *q, const struct xesvm_range *r)
{
	return device_ok(q, true, r->device) &&
	       vm_ok(q, r->vm) &&
	       owner_ok(q, true, r->device, r->vm) &&
	       window_ok(q, true, r->start, r->end);
}

bool xesvm_query_match(const struct xesvm_query *q, const char *collection,
		       const json_t *obj)
{
	uint32_t device = 0;
	uint64_t vm = 0;
	int64_t start = 0, end = 0, v;
	bool has_device, has_vm, has_extent;

	if (!strcmp(collection, "devices"))
		return device_ok(q, get_u32(obj, "minor", &device), device);
	has_device = get_u32(obj, "device", &device);
	if (!device_ok(q, has_device, device))
		return false;
	if (!strcmp(collection, "pagemaps"))
		return true;
	if (!strcmp(collection, "clients")) {
		uint64_t key;

		if (q->f.pid >= 0 && (!get_int(obj, "pid", &v) || v != q->f.pid))
			return false;
		if (q->f.client_id >= 0 && (!get_int(obj, "client_id", &v) || v != q->f.client_id))
			return false;
		if (q->f.vm < 0)
			return true;
		if (!get_int(obj, "client_id", &v) || v < 0 || v > UINT32_MAX)
			return false;
		key = (uint64_t)device << 32 | (uint64_t)v;
		return bsearch(&key, q->vm_owners, q->vm_owner_count, sizeof(uint64_t), cmp_u64);
	}
	if (strcmp(collection, "vms") && strcmp(collection, "vmas") &&
	    strcmp(collection, "events") && strcmp(collection, "ranges"))
		return true;	/* not a collection the filter knows: unfiltered */
	has_vm = get_vm(obj, &vm);
	if (q->f.vm >= 0 && (!has_vm || !vm_ok(q, vm)))
		return false;
	if (!owner_ok(q, has_device && has_vm, device, vm))
		return false;
	has_extent = get_int(obj, "start", &start) && get_int(obj, "end", &end) &&
		     start >= 0 && end >= 0;
	return window_ok(q, has_extent, (uint64_t)start, (uint64_t)end);
}
