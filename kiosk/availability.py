"""Availability at the kiosk: asked in the background, never waited for longer than ``timeout``.

The library system is across a network and may be slow, down or broken; the visitor must
hear the title as fast as without it.  So:

* :meth:`AvailabilityService.ask` only queues the question, the moment the record is found,
  and returns a future; one worker thread owns the driver (one SIP2 connection is one
  conversation) and answers in order;
* the answer reaches the loop as an :class:`AvailabilityAnswer` event, and the visit has the
  announcer say it *after* the title (never over it, never instead of it);
* a question that waited in the queue longer than ``timeout`` is dropped unasked: the visitor
  has moved on;
* after a failure the driver is left alone for a while (1 s, 2 s, 4 s ... up to
  :data:`MAX_BACKOFF`), so a dead server costs one timeout, not one per scan; answers are
  cached ``cache_seconds``.

What the answer *says* is here too (:func:`sentence`), from the phrase files.
"""

from __future__ import annotations

import itertools
import logging
import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import date
from typing import Any

from catalog.records import Record
from hardware.availability import Availability, AvailabilitySource
from hardware.errors import HardwareError
from kiosk import levels
from kiosk.phrasing import Utterance, clean, phrases

log = logging.getLogger(__name__)

MAX_BACKOFF = 60.0
GATE_WAIT = 0.25
"""Seconds a question waits for the title's first audio before it is asked anyway."""


@dataclass(frozen=True)
class AvailabilityAnswer:
    """An event for the loop: the answer (``None``: unknown) for a record the visit asked."""

    record_id: str
    availability: Availability | None


@dataclass
class _Job:
    record_id: str
    barcodes: tuple[str, ...]
    asked_at: float
    future: Future[Availability | None]
    gate: threading.Event | None = None


