"""The canvass blueprint; its routes live in the views modules beside it."""
from flask import Blueprint

bp = Blueprint("canvass", __name__)
