/* SPDX-License-Identifier: MIT */
/*
 * xesvm_gather(): a model from the running system (or a recorded tree of
 * it), by going through the table of sources below (the interface:
 * source.h). Each source fills the views it can; what cannot be read for
 * lack of privileges is counted by the sources and reported in ONE note
 * at the end, so a normal user sees one clear sentence about root instead
 * of a note per file.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "model_internal.h"
#include "source.h"

/*
 * In order: the devices (of a recorded tree, or of this machine), then
 * what hangs off them, then the SVM state from the drm-svm netlink family
 * or, without it, from the SVM debugfs files.
 */
static const struct xesvm_source *const sources[] = {
	&xesvm_source_debugfs_devices,
	&xesvm_source_libdrm_devices,
	&xesvm_source_gt_stats,
	&xesvm_source_clients,
	&xesvm_source_netlink,
	&xesvm_source_svm_debugfs,
};
#define SOURCE_COUNT (sizeof(sources) / sizeof(sources[0]))

/* $XESVM_SOURCE: unset, "" or "auto", "netlink", "debugfs". */
static int svm_choice(enum xesvm_svm_choice *out, struct xesvm_error *err)
{
	const char *env = getenv("XESVM_SOURCE");

	if (!env || !*env || !strcmp(env, "auto"))
		*out = XESVM_SVM_AUTO;
	else if (!strcmp(env, "netlink"))
		*out = XESVM_SVM_NETLINK;
	else if (!strcmp(env, "debugfs"))
		*out = XESVM_SVM_DEBUGFS;
	else {
		xesvm_error_set(err, XESVM_E_USAGE, EINVAL,
				"XESVM_SOURCE=%.100s: expected netlink, debugfs or auto", env);
		return -1;
	}
	return 0;
}

static int check_explicit_root(const char *root, const char *what,
			       struct xesvm_error *err)
{
	struct stat st;

	if (stat(root, &st)) {
		xesvm_error_set(err, XESVM_E_USAGE, errno, "%s root %s: %s", what, root,
				strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		xesvm_error_set(err, XESVM_E_USAGE, ENOTDIR, "%s root %s is not a directory",
				what, root);
		return -1;
	}
	return 0;
}

/* The privilege note: which views it concerns follows from what was refused. */
static void note_access(struct xesvm_model *m, const char *debugfs,
			const struct xesvm_access *a)
{
	unsigned int views = 0;
	char text[512] = "";
	size_t n = 0;

#define APPEND(...) do { \
		if (n < sizeof(text)) \
			n += (size_t)snprintf(text + n, sizeof(text) - n, __VA_ARGS__); \
	} while (0)

	if (a->debugfs_dri) {
		APPEND("debugfs (%s/dri) is not readable (needs root): GT statistics and DRM client list omitted",
		       debugfs);
		views |= XESVM_VIEW_STATS | XESVM_VIEW_CLIENTS;
	} else {
		if (a->stats_files) {
			APPEND("%u GT statistics file%s not readable (needs root): %s counters omitted",
			       a->stats_files, a->stats_files == 1 ? " is" : "s are",
			       a->stats_files == 1 ? "its" : "their");
			views |= XESVM_VIEW_STATS;
		}
		if (a->client_dirs) {
			APPEND("%s%u DRM client director%s not readable (needs root): %s omitted",
			       n ? "; " : "", a->client_dirs,
			       a->client_dirs == 1 ? "y is" : "ies are",
			       a->client_dirs == 1 ? "that client is" : "those clients are");
			views |= XESVM_VIEW_CLIENTS;
		}
	}
	/* Root is refused only by ptrace rules (e.g. Yama), not for lack of root. */
	if (a->fdinfo_procs && geteuid() != 0)
		APPEND("%sfdinfo of %u other users' processes is not readable (needs root): their GPU memory use is omitted",
		       n ? "; " : "", a->fdinfo_procs);
	else if (a->fdinfo_procs)
		APPEND("%sfdinfo of %u process%s is not readable (ptrace access denied): %s GPU memory use is omitted",
		       n ? "; " : "", a->fdinfo_procs, a->fdinfo_procs == 1 ? "" : "es",
		       a->fdinfo_procs == 1 ? "its" : "their");
	if (a->fdinfo_procs)
		views |= XESVM_VIEW_CLIENTS;
#undef APPEND
	if (n)
		xesvm_model_note_about(m, views, "%s", text);
}

