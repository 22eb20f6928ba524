"""The turf blueprint; its routes live in the views modules beside it."""
from flask import Blueprint

bp = Blueprint("turf", __name__)
