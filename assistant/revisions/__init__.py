"""Revision comparison (修订对照): versions of a law side by side, article by article."""
