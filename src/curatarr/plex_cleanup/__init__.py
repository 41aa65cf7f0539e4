"""Plex metadata cleanup (``poster_cleanarr``) and Plex maintenance (``plex_maintenance``): the
library database obtained safely, the ``Metadata/`` bundles scanned, bloat moved / removed /
restored, and the read views the ``/api/posters/plex-metadata/*`` routes show. See
docs/modules/plex_cleanup.md."""
