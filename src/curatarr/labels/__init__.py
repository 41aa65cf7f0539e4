"""labelarr's logic: *arr tags ↔ media-server labels (Plex labels, Jellyfin/Emby tags), items
matched by provider ids. ``config`` (settings), ``sync`` (one mapping: plan and apply), ``items``
(the ad-hoc single/bulk item sync behind ``/api/labelarr``), ``requests`` (validation of those
routes' bodies). Nothing here imports ``modules``."""
