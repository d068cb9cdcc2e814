"""The static full-text search index: records, chunks and weights."""
