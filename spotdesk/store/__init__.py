"""The durable task queue and catalog: one contract, SQLite and MongoDB implementations."""
