"""Bundled scenario presets (YAML), read with importlib.resources."""
