"""One router module per resource (``datasets``, ``health``, ``pages``), each with prefix and tags."""
