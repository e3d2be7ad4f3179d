"""The office's learning dashboard and annual summary."""
