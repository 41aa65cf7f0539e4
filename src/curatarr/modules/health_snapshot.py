"""``health_snapshot``: a hidden system module, run as an ordinary job.

Probes every configured instance (short timeout), stores one ``system_health_snapshots`` row per
instance and prunes rows older than the retention. Scheduled every 6 hours by the scheduler's system
rules (first run at start when one was missed)."""

from __future__ import annotations

from datetime import timedelta

from pydantic import Field
from sqlalchemy import delete

from curatarr.db.base import utcnow
from curatarr.db.models.system import HealthSnapshot
from curatarr.modules.base import Module, ModuleConfig, RunContext, RunResult

SNAPSHOT_RETENTION_DAYS = 30


class HealthSnapshotConfig(ModuleConfig):
    timeout: float = Field(3.0, gt=0, le=30, description="Seconds to wait for each instance")
    retention_days: int = Field(SNAPSHOT_RETENTION_DAYS, ge=1, le=365)


class HealthSnapshotTask(Module):
    name = "health_snapshot"
    title = "Instance health snapshot"
    description = "Probes every configured instance and records the result (every 6 hours)."
    category = "system"
    hidden = True
    Config = HealthSnapshotConfig

    def run(self, ctx: RunContext, config: HealthSnapshotConfig) -> RunResult:
        from curatarr.instances.factory import list_instances, probe

        refs = list_instances(ctx.rt)
        ctx.progress(0, len(refs), phase="probing")
        rows = []
        for i, ref in enumerate(refs):
            ctx.check_cancelled()
            result = probe(ctx.rt, ref, timeout=config.timeout)
            rows.append(HealthSnapshot(snapshot_at=utcnow(), service=ref.type, instance_name=ref.name,
                                       status=result.status, status_code=result.status_code,
                                       response_time_ms=result.response_time_ms, error=result.error))
            ctx.result.count(result.status)
            if not result.ok:
                ctx.result.warn(f"{ref.name}: {result.status}{' - ' + result.error if result.error else ''}")
            ctx.progress(i + 1, len(refs), item=ref.name)
        cutoff = utcnow() - timedelta(days=config.retention_days)
        with ctx.rt.db.session() as s:
            s.add_all(rows)
            pruned = s.execute(delete(HealthSnapshot).where(HealthSnapshot.snapshot_at < cutoff)).rowcount or 0
        ctx.result.count("probed", len(rows))
        ctx.result.set_data("pruned", int(pruned))
        ctx.log.info("health snapshot: %d instances probed, %d old rows pruned", len(rows), pruned)
        return ctx.result.build()
