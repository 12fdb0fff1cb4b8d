from django.apps import AppConfig


class BenchConfig(AppConfig):
    """The speed goals, measured: `comptoir bench`, `bench-imports` and `bench-report` (no models)."""

    name = "comptoir.bench"
    label = "bench"
