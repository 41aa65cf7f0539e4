"""upgradinatorr's logic: pick the items of an *arr instance to search (``selection``) and run one
pass over an instance (``runner``); the module (``modules/upgradinatorr.py``) strings instances
together. Nothing here imports ``modules`` (the module imports this package)."""
