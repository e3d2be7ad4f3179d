"""Adapters over storage: the article store, the vector index and the embedders."""
