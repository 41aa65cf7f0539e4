"""border_replacerr: replace the border of Kometa asset posters with a colour (round-robin over a
list, or a holiday's colours on the holiday's dates), or remove it — at each poster's own size.

Runs standalone ("Run now"), on a schedule and on the poster renamer's hand-off, which queues a run
with the override ``input_files`` (the posters it just wrote). CHUB's run() needed a manifest
argument, so its scheduled runs failed with a TypeError; here every run has the same signature.
The work is in :mod:`curatarr.borders` (``run.BorderRun``); settings in ``borders.config``.
"""

from __future__ import annotations

from curatarr.borders.config import BorderReplacerrConfig
from curatarr.borders.run import BorderRun
from curatarr.modules.base import Module, RunContext, RunResult


class BorderReplacerr(Module):
    name = "border_replacerr"
    title = "Border Replacerr"
    description = ("Repaints or removes the border of the posters in the Kometa asset folder, with holiday "
                   "colours by date; keeps each poster's size.")
    category = "artwork"
    Config = BorderReplacerrConfig

    def run(self, ctx: RunContext, config: BorderReplacerrConfig) -> RunResult:
        BorderRun(ctx, config).run()
        return ctx.result.build()
