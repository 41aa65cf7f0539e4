"""The per-instance log store: log events tagged with an instance name, kept in the database.

Anything under the ``curatarr`` logger that carries ``extra={"instance": "<name>"}`` (or
``"instances": [names]``) is stored by :class:`InstanceLogHandler`; code that is not logging
anyway can call :meth:`InstanceLogStore.write`. ``GET /api/instances/{name}/logs`` answers from an
index on (instance, id) — CHUB read every log file in full and grepped for the name, which was slow
and matched any line that merely mentioned a similar name.

Writes are queued and flushed in batches by a background thread (a log call never waits for the
database); a query flushes first, so what was logged is visible to the next read. Messages pass
through the runtime's redaction filter before they are stored.
"""

from __future__ import annotations

import logging
import queue
import threading
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Iterable

from sqlalchemy import delete, func, select

from curatarr.db.base import iso, utcnow
from curatarr.db.models.instances import InstanceLogEvent

if TYPE_CHECKING:
    from curatarr.db import Database
    from curatarr.runtime import Runtime

log = logging.getLogger("curatarr.instances.logstore")

LEVELS = {"debug": logging.DEBUG, "info": logging.INFO, "warning": logging.WARNING, "error": logging.ERROR,
          "critical": logging.CRITICAL}
MAX_MESSAGE = 4000
RETENTION_DAYS = 30
MAX_PER_INSTANCE = 10_000


def parse_level(level: str | None) -> int | None:
    """``"warning"`` → 30; None/"" → None; ValueError for an unknown name."""
    if not level:
        return None
    value = LEVELS.get(str(level).strip().lower())
    if value is None:
        raise ValueError(f"unknown level {level!r}; use one of {', '.join(LEVELS)}")
    return value


@dataclass
class _Pending:
    instance: str
    levelno: int
    logger: str
    message: str
    source: str | None
    job_id: int | None
    created_at: object


def _row_dict(row: InstanceLogEvent) -> dict:
    return {"id": row.id, "timestamp": iso(row.created_at), "level": row.level, "logger": row.logger,
            "source": row.source, "job_id": row.job_id, "message": row.message, "instance": row.instance_name}


class InstanceLogStore:
    def __init__(self, db: "Database", *, redact=None, batch_size: int = 500, flush_interval: float = 0.5):
        self.db = db
        self._redact = redact  # callable(str) -> str
        self._queue: "queue.Queue[_Pending]" = queue.Queue(maxsize=100_000)
        self._batch_size = batch_size
        self._flush_interval = flush_interval
        self._flush_lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.dropped = 0

    # ---- writing ------------------------------------------------------------------------------
    def write(self, instance: str, level: int | str, message: str, *, logger: str = "curatarr.instances",
              source: str | None = None, job_id: int | None = None) -> None:
        """Queue one event (flushed within ``flush_interval``; inline when no writer thread runs)."""
        levelno = level if isinstance(level, int) else (parse_level(level) or logging.INFO)
        text = str(message)
        if self._redact is not None:
            text = self._redact(text)
        event = _Pending(str(instance)[:150], levelno, logger[:200], text[:MAX_MESSAGE],
                         (source or None) and str(source)[:100], job_id, utcnow())
        try:
            self._queue.put_nowait(event)
        except queue.Full:
            self.dropped += 1
            return
        if self._thread is None:
            self.flush()

    def flush(self) -> int:
        """Write every queued event; returns how many were written."""
        written = 0
        with self._flush_lock:
            while True:
                batch: list[_Pending] = []
                while len(batch) < self._batch_size:
                    try:
                        batch.append(self._queue.get_nowait())
                    except queue.Empty:
                        break
                if not batch:
                    return written
                try:
                    with self.db.session() as s:
                        s.add_all([InstanceLogEvent(instance_name=e.instance, levelno=e.levelno,
                                                    level=logging.getLevelName(e.levelno).lower(), logger=e.logger,
                                                    source=e.source, job_id=e.job_id, message=e.message,
                                                    created_at=e.created_at) for e in batch])
                    written += len(batch)
                except Exception:  # the store must never break the code that logs
                    self.dropped += len(batch)
                    log.warning("could not store %d instance log events", len(batch), exc_info=True)
                    return written

    # ---- background writer ---------------------------------------------------------------------
    def start(self) -> None:
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="instance-logstore", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        thread, self._thread = self._thread, None
        if thread is not None:
            self._stop.set()
            thread.join(timeout=10)
        self.flush()

    def _run(self) -> None:
        while not self._stop.wait(self._flush_interval):
            self.flush()

    # ---- reading ------------------------------------------------------------------------------
    def query(self, instance: str, *, limit: int = 100, offset: int = 0, level: str | int | None = None,
              exact_level: bool = False) -> tuple[list[dict], int]:
        """Events of ``instance``, newest first, from ``level`` up (or exactly it); plus the total."""
        self.flush()
        levelno = level if isinstance(level, int) else parse_level(level)
        conds = [InstanceLogEvent.instance_name == instance]
        if levelno is not None:
            conds.append(InstanceLogEvent.levelno == levelno if exact_level else InstanceLogEvent.levelno >= levelno)
        with self.db.session() as s:
            total = s.scalar(select(func.count()).select_from(InstanceLogEvent).where(*conds)) or 0
            rows = s.scalars(select(InstanceLogEvent).where(*conds).order_by(InstanceLogEvent.id.desc())
                             .offset(offset).limit(limit)).all()
        return [_row_dict(r) for r in rows], int(total)

    def counts(self, instance: str, *, days: int = 7) -> dict[str, int]:
        """Events per level name in the last ``days`` days."""
        self.flush()
        since = utcnow() - timedelta(days=days)
        with self.db.session() as s:
            rows = s.execute(select(InstanceLogEvent.level, func.count()).where(
                InstanceLogEvent.instance_name == instance, InstanceLogEvent.created_at >= since)
                .group_by(InstanceLogEvent.level)).all()
        return {str(level): int(n) for level, n in rows}

    # ---- upkeep ---------------------------------------------------------------------------------
    def rename(self, old: str, new: str) -> None:
        from sqlalchemy import update

        self.flush()
        with self.db.session() as s:
            s.execute(update(InstanceLogEvent).where(InstanceLogEvent.instance_name == old)
                      .values(instance_name=new))

    def delete_instance(self, instance: str) -> None:
        self.flush()
        with self.db.session() as s:
            s.execute(delete(InstanceLogEvent).where(InstanceLogEvent.instance_name == instance))

    def prune(self, *, days: int = RETENTION_DAYS, max_per_instance: int = MAX_PER_INSTANCE) -> int:
        """Drop events older than ``days`` and all but the newest ``max_per_instance`` per instance."""
        self.flush()
        removed = 0
        with self.db.session() as s:
            removed += s.execute(delete(InstanceLogEvent).where(
                InstanceLogEvent.created_at < utcnow() - timedelta(days=days))).rowcount or 0
            names = s.scalars(select(InstanceLogEvent.instance_name).group_by(InstanceLogEvent.instance_name)
                              .having(func.count() > max_per_instance)).all()
            for name in names:
                cutoff = s.scalar(select(InstanceLogEvent.id).where(InstanceLogEvent.instance_name == name)
                                  .order_by(InstanceLogEvent.id.desc()).offset(max_per_instance).limit(1))
                if cutoff is not None:
                    removed += s.execute(delete(InstanceLogEvent).where(
                        InstanceLogEvent.instance_name == name, InstanceLogEvent.id <= cutoff)).rowcount or 0
        return removed


