"""ydtwin's built-in plugin: its manifest (``ydtwin.toml``) names the readers below and the seed themes."""
