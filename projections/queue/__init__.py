"""The ticket queue: one row per ticket, read by agents (mine) and by department."""
