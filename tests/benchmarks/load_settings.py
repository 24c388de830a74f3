"""Settings of the server that ``bench_load`` drives: the project's own
settings (read from the environment as in production) with one extra URL,
``/bench/bare/``, a bare Django view that the benchmark uses as its yardstick.
"""

import tempfile

from lms.settings import *  # noqa: F403

ROOT_URLCONF = "tests.benchmarks.load_urls"

# Production serves hashed static files from STATIC_ROOT; the benchmark
# collects them in a directory of its own rather than in the work tree.
STATIC_ROOT = env.path(  # noqa: F405
    "BENCH_STATIC_ROOT",
    default=str(Path(tempfile.gettempdir()) / "nangtam-bench-static"),  # noqa: F405
)
