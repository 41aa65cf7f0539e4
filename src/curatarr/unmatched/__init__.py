"""The unmatched-assets report: which movies, series, seasons and media-server collections have no
artwork in the Kometa asset folder. ``assets`` reads the folder, ``report`` is the pure comparison,
``sources`` reads the media cache and the servers' collections, ``store`` keeps the last report."""
