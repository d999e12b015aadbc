"""Supervision Audit: supervision records, compliance and file audits for social-work staff."""

__version__ = "0.1.0"
APP_NAME = "Supervision Audit"
APP_SLUG = "supervision-audit"
