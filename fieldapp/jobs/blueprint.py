"""The jobs blueprint, bare: views add their routes, routes.py gathers them all."""
from flask import Blueprint

bp = Blueprint("jobs", __name__, url_prefix="/jobs")
