"""Fixtures shared by every app's tests: users by role and signed-in API clients."""

import json

import pytest
from django.core.cache import cache
from django.test import Client

from comptoir.accounts.services import token_issue
from comptoir.accounts.tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


class ApiClient:
    """A JSON client for /api/v1/ signed with a bearer token (or none)."""

    def __init__(self, token: str | None = None):
        self.client = Client()
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}

    def _send(self, method, path, data=None, raw=None, **extra):
        body = raw if raw is not None else (json.dumps(data) if data is not None else "")
        return getattr(self.client, method)(
            f"/api/v1{path}", data=body, content_type="application/json", **self.headers, **extra
        )

    def get(self, path, params=None):
        return self.client.get(f"/api/v1{path}", data=params or {}, **self.headers)

    def post(self, path, data=None, raw=None):
        return self._send("post", path, data, raw)

    def patch(self, path, data=None, raw=None):
        return self._send("patch", path, data, raw)

    def put(self, path, data=None, raw=None):
        return self._send("put", path, data, raw)

    def delete(self, path):
        return self._send("delete", path)

    def upload(self, path, **files):
        return self.client.post(f"/api/v1{path}", data=files, **self.headers)


def issue_token(user, password="Mot-de-passe-42") -> str:
    _token, raw = token_issue(username=user.username, password=password)
    return raw


@pytest.fixture
def make_api():
    def make(user=None):
        return ApiClient(issue_token(user) if user is not None else None)

    return make


@pytest.fixture
def admin(db):
    return UserFactory(role="admin", username="chef")


@pytest.fixture
def manager(db):
    return UserFactory(role="sales_manager")


@pytest.fixture
def salesperson(db):
    return UserFactory(role="salesperson")


@pytest.fixture
def reception(db):
    return UserFactory(role="reception", department=None)


@pytest.fixture
def admin_api(admin, make_api):
    return make_api(admin)


@pytest.fixture
def salesperson_api(salesperson, make_api):
    return make_api(salesperson)
