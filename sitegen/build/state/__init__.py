"""What a build remembers between runs: one SQLite store (`store.py`) and
the records kept in it (documents, the no-op snapshot, the search index's and link checks')."""
