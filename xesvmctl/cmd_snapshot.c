// SPDX-License-Identifier: MIT
/* `snapshot` (save the model) and `diff` (compare two snapshots). */
#include <inttypes.h>
#include <string.h>
#include <unistd.h>

#include "render.h"

int cmd_snapshot(struct cli *cli, const struct cli_invocation *inv)
{
	const char *path = cli_arg(inv, "output");
	bool gzip = cli_flag(inv, "gzip");
	struct xesvm_model *m;
	bool owned;
	int ret;

	if (!path)
		path = "-";
	if (gzip && strcmp(path, "-") == 0 && isatty(STDOUT_FILENO)) {
		xesvm_error_set(&cli->err, XESVM_E_USAGE, 0,
				"refusing to write compressed data to a terminal (use -o FILE)");
		return XESVM_E_USAGE;
	}
	ret = cli_get_model(cli, &m, &owned);
	if (ret)
		return ret;
	cli_show_notes(cli, m);
	ret = xesvm_snapshot_save(m, path, gzip, &cli->err);
	cli_put_model(m, owned);
	if (!ret && strcmp(path, "-") != 0 && !cli->json)
		printf("snapshot written to %s\n", path);
	return ret;
}

/*
 * Human view of a diff: the JSON tree as indented "key: value" lines.
 * Counters and sizes in the diff are exact integers; the human view keeps
 * them as they are because a delta's unit depends on the key.
 */
static void print_tree(FILE *out, const json_t *v, int depth, const char *key)
{
	const char *k;
	json_t *child;
	size_t i;

	fprintf(out, "%*s", depth * 2, "");
	if (key)
		fprintf(out, "%s:", key);
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		if (json_object_size(v) == 0) {
			fprintf(out, "%s{}\n", key ? " " : "");
			break;
		}
		fputc('\n', out);
		json_object_foreach((json_t *)v, k, child) {
			char safe[128];

			fmt_text(safe, sizeof(safe), k);
			print_tree(out, child, depth + 1, safe);
		}
		break;
	case JSON_ARRAY:
		if (json_array_size(v) == 0) {
			fprintf(out, "%s[]\n", key ? " " : "");
			break;
		}
		fputc('\n', out);
		json_array_foreach(v, i, child)
			print_tree(out, child, depth + 1, "-");
		break;
	case JSON_STRING: {
		char safe[256];

		fmt_text(safe, sizeof(safe), json_string_value(v));
		fprintf(out, "%s%s\n", key ? " " : "", safe);
		break;
	}
	case JSON_INTEGER:
		fprintf(out, "%s%" JSON_INTEGER_FORMAT "\n", key ? " " : "",
			json_integer_value(v));
		break;
	case JSON_REAL:
		fprintf(out, "%s%g\n", key ? " " : "", json_real_value(v));
		break;
	case JSON_TRUE:
	case JSON_FALSE:
		fprintf(out, "%s%s\n", key ? " " : "", json_is_true(v) ? "true" : "false");
		break;
	case JSON_NULL:
		fprintf(out, "%s-\n", key ? " " : "");
		break;
	}
}

int cmd_diff(struct cli *cli, const struct cli_invocation *inv)
{
	struct xesvm_model *a = NULL, *b = NULL;
	json_t *d = NULL;
	int ret;

	ret = xesvm_snapshot_load(inv->positional[0], &a, &cli->err);
	if (!ret)
		ret = xesvm_snapshot_load(inv->positional[1], &b, &cli->err);
	if (!ret) {
		d = xesvm_model_diff(a, b, &cli->err);
		if (!d)
			ret = cli->err.status ? (int)cli->err.status : XESVM_E_SYSTEM;
	}
	if (!ret) {
		if (cli->json) {
			ret = cli_dump_json(cli, d);
		} else {
			const char *k;
			json_t *v;

			json_object_foreach(d, k, v)
				print_tree(stdout, v, 0, k);
			fflush(stdout);
		}
	}
	json_decref(d);
	if (a)
		xesvm_model_free(a);
	if (b)
		xesvm_model_free(b);
	return ret;
}
