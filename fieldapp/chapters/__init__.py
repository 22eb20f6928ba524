"""Chapters: organizations (state chapters), who belongs to them and with which role.

The lowest domain: races, voters, turf and the rest hang off an organization, and accounts
(fieldapp.auth) join one through a membership. It imports no other domain (the user behind a
membership is named for type checkers only).
"""
