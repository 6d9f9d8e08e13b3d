"""Process start-up settings of the command-line program (never applied at import)."""

from __future__ import annotations

import sys


def skip_unused_slow_imports() -> None:
    """jsonschema, which nbformat and Great Expectations load, imports rfc3987-syntax just to
    offer an 'iri' format checker, and that compiles Lark grammars for about two seconds.
    Nothing here validates IRIs, so the module is marked absent and jsonschema leaves the
    checker out. (Measured in ../shared/STACK.md.)"""
    if "rfc3987_syntax" not in sys.modules:
        sys.modules["rfc3987_syntax"] = None  # type: ignore[assignment]
