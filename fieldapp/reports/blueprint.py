"""The reports blueprint, bare: views add their routes, routes.py gathers them all."""
from flask import Blueprint

bp = Blueprint("reports", __name__)
