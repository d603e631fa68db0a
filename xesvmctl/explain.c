// SPDX-License-Identifier: MIT
/*
 * `explain ADDR pid PID | vm ID`: everything the model knows about one
 * address of a process's GPU VM: the VMA and the range holding it (with
 * the range's pagemap), the process's CPU mapping of it from
 * <proc>/PID/maps, the last time the garbage collector reset the memory
 * attributes there (which the drm-svm family reports per VM), and the
 * model's events that touch it.
 *
 * The CPU mapping is read from the running system, so it is only shown
 * when it describes the same process: live, or a snapshot read on the
 * machine it was taken on (same host name, same comm at that pid), or a
 * snapshot with --proc DIR pointing at a copy of that machine's /proc.
 * Otherwise the output says why it is missing instead of guessing.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "cmdtab.h"
#include "render/human.h"
#include "target.h"
#include "view.h"

/* ------------------------------------------------------------------ */
/* Gathering the answer (one JSON object per VM, keys in xesvm-json(7)) */
/* ------------------------------------------------------------------ */

static int parse_address(struct cli *cli, const char *text, uint64_t *out)
{
	unsigned long long v;
	char *end;

	errno = 0;
	if (text[0] < '0' || text[0] > '9')
		goto bad;
	v = strtoull(text, &end, 0);
	if (errno || end == text || *end)
		goto bad;
	*out = v;
	return XESVM_OK;
bad:
	xesvm_error_set(&cli->err, XESVM_E_USAGE, 0,
			"explain: '%s' is not an address (0x-prefixed hex or decimal)",
			text);
	return XESVM_E_USAGE;
}

/* Why a snapshot's process cannot be looked at here; NULL if it can. */
static const char *snapshot_elsewhere(const struct xesvm_model *m, char *buf,
				      size_t size)
{
	json_t *host = json_object_get(xesvm_model_root(m), "host");
	const char *taken_on = json_get_str(host, "hostname");
	struct utsname here;

	if (uname(&here) != 0)
		here.nodename[0] = '\0';
	if (taken_on && strcmp(taken_on, here.nodename) == 0)
		return NULL;
	snprintf(buf, size,
		 "the snapshot was taken on %s, this is %s: its processes are not on this machine (give --proc DIR with a copy of that machine's /proc)",
		 taken_on ? taken_on : "an unknown host", here.nodename);
	return buf;
}

/* {"status", "source", "note", "mapping"} for the VM's process. */
static json_t *cpu_mapping(struct cli *cli, const struct xesvm_model *m,
			   const json_t *vm, uint64_t addr, int *ret)
{
	struct xesvm_error err = { 0 };
	bool explicit_root;
	const char *root = xesvm_proc_root(&cli->sources, &explicit_root);
	const char *status = "unavailable", *vm_comm = json_get_str(vm, "comm");
	char note[600] = "", source[600];
	json_t *maps = NULL, *comm = NULL, *found = NULL, *result;
	uint64_t pid;

	snprintf(source, sizeof(source), "%s/PID/maps", root);
	if (!json_get_u64(vm, "pid", &pid)) {
		snprintf(note, sizeof(note), "the VM's process is not known");
		goto done;
	}
	snprintf(source, sizeof(source), "%s/%" PRIu64 "/maps", root, pid);
	if (cli->snapshot_path && !explicit_root &&
	    snapshot_elsewhere(m, note, sizeof(note)))
		goto done;
	if (xesvm_read_proc_maps(&cli->sources, (long)pid, &maps, &comm, &err)) {
		if (err.sys_errno) {
			snprintf(note, sizeof(note), "%s", err.msg);
			goto done;
		}
		/* Readable but not parseable: the kernel's data is wrong. */
		xesvm_error_set(&cli->err, err.status, 0, "%s", err.msg);
		*ret = err.status;
		return NULL;
	}
	if (vm_comm && json_is_string(comm) &&
	    strcmp(vm_comm, json_string_value(comm)) != 0) {
		snprintf(note, sizeof(note),
			 "pid %" PRIu64 " is now '%s', not '%s': the VM's process is gone",
			 pid, json_string_value(comm), vm_comm);
		goto done;
	}
	found = xesvm_proc_maps_find(maps, addr);
	if (found) {
		status = "mapped";
	} else {
		status = "not_mapped";
		snprintf(note, sizeof(note),
			 "no CPU mapping holds 0x%" PRIx64 ": the process has not mapped it, or has unmapped it",
			 addr);
	}
done:
	result = json_pack("{s:s,s:s,s:s?,s:O?}", "status", status,
			   "source", source, "note", note[0] ? note : NULL,
			   "mapping", found);
	json_decref(maps);
	json_decref(comm);
	if (!result) {
		xesvm_error_set(&cli->err, XESVM_E_SYSTEM, ENOMEM, "out of memory");
		*ret = XESVM_E_SYSTEM;
	}
	return result;
}

