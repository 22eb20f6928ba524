"""The voters blueprint, bare: views add their routes, routes.py gathers them all."""
from flask import Blueprint

bp = Blueprint("voters", __name__)
