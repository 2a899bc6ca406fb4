"""The cyclic garbage collector in the command's own processes.

Importing Dagster, SQLAlchemy and the code location makes about 300,000 objects that
live as long as the process (modules, classes, functions, their dictionaries), and every
full collection went through all of them again: half a second of a `klima run`'s own
process, over 500 collections, two thirds of it in full ones (docs/performance.md). The
report's processes import pandas and typst in the same way.

`frozen_after_imports` imports with the collector off, then freezes (`gc.freeze`) every
object there is: those are never gone through again, and what the command makes
afterwards is collected as usual. A frozen object is never freed, garbage or not, so
this is only for a process that is the command's own and ends with it: a process that
calls `klima`'s `main` again and again (the test suite) keeps collecting as before.
"""

from __future__ import annotations

import atexit
import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def frozen_after_imports(own_process: bool) -> Iterator[None]:
    """Run the block (the imports) without collecting, then freeze what exists; does
    nothing unless `own_process`."""
    if not own_process or not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()
        # Frozen objects are not freed at the interpreter's end either (extension modules
        # then report them as leaked): back to the collector once the process ends.
        atexit.register(gc.unfreeze)
