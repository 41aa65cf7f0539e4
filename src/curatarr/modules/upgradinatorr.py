"""upgradinatorr: ask Radarr, Sonarr and Lidarr to search a few items per run — for upgrades (the
whole library), missing items or items below their quality cutoff — and remember the searched
ones with a tag so later runs move on through the library.

Per instance (``instances_list``; empty = every enabled *arr with the defaults): resolve the checked
and ignore tags by name, read the listing page by page (``upgrades.selection``), search the first
``count`` eligible unchecked items one command at a time and wait for each (``command_timeout``),
tag them, and report the download queue of the searched items with custom-format scores. With
``unattended``, an instance whose eligible items all carry the checked tag has it removed from all
of them and starts over in the same run.

Dry run reads only: no tag is created or applied, no search is sent.

Differences from CHUB: tags are compared by id (CHUB compared ids with names: nothing was skipped and
unattended never reset); the default ``count`` is 10 (CHUB's 0 searched nothing); a search that fails or
times out is an error of the run and its item is not tagged.
"""

from __future__ import annotations

from pydantic import Field, field_validator

from curatarr.connectors.errors import ConnectorError
from curatarr.modules.base import Module, ModuleConfig, ModuleError, RunContext, RunResult
from curatarr.upgrades.config import UpgradeInstance
from curatarr.upgrades.runner import InstanceRun, Limits

SUPPORTED = ("radarr", "sonarr", "lidarr")


class UpgradinatorrConfig(ModuleConfig):
    instances_list: list[UpgradeInstance] = Field(
        default_factory=list,
        description="Instances to search, each with its own settings; empty = every enabled Radarr, Sonarr and "
                    "Lidarr with the defaults (10 items, upgrade mode, tag 'checked', ignore tag 'ignore')")
    dry_run: bool = Field(False, description="Only report what would be searched: no searches, no tags")
    command_timeout: float = Field(600.0, gt=0, le=7200, description="Seconds to wait for each search command")
    poll_seconds: float = Field(2.0, gt=0, le=60, description="Seconds between command status checks")
    page_size: int = Field(250, ge=10, le=2000, description="Records per page when reading wanted lists and "
                                                            "the queue")
    queue_report_limit: int = Field(200, ge=0, le=2000, description="Queue records kept in the run's results")

    @field_validator("instances_list", mode="before")
    @classmethod
    def _names(cls, value):
        # A plain list of names is accepted and gets the per-instance defaults.
        if isinstance(value, list):
            return [{"instance": v} if isinstance(v, str) else v for v in value]
        return value


class Upgradinatorr(Module):
    name = "upgradinatorr"
    title = "Upgradinatorr"
    description = "Searches a few Radarr/Sonarr/Lidarr items per run for upgrades, missing or cutoff-unmet " \
                  "releases, tracking progress with a tag; reports the queue with custom-format scores."
    category = "media"
    Config = UpgradinatorrConfig
    instance_fields = ("instances_list",)

    def run(self, ctx: RunContext, config: UpgradinatorrConfig) -> RunResult:
        plan = self._plan(ctx, config)
        limits = Limits(command_timeout=config.command_timeout, poll_seconds=config.poll_seconds,
                        page_size=config.page_size, queue_report_limit=config.queue_report_limit)
        searched, queue, summaries = [], [], []
        failed = 0
        for ref, settings in plan:
            ctx.check_cancelled()
            client = ctx.connectors.get(ref.name, ref.type)
            try:
                report = InstanceRun(ctx, client, ref.type, settings, limits).run()
            except (ConnectorError, ValueError) as exc:
                failed += 1
                ctx.log.error("%s: %s", ref.name, exc)
                ctx.result.error_item(ref.name, str(exc))
                summaries.append({"instance": ref.name, "error": str(exc)})
                continue
            searched += report.searched
            queue += report.queue
            summaries.append({"instance": ref.name, **report.summary})
        ctx.result.set_data("instances", summaries)
        ctx.result.set_data("searched", searched[:1000])
        ctx.result.set_data("queue", queue[:config.queue_report_limit])
        if plan and failed == len(plan):
            raise ModuleError(f"no instance could be searched ({failed} failed; see the job log)")
        return ctx.result.build()

    def _plan(self, ctx: RunContext, config: UpgradinatorrConfig) -> list[tuple]:
        available = {r.name: r for t in SUPPORTED for r in ctx.connectors.instances(t, enabled_only=False)}
        if not config.instances_list:
            plan = [(r, UpgradeInstance(instance=r.name)) for r in available.values() if r.enabled]
        else:
            plan = []
            for settings in config.instances_list:
                ref = available.get(settings.instance)
                if ref is None:
                    ctx.result.error_item(settings.instance, "not a configured Radarr, Sonarr or Lidarr instance")
                elif not ref.enabled:
                    ctx.result.warn(f"{settings.instance}: disabled; skipped")
                else:
                    plan.append((ref, settings))
        if not plan:
            raise ModuleError("no Radarr, Sonarr or Lidarr instance to search (configure one, or fix instances_list)")
        return plan