/*
 * The pagemap with id @id. Pagemap ids are unique in the system since the
 * kernel series' 7.3 port, but older snapshots numbered them per device:
 * one of @device wins over one of another device.
 */
static json_t *find_pagemap(struct xesvm_model *m, uint64_t device, uint32_t id)
{
	json_t *p, *found = NULL;
	size_t i;

	json_array_foreach(xesvm_model_array(m, "pagemaps"), i, p) {
		uint64_t d, pid;

		if (!json_get_u64(p, "id", &pid) || pid != id || !json_get_u64(p, "device", &d))
			continue;
		if (d == device)
			return p;
		if (!found)
			found = p;
	}
	return found;
}

/* The pagemaps holding @r's pages, each once, in the order of its page sets. */
static json_t *range_pagemaps(struct xesvm_model *m, const struct xesvm_range *r)
{
	json_t *out = json_array();

	for (unsigned int i = 0; out && i < r->pages_described; i++) {
		struct xesvm_range_pages p = xesvm_range_get_pages(r, i);
		json_t *pm = p.pagemap == XESVM_PAGEMAP_NONE ? NULL :
			     find_pagemap(m, r->device, p.pagemap);
		size_t k;
		json_t *seen;

		json_array_foreach(out, k, seen)
			if (seen == pm)
				break;
		if (pm && k == json_array_size(out))
			json_array_append(out, pm);
	}
	return out;
}

/*
 * The events touching @addr: the model's, then those a `monitor` printed
 * earlier in the same shell or batch run.
 */
static json_t *events_at(struct cli *cli, struct xesvm_model *m,
			 const struct vm_entry *v, uint64_t addr)
{
	json_t *lists[2] = { xesvm_model_array(m, "events"), cli->seen_events };
	json_t *out = json_array(), *e;
	size_t i;

	for (size_t l = 0; l < 2; l++) {
		json_array_foreach(lists[l], i, e) {
			uint64_t d, vm, start, end;

			if (json_get_u64(e, "device", &d) && d == v->device &&
			    json_get_u64(e, "vm", &vm) && vm == v->id &&
			    json_get_u64(e, "start", &start) && start <= addr &&
			    json_get_u64(e, "end", &end) && addr < end)
				json_array_append(out, e);
		}
	}
	return out;
}

/*
 * The newest of the VM's attribute resets that covers @addr, or null; the
 * family reports them newest first.
 */
static json_t *last_attr_reset(const json_t *vm, uint64_t addr)
{
	uint64_t start, end;
	json_t *reset;
	size_t i;

	json_array_foreach(json_object_get(vm, "attr_resets"), i, reset)
		if (json_get_u64(reset, "start", &start) && json_get_u64(reset, "end", &end) &&
		    start <= addr && addr < end)
			return json_incref(reset);
	return json_null();
}

