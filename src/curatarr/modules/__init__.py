"""Modules: one file per module, registered in :mod:`curatarr.modules.registry`.
The framework (Module, RunContext, RunResult) is in :mod:`curatarr.modules.base`."""

from curatarr.modules.base import Cancelled, Module, ModuleConfig, ModuleError, RunContext, RunResult

__all__ = ["Module", "ModuleConfig", "ModuleError", "RunContext", "RunResult", "Cancelled"]
