"""Fuzzing: schemathesis generates requests for every operation of /api/v1/openapi.json, as an admin
and as a salesperson, with a bounded number of examples: no answer is a 500, and none breaks the schema
the API documents for it.

Uploads are fuzzed too: the four multipart operations (a user's photo, the dealer's logo, imports,
attachments) declare their body as multipart/form-data, so schemathesis sends generated parts (and, in its
coverage phase, no body or other methods). The count of what answered proves the run tested something: most
requests reach their handler (not 401/403), each multipart operation's among them."""

from collections import Counter

import pytest
import schemathesis
from django.db import transaction
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from comptoir.config.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
EXAMPLES = 8
OPERATIONS = [result.ok() for result in schema.get_all_operations()]
MULTIPART_OPERATIONS = {f"{operation.method.upper()} {operation.path}" for operation in OPERATIONS
                        if any(body.media_type == "multipart/form-data" for body in operation.body)}
# What each generated request answered, by role; and for multipart bodies, by operation. Read by the last test.
ANSWERED = {"admin": Counter(), "salesperson": Counter()}
MULTIPART_REACHED = Counter()
NOT_REACHED = {401, 403}


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
        response = case.call(headers={"Authorization": f"Bearer {fuzz_tokens[role]}"})
        ANSWERED[role][response.status_code] += 1
        operation = f"{case.operation.method.upper()} {case.operation.path}"
        # Parsed (not 400), authenticated (not 401/403), taken as the upload it is (not 405/415).
        if case.media_type == "multipart/form-data" and operation in MULTIPART_OPERATIONS \
                and response.status_code not in NOT_REACHED | {400, 405, 415}:
            MULTIPART_REACHED[operation, role] += 1
        case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])
    finally:
        transaction.savepoint_rollback(savepoint)


def test_most_fuzzed_requests_reach_their_handler():
    """After the fuzzing above (same module, run before): a run whose token stopped working, or whose requests
    all bounced off authentication, would pass every check above while testing nothing."""
    assert sum(ANSWERED["admin"].values()) > 0, "run with the fuzzing above (the whole module)"
    print(f"\nfuzzing answered: {ANSWERED}; multipart requests that reached their handler: {dict(MULTIPART_REACHED)}")
    for role, least in (("admin", 0.9), ("salesperson", 0.6)):
        answered = ANSWERED[role]
        total, refused = sum(answered.values()), sum(answered[status] for status in NOT_REACHED)
        assert total >= len(OPERATIONS), (role, total)
        assert (total - refused) / total >= least, (role, dict(answered))
    assert MULTIPART_OPERATIONS >= {"POST /api/v1/users/{user_id}/photo", "POST /api/v1/settings/logo",
                                    "POST /api/v1/imports", "POST /api/v1/attachments"}
    for operation in MULTIPART_OPERATIONS:
        assert MULTIPART_REACHED[operation, "admin"] > 0, (operation, dict(MULTIPART_REACHED))