def _record_instances(record: logging.LogRecord) -> Iterable[str]:
    one = getattr(record, "instance", None)
    if isinstance(one, str) and one:
        yield one
    many = getattr(record, "instances", None)
    if isinstance(many, (list, tuple, set)):
        yield from (n for n in many if isinstance(n, str) and n and n != one)


class InstanceLogHandler(logging.Handler):
    """Stores records that name an instance (``extra={"instance": name}``) in the log store."""

    def __init__(self, store: InstanceLogStore, level: int = logging.DEBUG):
        super().__init__(level)
        self.store = store

    def emit(self, record: logging.LogRecord) -> None:
        names = list(_record_instances(record))
        if not names:
            return
        try:
            message = record.getMessage()
            if record.exc_info and record.exc_info[1] is not None:
                message += f" ({record.exc_info[0].__name__}: {record.exc_info[1]})"
            source = getattr(record, "module_name", None) or getattr(record, "source", None)
            job_id = getattr(record, "job_id", None)
            for name in names:
                self.store.write(name, record.levelno, message, logger=record.name,
                                 source=source if isinstance(source, str) else None,
                                 job_id=job_id if isinstance(job_id, int) else None)
        except Exception:
            self.handleError(record)


def get_store(rt: "Runtime") -> InstanceLogStore:
    """The runtime's log store (created on first use; the lifecycle hook starts its writer thread)."""
    store = rt.instance_logs
    if store is None:
        redactor = rt.logs.redactor

        def redact(text: str) -> str:
            record = logging.LogRecord("curatarr.instances", logging.INFO, "", 0, text, None, None)
            redactor.filter(record)  # the same filter every log handler uses (patterns + config secrets)
            return str(record.msg)

        with rt.attach_lock:
            if rt.instance_logs is None:
                rt.instance_logs = InstanceLogStore(rt.db, redact=redact)
            store = rt.instance_logs
    return store


class _InstanceAdapter(logging.LoggerAdapter):
    def process(self, msg, kwargs):
        # Merge rather than replace a call's own extra (job_id, source …); Python 3.11's default drops it.
        kwargs["extra"] = {**(kwargs.get("extra") or {}), **self.extra}
        return msg, kwargs


def instance_logger(name: str, logger: str = "curatarr.instances") -> logging.LoggerAdapter:
    """A logger whose every record is tagged with instance ``name`` (and so lands in the store)."""
    return _InstanceAdapter(logging.getLogger(logger), {"instance": name})
