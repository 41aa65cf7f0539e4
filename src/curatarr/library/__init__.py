"""The media library: one cache of every item across instances (sync, linking, search, duplicates, stats)."""
