"""The voters blueprint; its routes live in the views modules beside it."""
from flask import Blueprint

bp = Blueprint("voters", __name__)
