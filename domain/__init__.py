"""The help desk's business rules: pure, clock-free and storage-free."""
