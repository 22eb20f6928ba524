"""Recording door knocks (into fieldapp.knocklog), offline sync, held knocks; the phone pages.

Above turf: a knock is judged against the turf and assignment its door is in.
"""
