"""The api blueprint, bare: views add their routes, routes.py gathers them all."""
from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")