static json_t *explain_vm(struct cli *cli, struct view *s,
			  const struct vm_index *ix, const struct vm_entry *v,
			  uint64_t addr, int *ret)
{
	const struct vma_entry *vma = vm_index_find_vma(ix, v, addr);
	const struct xesvm_range *range = vm_index_find_range(ix, v, addr);
	json_t *cpu = cpu_mapping(cli, s->m, v->vm, addr, ret);

	if (!cpu)
		return NULL;
	return json_pack("{s:O,s:O?,s:o?,s:o,s:o,s:o,s:o}",
			 "vm", v->vm,
			 "vma", vma ? vma->vma : NULL,
			 "range", range ? xesvm_range_to_json(range) : NULL,
			 "pagemaps", range ? range_pagemaps(s->m, range) : json_array(),
			 "cpu_mapping", cpu,
			 "last_attr_reset", last_attr_reset(v->vm, addr),
			 "events", events_at(cli, s->m, v, addr));
}

/* ------------------------------------------------------------------ */
/* Human output: the table renderer, one small table per part          */
/* ------------------------------------------------------------------ */

static void col_event_time(const void *row, const struct table_column *col,
			   const struct render_opts *ro, char *buf, size_t size)
{
	fmt_event_time(buf, size, row);
}

static void col_event_details(const void *row, const struct table_column *col,
			      const struct render_opts *ro, char *buf, size_t size)
{
	fmt_event_details(buf, size, row);
}

static void print_cpu_mapping(FILE *out, json_t *cpu, const struct render_opts *ro)
{
	static const struct table_column cols[] = {
		{ "START", false, col_addr, NULL, "start" },
		{ "END", false, col_addr, NULL, "end" },
		{ "PERMS", false, col_str, NULL, "perms" },
		{ "OFFSET", false, col_addr, NULL, "offset" },
		{ "DEV", false, col_str, NULL, "dev" },
		{ "INODE", true, col_int, NULL, "inode" },
		{ "PATH", false, col_str, NULL, "path" },
	};
	json_t *mapping = json_object_get(cpu, "mapping");
	const char *note = json_get_str(cpu, "note");
	char source[300];

	fmt_text(source, sizeof(source), json_get_str(cpu, "source"));
	if (!json_is_object(mapping)) {
		char text[700];

		fmt_text(text, sizeof(text), note ? note : "-");
		fprintf(out, "  CPU mapping (%s): %s\n", source, text);
		return;
	}
	fprintf(out, "  CPU mapping (%s):\n", source);

	json_t *one = json_array();
	struct table_rows rows;
	struct json_rows st;

	json_array_append(one, mapping);
	json_rows_init(&rows, &st, one, "mappings", NULL);
	table_render(out, cols, sizeof(cols) / sizeof(cols[0]), &rows, ro, "    ");
	json_decref(one);
}

static void print_events(FILE *out, json_t *events, bool has_source, size_t in_model,
			 const char *where, const struct render_opts *ro)
{
	static const struct table_column cols[] = {
		{ "TIME", true, col_event_time, NULL, NULL },
		{ "TYPE", false, col_str, NULL, "type" },
		{ "START", false, col_addr, NULL, "start" },
		{ "END", false, col_addr, NULL, "end" },
		{ "DETAILS", false, col_event_details, NULL, NULL },
	};
	struct table_rows rows;
	struct json_rows st;

	if (!has_source) {
		fprintf(out, "  events: none recorded in this model (snapshot --events records them; so does a monitor earlier in the same shell or batch)\n");
		return;
	}
	if (!json_array_size(events)) {
		fprintf(out, "  events: none of the %zu %s touch it\n", in_model, where);
		return;
	}
	fprintf(out, "  events touching it (%zu of %zu %s):\n",
		json_array_size(events), in_model, where);
	json_rows_init(&rows, &st, events, "events", NULL);
	table_render(out, cols, sizeof(cols) / sizeof(cols[0]), &rows, ro, "    ");
}

typedef void table_printer(FILE *out, struct table_rows *rows, bool extra_cols,
			   const struct render_opts *ro, const char *indent);

/* "  TITLE:" and a one-row table of @item, or "  TITLE: NONE". */
static void print_part(FILE *out, const char *title, const void *item,
		       table_printer *print, const char *none,
		       const struct render_opts *ro)
{
	struct table_rows rows;
	struct ptr_rows st;

	if (!item) {
		fprintf(out, "  %s: %s\n", title, none);
		return;
	}
	fprintf(out, "  %s:\n", title);
	ptr_rows_init(&rows, &st, &item, 1);
	print(out, &rows, false, ro, "    ");
}

