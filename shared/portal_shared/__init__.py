"""The project's common library: what every service needs in the same shape."""
