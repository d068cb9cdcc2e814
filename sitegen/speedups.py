"""Every speed-up that reaches into another library (or into the interpreter's collector), in one
place. Each is a small function that says which internals it relies on and which versions were
checked; each has an oracle test (tests/core/test_speedups.py: the same input through the plain path
and the sped-up one gives the same result). `SITEGEN_NO_SPEEDUPS=1` (sitegen.tuning) turns them
all off: every function here then leaves things as the library made them, and the code takes the
plain path -- slower, with the same output.
"""

from __future__ import annotations

import gc
import os
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

from sitegen import tuning

if TYPE_CHECKING:
    import jinja2

T = TypeVar("T")


def enabled() -> bool:
    return tuning.current.speedups


def memoize_macro(env: jinja2.Environment, template: str, name: str) -> None:
    """Make the macro `name` of `template` answer from a memo for arguments it saw before.

    A post's card is on the home pages, its categories', tags', author's and date archives'
    pages and under three related posts: ~13 renders of the same card, a quarter of all Jinja
    time at 10,000 posts. An imported macro (`{% from ... import card %}`, without context) sees
    only its arguments and the environment's globals, so its output is a function of its
    arguments. Relies on Jinja's `import` taking the macro from the template's one cached
    module (`Template.module`, built once per template object), whose attribute this replaces;
    checked with Jinja2 3.1.x. Arguments that do not hash, and `{% call %}` blocks, are
    rendered every time."""
    import jinja2  # here: the import side and `sitegen --help` do without it

    try:
        module = env.get_template(template).module
    except (jinja2.TemplateError, UnicodeDecodeError):
        return  # missing or broken: rendering a page that imports it says so
    macro = getattr(module, name, None)
    macro = getattr(macro, "__wrapped__", macro)  # a memo of an earlier build: a fresh one
    if not isinstance(macro, jinja2.runtime.Macro):
        return
    if not enabled():  # Jinja's own macro again (an environment is reused between builds)
        setattr(module, name, macro)
        return
    memo: dict[Any, Any] = {}  # for one build (an environment may serve several: serve)

    def memoized(*args: Any, **kwargs: Any) -> Any:
        if "caller" in kwargs:
            return macro(*args, **kwargs)
        key = (args, tuple(sorted(kwargs.items())))
        try:
            found = memo.get(key, memo)  # the memo itself: not there yet
        except TypeError:  # an argument that does not hash
            return macro(*args, **kwargs)
        if found is memo:
            found = memo[key] = macro(*args, **kwargs)
        return found

    memoized.__wrapped__ = macro  # type: ignore[attr-defined]
    setattr(module, name, memoized)


def skip_character_count(tokenizer: Any) -> None:
    """Stop html5lib's input stream from running a regex over all the text to *count* invalid
    code points for the parse-error list, which nothing here reads (~10 % of an import's
    parsing). html5lib itself switches the count off this way where Python catches them
    earlier (`HTMLUnicodeInputStream.reportCharacterErrors = None`, a private attribute of
    its stream); the tree is the same. Checked with html5lib 1.1."""
    if enabled():
        tokenizer.stream.reportCharacterErrors = None


_local = threading.local()


def reused(key: str, make: Callable[[], T]) -> T:
    """One object made by `make` per thread, reused for every later call with `key`; a fresh
    one each time with the speed-ups off. For html5lib's parser: building its tree builder
    and phases anew for each fragment is ~10 % of an import's parsing, and `parseFragment`
    resets everything a parse depends on (`HTMLParser.reset`, called by its `_parse`; checked
    with html5lib 1.1)."""
    if not enabled():
        return make()
    found: T | None = getattr(_local, key, None)
    if found is None:
        found = make()
        setattr(_local, key, found)
    return found


def tune_gc() -> None:
    """For a command's process: a build allocates millions of objects that live until it ends
    (documents, pages, jobs); with the default thresholds the cycle collector walks them over
    and over (~10 % of a 10,000-post build's CPU). Collect young objects less often; cycles are
    rare here. CPython's generational collector (`gc.set_threshold`), 3.11 to 3.13."""
    if enabled():
        gc.set_threshold(50_000, 20, 100)


@contextmanager
def no_gc() -> Iterator[None]:
    """The cycle collector off while a block runs. Unpickling 10,000 documents creates ~1 M
    objects; the collector would walk them all several times over (3x the time) and there is
    no garbage to find."""
    if not enabled() or not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def freeze_gc() -> None:
    """Exempt everything alive now from later collections (`gc.freeze`, CPython 3.7+). After
    serve's first build the process holds millions of objects that live as long as it does
    (documents, bodies, outputs); each rebuild's allocations would make the cycle collector
    walk them all again (a third of a rebuild at 10,000 posts). Frozen, it skips them; what
    later builds allocate is collected as usual."""
    if enabled():
        gc.collect()
        gc.freeze()


def fast_exit(code: int) -> NoReturn:
    """End the process now. Freeing a 10,000-post build's millions of objects one by one at
    interpreter exit takes ~0.3 s and achieves nothing; `os._exit` skips the interpreter's
    shutdown (atexit handlers, finalizers, buffered output), so everything that must reach the
    disk or the terminal has to be written or flushed before: the commands close their pools,
    servers and files before they return, and the standard streams are flushed here. Without
    the speed-ups, the ordinary `sys.exit`."""
    if not enabled():
        sys.exit(code)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