class AvailabilityService:
    """Owns the driver and its worker thread; every method is safe from any thread."""

    def __init__(
        self,
        source: AvailabilitySource,
        *,
        timeout: float = 1.0,
        cache_seconds: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.source = source
        self.timeout = timeout
        self.cache_seconds = cache_seconds
        self.clock = clock
        # (priority, order, job): a scanned book before browse prefetch; None ends the worker.
        self._jobs: queue.PriorityQueue[tuple[int, int, _Job | None]] = queue.PriorityQueue()
        self._order = itertools.count()
        self._lock = threading.Lock()
        self._cache: dict[str, tuple[float, Availability]] = {}
        self._pending: dict[str, Future[Availability | None]] = {}
        self._failures = 0
        self._retry_at = float("-inf")
        self.asked = 0
        """Questions that reached the driver (tests and status read it)."""
        self._thread = threading.Thread(target=self._work, name="availability", daemon=True)
        self._thread.start()

    # ------------------------------------------------------------------ asking

    def ask(
        self,
        record: Record,
        then: Callable[[AvailabilityAnswer], None] | None = None,
        *,
        urgent: bool = True,
        gate: threading.Event | None = None,
    ) -> Future[Availability | None]:
        """Start finding out about ``record``'s copies; ``then`` gets the answer (any thread).

        Never blocks.  The future is already done when the answer is cached, the record has
        no barcodes, or the server is in its back-off time (``None``: unknown).  Questions
        that are not ``urgent`` (browse prefetch) wait behind every urgent one.  With a
        ``gate`` the question waits (at most :data:`GATE_WAIT`) until it is set - the title's
        first audio - so asking never competes with the start of speech.
        """
        future = self._future(record, 0 if urgent else 1, gate)
        if then is not None:
            future.add_done_callback(
                lambda f: then(AvailabilityAnswer(record.id, f.result()))
            )
        return future

    def warm_up(self) -> None:
        """Log in now, in the background, so the first visitor's scan finds the door open."""
        future: Future[Availability | None] = Future()
        self._jobs.put((1, next(self._order), _Job("", (), self.clock(), future)))

    def wait(self, record: Record) -> Availability | None:
        """The answer, waiting at most ``timeout`` from now (for level two and the CLI)."""
        future = self._future(record)
        try:
            return future.result(timeout=self.timeout)
        except TimeoutError:
            return None

    def cached(self, record_id: str) -> Availability | None:
        with self._lock:
            hit = self._cache.get(record_id)
        if hit is None or hit[0] < self.clock():
            return None
        return hit[1]

    def _future(
        self, record: Record, priority: int = 0, gate: threading.Event | None = None
    ) -> Future[Availability | None]:
        now = self.clock()
        with self._lock:
            hit = self._cache.get(record.id)
            if hit is not None and hit[0] >= now:
                return _done(hit[1])
            pending = self._pending.get(record.id)
            if pending is not None:
                return pending
            if not record.barcodes or now < self._retry_at:
                return _done(None)
            future: Future[Availability | None] = Future()
            self._pending[record.id] = future
        job = _Job(record.id, record.barcodes, now, future, gate)
        self._jobs.put((priority, next(self._order), job))
        return future

    # ------------------------------------------------------------------ the worker

    def _work(self) -> None:
        while True:
            _priority, _order, job = self._jobs.get()
            if job is None:
                return
            result: Availability | None = None
            try:
                result = self._answer(job)
            except Exception:  # a driver bug must never stop the worker
                log.exception("availability driver failed")
                self._failed()
            finally:
                with self._lock:
                    self._pending.pop(job.record_id, None)
                job.future.set_result(result)

    def _answer(self, job: _Job) -> Availability | None:
        if job.gate is not None:
            job.gate.wait(GATE_WAIT)
        deadline = job.asked_at + self.timeout
        if self.clock() >= deadline or self.clock() < self._retry_at:
            return None  # waited behind a slow question, or the server is resting: moved on
        self.asked += bool(job.barcodes)
        try:
            answer = self.source.lookup(job.barcodes, time.monotonic() + deadline - self.clock())
        except HardwareError as exc:
            self._failed(str(exc))
            return None
        with self._lock:
            self._failures = 0
            self._retry_at = float("-inf")
            if job.record_id:
                self._cache[job.record_id] = (self.clock() + self.cache_seconds, answer)
            if len(self._cache) > 1000:  # a day of scans; old answers are stale anyway
                self._cache.pop(next(iter(self._cache)))
        return answer

    def _failed(self, reason: str = "driver error") -> None:
        with self._lock:
            self._failures += 1
            wait = min(MAX_BACKOFF, 2.0 ** (self._failures - 1))
            self._retry_at = self.clock() + wait
        # Staff-facing, and never with the password (drivers do not put it in errors).
        log.warning("availability unknown: %s; not asking again for %.0f s", reason, wait)

    def close(self) -> None:
        self._jobs.put((-1, next(self._order), None))
        self._thread.join(timeout=self.timeout + 1.0)
        try:
            self.source.close()
        except Exception:
            log.exception("closing the availability driver failed")


def _done(value: Availability | None) -> Future[Availability | None]:
    future: Future[Availability | None] = Future()
    future.set_result(value)
    return future


# --------------------------------------------------------------------------- what is said


def day_month(day: date, lang: str, phrases_dir: str | None = None) -> str:
    """ "3 December" / "3 december", from the phrase files' month names."""
    table = phrases(lang, phrases_dir)
    return table["availability_date"].format(day=day.day, month=table[f"month_{day.month}"])


def sentence(
    availability: Availability | None,
    lang: str,
    item: str | None,
    *,
    detail: bool,
    phrases_dir: str | None = None,
) -> Utterance | None:
    """What the visitor hears about the copies; ``None`` at level one when unknown.

    Level one (``detail=False``) is one short sentence; level two adds where the copies on
    the shelf are, and says so when it is not known.
    """
    if availability is None or not availability.copies:
        if not detail:
            return None
        return _said("availability_unknown", lang, item, phrases_dir)
    copies = availability.copies
    total = len(copies)
    shelf = availability.on_shelf
    values: dict[str, str] = {"count": str(len(shelf)), "total": str(total)}
    if shelf:
        key = (
            "availability_on_shelf" if total == 1
            else "availability_all_on_shelf" if len(shelf) == total
            else "availability_some_on_shelf"
        )
        location = clean(shelf[0].location) if detail else ""
        if location:
            key += "_at"
            values["location"] = location
        return _said(key, lang, item, phrases_dir, **values)
    loans = availability.on_loan
    if loans and len(loans) == total:
        first = availability.first_due
        key = "availability_on_loan" if total == 1 else "availability_all_on_loan"
        if first is None:
            return _said(key + "_undated", lang, item, phrases_dir)
        return _said(key, lang, item, phrases_dir, date=day_month(first, lang, phrases_dir))
    return _said("availability_none_on_shelf", lang, item, phrases_dir)


def _said(
    key: str, lang: str, item: str | None, phrases_dir: str | None, **values: str
) -> Utterance:
    said = levels.message(key, lang, phrases_dir=phrases_dir, **values)
    return Utterance(said.text, said.lang, item, "availability", said.segments)


# --------------------------------------------------------------------------- wiring


def from_config(cfg: Any) -> AvailabilityService | None:
    """The service ``[availability]`` asks for, or ``None`` when no driver is configured.

    Constructing the driver connects to nothing (its first lookup does), so a library system
    that is down never delays start-up; a wrong option is a ``HardwareError`` naming it.
    """
    choice = cfg.drivers.get("availability")
    if choice is None:
        return None
    source = choice.create()
    return AvailabilityService(
        source,  # type: ignore[arg-type]
        timeout=cfg.availability_timeout,
        cache_seconds=cfg.availability_cache_seconds,
    )


def lookup_line(config_path: str, record: Record, lang: str) -> str | None:
    """``talkcat lookup --config``: the availability sentence, or ``None`` (not configured,
    not answering in time).  Never raises for the server's sake: exit codes stay the lookup's.
    """
    from kiosk import config

    service = from_config(config.load(config_path))
    if service is None:
        return None
    try:
        said = sentence(service.wait(record), lang, record.id, detail=False)
    finally:
        service.close()
    return said.text if said is not None else None
