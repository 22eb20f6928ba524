"""The jobs blueprint; its routes live in views.py beside it."""
from flask import Blueprint

bp = Blueprint("jobs", __name__, url_prefix="/jobs")
