"""Households and voters; imports/ brings in voter files and geocodes them."""
