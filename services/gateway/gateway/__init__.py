"""Gateway: the HTTP API and the web portal."""
