"""The catalogs (`<lang>/*.toml`) as package data: read through importlib.resources, so an
installed bot finds them wherever it is started from."""
