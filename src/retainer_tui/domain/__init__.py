"""Pure business rules: money, months, status and pace, reports. No SQL, no Textual."""
