"""The bench's server: the settings it was started with (COMPTOIR_BENCH_SETTINGS, default dev), with the
bench's URLs, which add the hand-written floor views beside the product's."""

import importlib
import os

_base = importlib.import_module(os.environ.get("COMPTOIR_BENCH_SETTINGS", "comptoir.config.settings.dev"))
globals().update({name: value for name, value in vars(_base).items() if name.isupper()})

ROOT_URLCONF = "comptoir.bench.urls"
