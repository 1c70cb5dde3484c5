"""ground layer."""
