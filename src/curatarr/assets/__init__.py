"""The asset tree: Kometa naming, and (later) the scanner/index of poster files."""
