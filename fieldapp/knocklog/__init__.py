"""The knock log: every knock at a door (`DoorKnock`), knocks held for review (`HeldKnock`),
and the door-outcome vocabulary they are written in (`outcomes`).

Below turf and canvass: turf reads it (a turf with knocks is archived, never deleted; "knock
what's left" re-cuts by outcome), canvass writes it (recording, sync, review), reports and
maps read it. It imports only chapters', accounts' and doors' models.
"""
