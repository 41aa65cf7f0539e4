"""CHUB's poster library: poster-set files on disk (TPDb/MediUX sets, Drive mirrors, uploads), their
index, matching them to media items, and the renamer that copies them into a Kometa asset folder.

* ``facts``    — what a poster file's path says (title, year, ids, season, collection, owner). Pure.
* ``titles``   — the comparable keys of a title (articles, punctuation, diacritics, &/and, regions). Pure.
* ``matching`` — poster facts ↔ media items, every decision with its reason. Pure.
* ``gdrive``   — the Google Drive sources (``sync_gdrive.gdrive_list``) and their stored stats.
* ``index``    — the persistent, incremental index of every poster file (stable ids, hashes, sizes).
"""
