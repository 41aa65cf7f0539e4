"""CHUB's poster library: poster-set files on disk (TPDb/MediUX sets, Drive mirrors, uploads), their
index, matching them to media items, and the renamer that copies them into a Kometa asset folder.

* ``facts``    — what a poster file's path says (title, year, ids, season, collection, owner). Pure.
* ``matching`` — poster facts ↔ media items, every decision with its reason. Pure.
* ``index``    — the persistent, incremental index of every poster file (stable ids, hashes, sizes).
"""
