"""The directory read model: people, and the organisation as the API shows it."""
