"""Storage: SQLModel tables, the SQLite engine, and Alembic migrations."""
