from django.apps import AppConfig


class BenchConfig(AppConfig):
    """The speed goals, measured: `comptoir bench`, `bench_imports` and `bench_report` (no models)."""

    name = "comptoir.bench"
    label = "bench"
