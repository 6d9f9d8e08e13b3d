"""The run's console output: numbered steps with elapsed time, in Finnish."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable


class Progress:
    """Numbered steps with elapsed time, in Finnish, on standard output."""

    def __init__(self, steps: int, echo: Callable[[str], None] = print) -> None:
        self.steps, self.current, self.echo = steps, 0, echo
        self.started = dt.datetime.now()

    def step(self, text: str) -> None:
        self.current += 1
        elapsed = (dt.datetime.now() - self.started).total_seconds()
        self.echo(f"[{self.current}/{self.steps}] {text}  ({format_seconds(elapsed)})")

    def detail(self, text: str) -> None:
        self.echo(f"      {text}")


def format_seconds(seconds: float) -> str:
    return f"{seconds:.1f} s".replace(".", ",")
