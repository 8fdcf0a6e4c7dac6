"""Local stand-ins for outside providers, for development and tests."""
