# SPDX-License-Identifier: MIT
"""xesvm-json(7) as a JSON Schema (man/xesvm-json.schema.json), for tests.

Shared by the CLI tests (tests/cli/run.py) and the end-to-end tests
(tests/e2e/e2e.py): whatever xesvmctl prints with -j, and every committed
snapshot, must validate. Uses python3-jsonschema (Debian package; Draft 7).

    problems(text_or_doc, what) -> list of strings, empty when valid
"""
import json
import os

SCHEMA_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'man',
                           'xesvm-json.schema.json')
_validator = None


class Unavailable(Exception):
    """python3-jsonschema is not installed."""


def validator():
    """The Draft 7 validator of the schema, loaded once; the schema itself is checked."""
    global _validator
    if _validator is None:
        try:
            import jsonschema
        except ImportError:
            raise Unavailable('python3-jsonschema is not installed (scripts/install-deps test)')
        with open(SCHEMA_PATH) as f:
            schema = json.load(f)
        jsonschema.Draft7Validator.check_schema(schema)
        _validator = jsonschema.Draft7Validator(schema)
    return _validator


def _doc_problems(doc, what):
    errors = sorted(validator().iter_errors(doc), key=lambda e: list(e.absolute_path))
    return ['%s: at /%s: %s' % (what, '/'.join(str(p) for p in e.absolute_path), e.message[:300])
            for e in errors]


def problems(output, what):
    """@output: a parsed document, or -j text: one document, or JSON lines (a stream)."""
    if not isinstance(output, str):
        return _doc_problems(output, what)
    try:
        return _doc_problems(json.loads(output), what)
    except ValueError:
        pass
    found = []
    for n, line in enumerate(output.splitlines(), 1):
        if not line.strip():
            continue
        try:
            doc = json.loads(line)
        except ValueError as e:
            found.append('%s: line %d is not JSON: %s' % (what, n, e))
            continue
        found += _doc_problems(doc, '%s line %d' % (what, n))
    return found
