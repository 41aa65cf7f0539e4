"""nestarr: *arr items in the wrong place — the scan (``scan.py``), its cached results and the
scan/join used by the API (``views.py``), and the checked move of one item (``fixes.py``)."""
