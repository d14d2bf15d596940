"""Use cases over the database; they return plain frozen dataclasses, never live rows."""
