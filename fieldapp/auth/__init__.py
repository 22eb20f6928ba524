"""Accounts: login, logout, invites, members and API tokens."""