/*
 * The state of each device's pages of @range: where they are, of which
 * pagemap, when they were collected. A range of a kernel before 7.3 (an
 * old snapshot) has one page set, of its own device.
 */
static void print_page_sets(FILE *out, const struct xesvm_range *range,
			    const struct render_opts *ro)
{
	if (!range->pages_described) {
		if (range->pages_count)
			fprintf(out, "  pages: none described (the driver keeps %" PRIu32 " page sets)\n",
				range->pages_count);
		else
			fprintf(out, "  pages: none (no device keeps pages of the range)\n");
		return;
	}
	if (range->pages_described < range->pages_count)
		fprintf(out, "  pages, per device (%u of %" PRIu32 ": the kernel describes the first %u):\n",
			range->pages_described, range->pages_count, range->pages_described);
	else
		fprintf(out, "  pages, per device:\n");
	print_page_set_table(out, range, ro, "    ");
}

/* When and why the attributes at the address went back to the defaults. */
static void print_attr_reset(FILE *out, const json_t *vm, const json_t *reset,
			     const struct render_opts *ro)
{
	char time[32], s[32], e[32], size[32], before[160];
	uint64_t start = 0, end = 0;

	if (!json_is_array(json_object_get(vm, "attr_resets"))) {
		fprintf(out, "  attributes reset: not known (only the drm-svm family reports resets)\n");
		return;
	}
	if (!json_is_object(reset)) {
		fprintf(out, "  attributes reset: not among the VM's last %zu resets\n",
			json_array_size(json_object_get(vm, "attr_resets")));
		return;
	}
	fmt_event_time(time, sizeof(time), reset);
	json_get_u64(reset, "start", &start);
	json_get_u64(reset, "end", &end);
	fmt_addr(s, sizeof(s), start);
	fmt_addr(e, sizeof(e), end);
	fmt_bytes(size, sizeof(size), end - start, ro->exact);
	fmt_attr_values(before, sizeof(before), json_object_get(reset, "before"));
	fprintf(out, "  attributes reset at %s (monotonic clock) by the garbage collector: the CPU "
		"unmapped %s-%s (%s)%s; they were %s\n", time, s, e, size,
		json_is_true(json_object_get(reset, "split")) ?
		", which was split from a larger VMA" : "", before);
}

static void print_explained(FILE *out, const struct vm_index *ix,
			    const struct vm_entry *v, json_t *answer,
			    uint64_t addr, bool has_events, size_t events_in_model,
			    const char *events_where,
			    const struct render_opts *ro)
{
	const struct vma_entry *vma = vm_index_find_vma(ix, v, addr);
	const struct xesvm_range *range = vm_index_find_range(ix, v, addr);
	json_t *pagemap;
	char text[64];
	size_t i;

	fmt_addr(text, sizeof(text), addr);
	fprintf(out, "%s in ", text);
	print_vm_header(out, v, ro);
	print_part(out, "GPU VMA", vma, print_vma_table,
		   "none of the VM's VMAs holds it", ro);
	print_part(out, "SVM range", range, print_range_table,
		   "none in the model (the GPU has not faulted it in, or it was collected)", ro);
	if (range)
		print_page_sets(out, range, ro);
	json_array_foreach(json_object_get(answer, "pagemaps"), i, pagemap) {
		char name[64], region[64], size[32];
		uint64_t id = 0;

		json_get_u64(pagemap, "id", &id);
		cell_str(name, sizeof(name), pagemap, "name");
		cell_str(region, sizeof(region), pagemap, "region");
		cell_bytes(size, sizeof(size), pagemap, "size_bytes", ro);
		fprintf(out, "  pagemap %" PRIu64 ": %s, region %s, %s\n", id, name,
			region, size);
	}
	print_cpu_mapping(out, json_object_get(answer, "cpu_mapping"), ro);
	print_attr_reset(out, v->vm, json_object_get(answer, "last_attr_reset"), ro);
	print_events(out, json_object_get(answer, "events"), has_events,
		     events_in_model, events_where, ro);
}