/* What could not be opened, per set of views, for the note of views nobody filled. */
struct missing {
	unsigned int views;
	bool on_purpose;
	size_t used;
	char reasons[1100];
};

static void add_reason(struct missing *list, size_t *count, unsigned int views,
		       const struct xesvm_unavailable *why)
{
	struct missing *e = NULL;
	size_t i;

	for (i = 0; i < *count; i++)
		if (list[i].views == views)
			e = &list[i];
	if (!e) {
		e = &list[(*count)++];
		memset(e, 0, sizeof(*e));
		e->views = views;
	}
	e->on_purpose |= why->on_purpose;
	if (!why->why[0] || e->used >= sizeof(e->reasons))
		return;
	e->used += (size_t)snprintf(e->reasons + e->used, sizeof(e->reasons) - e->used, "%s%s",
				    !e->used ? "" : why->access ? "; " : ", and ", why->why);
}

/* "VMs, VMAs, SVM ranges and pagemaps": the views of @views as people call them. */
static void view_names(unsigned int views, char *buf, size_t size)
{
	static const char *const names[] = {
		"devices", "GT statistics", "DRM clients", "VMs", "VMAs", "SVM ranges",
		"pagemaps", "events",
	};
	size_t i, n = 0, total = 0, used = 0;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		total += (views >> i) & 1;
	buf[0] = '\0';
	for (i = 0; i < sizeof(names) / sizeof(names[0]) && used < size; i++) {
		if (!(views & (1u << i)))
			continue;
		used += (size_t)snprintf(buf + used, size - used, "%s%s",
					 !n ? "" : n + 1 == total ? " and " : ", ", names[i]);
		n++;
	}
}

int xesvm_gather(const struct xesvm_sources *src, struct xesvm_model **out,
		 struct xesvm_error *err)
{
	struct xesvm_gathering g = { .options = src };
	struct missing missing[SOURCE_COUNT];
	size_t i, nmissing = 0;
	unsigned int filled = 0;

	*out = NULL;
	xesvm_roots_resolve(src, &g.roots);
	if (svm_choice(&g.svm, err))
		return -1;
	if ((g.roots.debugfs_explicit && check_explicit_root(g.roots.debugfs, "debugfs", err)) ||
	    (g.roots.proc_explicit && check_explicit_root(g.roots.proc, "proc", err)))
		return -1;

	g.m = xesvm_model_new();
	if (!g.m) {
		xesvm_error_set(err, XESVM_E_SYSTEM, ENOMEM, "out of memory");
		return -1;
	}
	xesvm_model_stamp(g.m);

	for (i = 0; i < SOURCE_COUNT; i++) {
		const struct xesvm_source *s = sources[i];
		struct xesvm_unavailable why = { 0 };
		void *state = NULL;
		int rc;

		if (!(s->fills & ~filled))
			continue;	/* an alternative to a source that was read */
		rc = s->open(&g, &state, &why, err);
		if (rc < 0)
			goto fail;
		if (rc > 0) {
			add_reason(missing, &nmissing, s->fills, &why);
			continue;
		}
		rc = s->fill(&g, state, err);
		if (s->close)
			s->close(state);
		if (rc)
			goto fail;
		filled |= s->fills;
	}
	for (i = 0; i < nmissing; i++) {
		char names[128];

		if ((missing[i].views & ~filled) == 0 || missing[i].on_purpose)
			continue;
		view_names(missing[i].views, names, sizeof(names));
		xesvm_model_note_about(g.m, missing[i].views, "%s omitted: %s", names,
				       missing[i].reasons);
	}
	note_access(g.m, g.roots.debugfs, &g.access);
	*out = g.m;
	return 0;
fail:
	xesvm_model_free(g.m);
	return -1;
}
