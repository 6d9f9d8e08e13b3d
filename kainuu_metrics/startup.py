"""Process start-up settings of the command-line program (never applied at import)."""

from __future__ import annotations

import os
import sys


def skip_unused_slow_imports() -> None:
    """jsonschema, which nbformat and Great Expectations load, imports rfc3987-syntax just to
    offer an 'iri' format checker, and that compiles Lark grammars for about two seconds.
    Nothing here validates IRIs, so the module is marked absent and jsonschema leaves the
    checker out. (Measured in ../shared/STACK.md.)"""
    if "rfc3987_syntax" not in sys.modules:
        sys.modules["rfc3987_syntax"] = None  # type: ignore[assignment]


def prefer_jemalloc_for_arrow() -> None:
    """pandas keeps text in Arrow arrays, and each filter or copy of a large table allocates new
    Arrow buffers. On Linux pyarrow's default allocator (mimalloc) made a 100 000-row validate
    take about 2 s more CPU than jemalloc, at the same peak memory (measured in the README's
    Performance section). Set before pyarrow is first imported; child processes (the checker,
    the notebook kernels) inherit it. A user's own ARROW_DEFAULT_MEMORY_POOL wins."""
    if sys.platform == "linux" and "pyarrow" not in sys.modules:
        os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "jemalloc")
