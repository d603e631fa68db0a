// SPDX-License-Identifier: MIT
/* The JSON renderer: documents and lines on stdout, compact or indented. */
#include <errno.h>

#include "json.h"

int json_out_value(struct cli *cli, json_t *value)
{
	size_t flags = JSON_ENCODE_ANY | (cli->pretty ? JSON_INDENT(2) : JSON_COMPACT);

	if (json_dumpf(value, stdout, flags)) {
		xesvm_error_set(&cli->err, XESVM_E_SYSTEM, errno,
				"writing JSON output failed");
		return XESVM_E_SYSTEM;
	}
	fputc('\n', stdout);
	return cli_check_stdout(cli);
}

int json_out_result(struct cli *cli, const char *key, json_t *body)
{
	json_t *doc = json_pack("{s:i,s:O}", "schema_version", XESVM_SCHEMA_VERSION,
				key, body);
	int ret;

	if (!doc) {
		xesvm_error_set(&cli->err, XESVM_E_SYSTEM, ENOMEM, "out of memory");
		return XESVM_E_SYSTEM;
	}
	ret = json_out_value(cli, doc);
	json_decref(doc);
	return ret;
}

int json_out_record(struct cli *cli, const json_t *record)
{
	json_t *line = json_pack("{s:i}", "schema_version", XESVM_SCHEMA_VERSION);
	int ret = XESVM_OK;

	if (!line || json_object_update(line, (json_t *)record)) {
		xesvm_error_set(&cli->err, XESVM_E_SYSTEM, ENOMEM, "out of memory");
		ret = XESVM_E_SYSTEM;
	} else if (json_dumpf(line, stdout, JSON_COMPACT)) {
		/* Compact even under -p: a stream is one JSON document per line. */
		xesvm_error_set(&cli->err, XESVM_E_SYSTEM, errno, "writing JSON output failed");
		ret = XESVM_E_SYSTEM;
	} else {
		/* Not flushed here: monitor flushes once per batch of events. */
		fputc('\n', stdout);
	}
	json_decref(line);
	return ret;
}

int json_out_view(struct cli *cli, const struct xesvm_model *m,
		  const char *const *collections, const struct xesvm_query *q)
{
	struct xesvm_view view = { .collections = collections, .query = q };
	int ret;

	ret = xesvm_model_write_view(m, stdout, &view,
				     cli->pretty ? XESVM_WRITE_PRETTY : 0, &cli->err);
	if (ret)
		return ret;
	return cli_check_stdout(cli);
}

int json_out_diff(struct cli *cli, const struct xesvm_model *a,
		  const struct xesvm_model *b)
{
	if (xesvm_model_diff_write(a, b, stdout, cli->pretty ? XESVM_WRITE_PRETTY : 0,
				   &cli->err))
		return cli_status(cli, XESVM_E_SYSTEM);
	return XESVM_OK;
}
