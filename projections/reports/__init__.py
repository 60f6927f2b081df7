"""Daily reports per department and per agent, rebuilt from the log."""
