"""Turf: cutting (manual and automatic), walk order, assignments, walk sheets."""
