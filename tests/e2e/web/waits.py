"""Waiting for a condition in the page without ``page.wait_for_function``.

Playwright polls a ``wait_for_function`` predicate that is not true at once with code
it compiles in the page (``new Function``), which the app's Content Security Policy
(``script-src 'self'``, no ``unsafe-eval``) refuses: the wait then fails with an
EvalError, but only when the condition was not already true (a flaky test).  Here the
predicate is evaluated from the test (DevTools evaluation, which the policy does not
govern) until it holds.
"""

from __future__ import annotations

import time
from typing import Any


def wait_for_js(page: Any, expression: str, arg: Any = None, timeout: float = 30_000) -> None:
    """Wait until ``expression`` (a JS expression or function of ``arg``) is truthy in
    ``page``; ``timeout`` in milliseconds, as Playwright's."""
    deadline = time.monotonic() + timeout / 1000
    while not page.evaluate(expression, arg):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout / 1000:g} s waiting for {expression}")
        page.wait_for_timeout(50)
