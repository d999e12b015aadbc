"""The desktop interface (Qt). Everything here calls the services; no rules live here."""