/* ------------------------------------------------------------------ */

/* What the human printer of the answers reads besides them. */
struct explained {
	const struct view *view;
	const struct vm_index *ix;
	uint64_t addr;
};

static int print_answers(struct cli *cli, const json_t *body, const void *arg)
{
	const struct explained *e = arg;
	struct render_opts ro = render_opts_of(cli);
	json_t *answers = json_object_get(body, "matches");
	size_t nevents = json_array_size(xesvm_model_array(e->view->m, "events")) +
			 json_array_size(cli->seen_events);
	bool has_events = json_object_get(json_object_get(xesvm_model_root(e->view->m),
							  "sources"), "events") ||
			  json_array_size(cli->seen_events);

	for (size_t k = 0; k < e->ix->nvms; k++) {
		if (k)
			fputc('\n', stdout);
		print_explained(stdout, e->ix, &e->ix->vms[k], json_array_get(answers, k),
				e->addr, has_events, nevents,
				json_array_size(cli->seen_events) ?
				"in the model or seen by monitor" : "in the model", &ro);
	}
	return XESVM_OK;
}

static int explain(struct cli *cli, const struct cli_invocation *inv)
{
	json_t *answers = NULL, *body = NULL;
	struct vm_index ix = { 0 };
	struct view s;
	uint64_t addr;
	int ret;

	if (parse_address(cli, inv->positional[0], &addr))
		return XESVM_E_USAGE;
	if (!cli_arg(inv, "pid") && !cli_arg(inv, "vm")) {
		xesvm_error_set(&cli->err, XESVM_E_USAGE, 0,
				"explain needs pid PID or vm ID: an address means nothing without its address space");
		return XESVM_E_USAGE;
	}
	ret = view_open(cli, inv, "vms", CLI_VM_VIEWS | XESVM_VIEW_EVENTS, &s);
	if (ret)
		return ret;
	ret = vm_index_build(&ix, s.m, s.q, true, &cli->err);
	if (ret)
		return view_close(cli, &s, ret);
	if (ix.nvms == 0) {
		ret = cli_no_vm(cli, inv, NULL);
		goto out;
	}

	/* Everything is gathered before the first byte of output. */
	answers = json_array();
	for (size_t k = 0; k < ix.nvms && !ret; k++) {
		json_t *a = explain_vm(cli, &s, &ix, &ix.vms[k], addr, &ret);

		if (a)
			json_array_append_new(answers, a);
		else if (!ret)
			ret = XESVM_E_SYSTEM;
	}
	if (ret)
		goto out;
	body = json_pack("{s:I,s:O}", "address", (json_int_t)addr, "matches", answers);
	if (!body) {
		xesvm_error_set(&cli->err, XESVM_E_SYSTEM, ENOMEM, "out of memory");
		ret = XESVM_E_SYSTEM;
		goto out;
	}
	ret = render_result(cli, "explain", body, print_answers,
			    &(struct explained){ &s, &ix, addr });
out:
	json_decref(body);
	json_decref(answers);
	vm_index_free(&ix);
	return view_close(cli, &s, ret);
}

static const struct cli_param explain_params[] = {
	{ "pid", 0, NULL, "PID", CLI_VALUE_PID,
	  "the process whose address it is" },
	{ "vm", 0, NULL, "ID", CLI_VALUE_NUMBER,
	  "the VM (its number in vm show) whose address it is" },
	{ "dev", 0, NULL, "DEV", CLI_VALUE_DEVICE,
	  "only VMs of this device (like -d)" },
	{ 0 },
};

static const struct cli_command explain_commands[] = {
	{ NULL, "what holds ADDR of a process or VM: VMA, range, CPU mapping, events",
	  explain_params, "ADDR", 1, 1, CLI_VALUE_NUMBER, explain },
	{ 0 },
};

const struct cli_object explain_object = {
	"explain", "explain one address of a process or VM", explain_commands, true,
};
