"""Fuzzing: schemathesis generates requests for every operation of /api/v1/openapi.json, as an admin
and as a salesperson, with a bounded number of examples: no answer is a 500, and none breaks the schema
the API documents for it."""

import pytest
import schemathesis
from django.db import transaction
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from comptoir.config.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
EXAMPLES = 8


@pytest.fixture
def fuzz_tokens(db, admin, salesperson):
    from comptoir.conftest import issue_token

    return {"admin": issue_token(admin), "salesperson": issue_token(salesperson)}


@pytest.fixture(autouse=True)
def _one_connection_per_test():
    """Schemathesis calls the WSGI application itself: like Django's test client, keep the end of a
    request from closing the connection that holds the test's transaction (PostgreSQL)."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
@pytest.mark.parametrize("role", ["admin", "salesperson"])
def test_no_operation_answers_a_server_error_or_breaks_its_schema(case, role, fuzz_tokens):
    # Each example from a savepoint, as each real request has its own transaction: a value PostgreSQL
    # refuses (a NUL byte answers 422) must not leave the test's one transaction aborted for the next.
    savepoint = transaction.savepoint()
    try:
        case.call_and_validate(headers={"Authorization": f"Bearer {fuzz_tokens[role]}"},
                               checks=[not_a_server_error, response_schema_conformance])
    finally:
        transaction.savepoint_rollback(savepoint)
