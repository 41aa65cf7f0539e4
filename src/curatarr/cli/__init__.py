"""The ``curatarr`` command. Each file in this package adds commands via ``register(app)``."""

from __future__ import annotations

import importlib
import pkgutil

import typer

app = typer.Typer(name="curatarr", help="Curatarr: artwork and library upkeep for your media stack.",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)


def _register_all() -> None:
    package = importlib.import_module(__name__)
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        register = getattr(module, "register", None)
        if callable(register):
            register(app)


_register_all()


def main() -> None:
    app()
