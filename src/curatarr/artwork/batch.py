"""Batch rendering in a process pool sized to the cores, with bounded in-flight work.

``render_many(jobs, workers=None)`` yields one :class:`BatchResult` per job as jobs finish. At
most ``2 × workers`` jobs are queued at once, workers write their output file themselves (the
bytes never travel back unless asked for), and each worker runs libvips single-threaded with its
operation cache off — so memory stays flat whatever the batch size. ``workers=1`` renders in the
calling process (no pool), which is also what the single-core benchmark measures.

Used by ``curatarr render --batch`` and by the poster maker.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

from curatarr.artwork.compose import RenderContext, RenderInputs, render
from curatarr.artwork.errors import ArtworkError
from curatarr.artwork.fonts import FontRegistry
from curatarr.artwork.store import TemplateStore
from curatarr.artwork.templates import Kind, Template
from curatarr.artwork.textfit import FitCache
from curatarr.artwork.textprep import TextInputs
from curatarr.fsutil import atomic_write_bytes


@dataclass
class RenderJob:
    kind: str
    image: str | bytes | None  # a local path or the bytes (URLs are fetched by the caller: SSRF guard)
    texts: dict = field(default_factory=dict)
    out: str | None = None
    template: str | Template | None = None  # id, family name, or a Template object
    logo: str | None = None
    output_format: str | None = None
    max_bytes: int | None = None  # output size guard; None: the template's
    job_id: str | int | None = None
    return_bytes: bool = False


@dataclass
class BatchResult:
    job_id: str | int | None
    ok: bool
    out: str | None = None
    error: str | None = None
    status: int | None = None  # HTTP-like status of the error (400 bad input, 404 missing, …)
    errno: int | None = None  # the OS error number when writing the file failed (ENOSPC: disk full)
    truncated: bool = False
    skipped: bool = False  # text did not fit and the template says skip: nothing was written
    low_resolution: bool = False  # the source was magnified past LOW_RES_UPSCALE to fill the canvas
    source: dict | None = None  # SourceReport.as_dict(): size, scale, fit
    bytes: int = 0
    ms: float = 0.0
    data: bytes | None = None
    layers: list = field(default_factory=list)
    fit_entries: dict = field(default_factory=dict)  # new text-fit cache entries to persist


@dataclass(frozen=True)
class WorkerSetup:
    """What a worker process needs to build its own context (must pickle)."""

    font_dir: str | None = None
    overlay_dir: str | None = None
    template_dir: str | None = None
    fit_seed: dict | None = None


_context: RenderContext | None = None
_store: TemplateStore | None = None


def _build(setup: WorkerSetup) -> tuple[RenderContext, TemplateStore]:
    cache = FitCache()
    if setup.fit_seed:
        cache.seed(setup.fit_seed)
    ctx = RenderContext(
        fonts=FontRegistry(Path(setup.font_dir) if setup.font_dir else None),
        overlay_dir=Path(setup.overlay_dir) if setup.overlay_dir else None,
        fit_cache=cache,
    )
    return ctx, TemplateStore(Path(setup.template_dir) if setup.template_dir else None)


def _init_worker(setup: WorkerSetup) -> None:
    global _context, _store
    import pyvips

    from curatarr.artwork.textrender import clear_raster_cache

    pyvips.cache_set_max(0)  # no operation cache: nothing keeps a finished 4K image alive
    pyvips.concurrency_set(1)  # parallelism comes from the processes, not from threads
    clear_raster_cache(4_000_000)  # only season names / episode labels repeat; keep that part
    _context, _store = _build(setup)


def _trim_heap() -> None:
    """Hand freed image buffers back to the OS after each job (glibc keeps them otherwise)."""
    global _malloc_trim
    if _malloc_trim is None:
        try:
            import ctypes

            _malloc_trim = ctypes.CDLL("libc.so.6").malloc_trim
        except (OSError, AttributeError):
            _malloc_trim = False
    if _malloc_trim:
        _malloc_trim(0)


_malloc_trim = None


def run_job(job: RenderJob, ctx: RenderContext, store: TemplateStore) -> BatchResult:
    started = time.perf_counter()
    try:
        template = job.template if isinstance(job.template, Template) else store.resolve(job.template, Kind(job.kind))
        texts = TextInputs.from_mapping(job.texts)
        result = render(template, RenderInputs(image=job.image, texts=texts, logo=job.logo,
                                               output_format=job.output_format, max_bytes=job.max_bytes), ctx)
        written = None
        if job.out and not result.skipped:
            written = str(atomic_write_bytes(Path(job.out), result.data))
        return BatchResult(
            job_id=job.job_id, ok=True, out=written, truncated=result.truncated, skipped=result.skipped,
            low_resolution=result.low_resolution, source=result.source.as_dict() if result.source else None,
            bytes=len(result.data), ms=(time.perf_counter() - started) * 1000,
            data=result.data if job.return_bytes else None, layers=result.layers,
            fit_entries=ctx.fit_cache.drain_new(),
        )
    except ArtworkError as exc:
        return BatchResult(job_id=job.job_id, ok=False, error=str(exc), status=exc.status,
                           ms=(time.perf_counter() - started) * 1000)
    except (ValueError, OSError) as exc:
        return BatchResult(job_id=job.job_id, ok=False, error=str(exc) or exc.__class__.__name__, status=400,
                           errno=getattr(exc, "errno", None), ms=(time.perf_counter() - started) * 1000)


def _worker_run(job: RenderJob) -> BatchResult:
    assert _context is not None and _store is not None
    try:
        return run_job(job, _context, _store)
    finally:
        _trim_heap()


def default_workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def render_many(jobs: Iterable[RenderJob], workers: int | None = None, *, setup: WorkerSetup | None = None,
                max_in_flight: int | None = None) -> Iterator[BatchResult]:
    """Render every job; yield results in completion order. Errors are per item, never raised."""
    setup = setup or WorkerSetup()
    workers = workers or default_workers()
    if workers <= 1:
        ctx, store = _build(setup)
        for job in jobs:
            yield run_job(job, ctx, store)
        return
    limit = max_in_flight or workers * 2
    spawn = multiprocessing.get_context("spawn")  # never fork a process that runs libvips threads
    with ProcessPoolExecutor(max_workers=workers, mp_context=spawn, initializer=_init_worker,
                             initargs=(setup,)) as pool:
        pending: dict[Future, RenderJob] = {}
        iterator = iter(jobs)
        exhausted = False
        while pending or not exhausted:
            while not exhausted and len(pending) < limit:
                try:
                    job = next(iterator)
                except StopIteration:
                    exhausted = True
                    break
                pending[pool.submit(_worker_run, job)] = job
            if not pending:
                break
            done, _rest = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                job = pending.pop(future)
                try:
                    yield future.result()
                except Exception as exc:  # a worker died (e.g. killed): report, keep going
                    yield BatchResult(job_id=job.job_id, ok=False, error=f"worker failed: {exc.__class__.__name__}",
                                      status=500)
