"""Local stand-ins for outside providers, speaking their real protocols (development and tests)."""
