"""Running a deployment: backups and restore."""
