"""Configured instances of external systems: types and their forms, the factory that turns
``config.yml`` entries into connectors, health probes, and the per-instance log store."""
