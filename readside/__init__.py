"""Reads over the event log itself: a ticket's history with positions, verification, the
event feed and the projections' lag. Services below the API, above the read models."""
