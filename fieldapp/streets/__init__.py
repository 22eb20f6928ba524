"""Street networks: turf cut by block face and walk routes along the streets (issue 17).

Pure functions, no database or request: :mod:`.network` builds the street graph from ways,
:mod:`.matching` puts doors on a block face, :mod:`.distance` gives street distances,
:mod:`.cutting` cuts turfs from whole block faces and :mod:`.routing` orders a turf's stops.
"""
