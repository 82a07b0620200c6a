"""The slow stand-in pipeline, printing to stdout as careless libraries do."""

from __future__ import annotations

import os
import sys
from typing import Any

from tests.workers.slow_pipeline import SlowPipeline
from tests.workers.slow_pipeline import build as build_slow


class NoisyPipeline:
    def __init__(self, inner: SlowPipeline) -> None:
        self.inner = inner

    def run(self, *args: Any, **kwargs: Any) -> Any:
        print("noise from a library")
        sys.stdout.flush()
        os.system("echo noise from a library subprocess")
        return self.inner.run(*args, **kwargs)


def build(urls: Any, settings: Any) -> NoisyPipeline:
    return NoisyPipeline(build_slow(urls, settings))
