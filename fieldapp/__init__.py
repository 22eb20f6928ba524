"""fieldapp: cut turf, walk it on a phone, log every door. `create_app` wires it together."""
from __future__ import annotations

import os
from pathlib import Path

from flask import Flask

from fieldapp.config import CONFIGS, ConfigError, default_sqlite_uri, instance_secret_key

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(config: str | dict | None = None) -> Flask:
    """Build the app: settings, extensions, blueprints, CLI and error handlers; nothing else.

    `config` is a config name ('development', 'testing', 'production') or a dict of overrides
    applied on top of the config named by FIELDAPP_CONFIG (default 'development').
    """
    app = Flask(
        __name__,
        instance_path=os.environ.get("FIELDAPP_INSTANCE_PATH") or str(PROJECT_ROOT / "instance"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    overrides = config if isinstance(config, dict) else {}
    name = config if isinstance(config, str) else os.environ.get("FIELDAPP_CONFIG", "development")
    if name not in CONFIGS:
        raise ConfigError(f"FIELDAPP_CONFIG={name!r} is not one of {', '.join(CONFIGS)}")
    app.config.from_object(CONFIGS[name])
    app.config.update(overrides)
    _finish_config(app)

    from fieldapp import body_limits, cli, errorhandlers, i18n, models, security  # noqa: F401
    from fieldapp.api.spare_hooks import spare_api_requests
    from fieldapp.extensions import compress, csrf, db, job_queue, limiter, login_manager, migrate
    from fieldapp.fastsql.engine import attach_listeners

    db.init_app(app)
    with app.app_context():  # the engine Flask-SQLAlchemy just made for this app, alone
        attach_listeners(db.engine)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True)
    login_manager.init_app(app)
    body_limits.register(app)  # before CSRFProtect's hook, which reads the body
    csrf.init_app(app)
    limiter.init_app(app)
    compress.init_app(app)
    spare_api_requests(app, limiter, login_manager)
    job_queue.init_app(app)
    errorhandlers.bound_url_ids(app)  # before the routes: they compile with the converter
    register_blueprints(app)
    register_template_globals(app)
    errorhandlers.register(app)
    security.register(app)
    i18n.register(app)
    cli.register(app)
    return app


def _finish_config(app: Flask) -> None:
    """Fill in what depends on the instance folder, and refuse unsafe production settings."""
    env = app.config["ENV_NAME"]
    if not app.config.get("SECRET_KEY"):
        if env == "production":
            raise ConfigError(
                "SECRET_KEY is not set. Production refuses to start without it: set SECRET_KEY "
                "to a long random value, e.g. from `python -c 'import secrets; "
                "print(secrets.token_hex(32))'`."
            )
        app.config["SECRET_KEY"] = instance_secret_key(app.instance_path)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        if env == "production":
            raise ConfigError("DATABASE_URL is not set (e.g. postgresql+psycopg://user@host/db).")
        app.config["SQLALCHEMY_DATABASE_URI"] = default_sqlite_uri(app.instance_path)
    from fieldapp.fastsql.engine import engine_options

    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(
        app.config["SQLALCHEMY_DATABASE_URI"], app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}))


def register_template_globals(app: Flask) -> None:
    """Helpers every template may call."""
    from fieldapp.canvass.outcomes import BY_CODE, OUTCOMES
    from fieldapp.qr import qr_svg

    app.jinja_env.globals.update(qr_svg=qr_svg, OUTCOMES=OUTCOMES, OUTCOME_BY_CODE=BY_CODE)


def register_blueprints(app: Flask) -> None:
    """Attach every domain's routes (importing a views module adds its routes to its blueprint)."""
    import importlib

    for module in VIEW_MODULES:
        importlib.import_module(module)
    from fieldapp.home import bp as home_bp

    app.register_blueprint(home_bp)
    for domain in ("auth", "races", "voters", "turf", "canvass", "reports", "jobs", "api"):
        app.register_blueprint(importlib.import_module(f"fieldapp.{domain}.blueprint").bp)


# Modules whose import registers routes on their domain's blueprint.
VIEW_MODULES = (
    "fieldapp.auth.sessions",
    "fieldapp.auth.views",
    "fieldapp.auth.members_views",
    "fieldapp.auth.team_views",
    "fieldapp.races.views",
    "fieldapp.races.district_views",
    "fieldapp.streets.views",
    "fieldapp.races.setup_views",
    "fieldapp.races.script_views",
    "fieldapp.voters.pin_views",
    "fieldapp.voters.views",
    "fieldapp.canvass.views",
    "fieldapp.canvass.held_views",
    "fieldapp.turf.views",
    "fieldapp.turf.list_views",
    "fieldapp.turf.split_views",
    "fieldapp.turf.recut_views",
    "fieldapp.turf.outside_views",
    "fieldapp.reports.views",
    "fieldapp.jobs.views",
    "fieldapp.api.auth",
    "fieldapp.api.me",
    "fieldapp.api.knocks",
    "fieldapp.api.turfs",
    "fieldapp.api.races",
    "fieldapp.api.turf_cutting",
    "fieldapp.api.households",
    "fieldapp.api.turf_drawing",
    "fieldapp.api.jobs",
    "fieldapp.api.openapi",
)
