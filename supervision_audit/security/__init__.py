"""Protecting the data: the store's key, wrapped for each user, and password hashing."""
