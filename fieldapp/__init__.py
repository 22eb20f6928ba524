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

    # Imported here, not at the top: importing any fieldapp module runs this package first.
    from fieldapp import cli, errorhandlers, i18n, models, security  # noqa: F401  (models: every table)

    register_extensions(app)
    errorhandlers.bound_url_ids(app)  # before the routes: they compile with the converter
    register_blueprints(app)
    register_job_kinds()  # each domain's kinds of background job
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
    from fieldapp.knocklog.outcomes import BY_CODE, OUTCOMES
    from fieldapp.qr import qr_svg

    app.jinja_env.globals.update(qr_svg=qr_svg, OUTCOMES=OUTCOMES, OUTCOME_BY_CODE=BY_CODE)


def register_job_kinds() -> None:
    """Tell the generic jobs package every domain's kinds of job (fieldapp/job_kinds.py)."""
    from fieldapp.job_kinds import register_job_kinds as register  # as in create_app: on call

    register()


def register_extensions(app: Flask) -> None:
    """Bind every extension of fieldapp.extensions, in the order their request hooks must run."""
    from fieldapp import body_limits, i18n
    from fieldapp.api.spare_hooks import spare_api_requests
    from fieldapp.auth.sessions import configure_login
    from fieldapp.extensions import babel, compress, csrf, db, limiter, login_manager, migrate
    from fieldapp.fastsql.engine import attach_listeners
    from fieldapp.jobs import setup as jobs_setup

    db.init_app(app)
    with app.app_context():  # the engine Flask-SQLAlchemy just made for this app, alone
        attach_listeners(db.engine)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True)
    login_manager.init_app(app)
    configure_login(login_manager)
    body_limits.register(app)  # before CSRFProtect's hook, which reads the body
    csrf.init_app(app)
    limiter.init_app(app)
    compress.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale,
                   default_translation_directories=str(i18n.TRANSLATIONS))
    spare_api_requests(app, limiter, login_manager)
    jobs_setup.init_app(app)  # the job queue, told what its workers run


def register_blueprints(app: Flask) -> None:
    """Attach every blueprint, each complete with its routes (see <domain>/routes.py)."""
    from fieldapp.api.routes import bp as api_bp
    from fieldapp.auth.routes import bp as auth_bp
    from fieldapp.canvass.routes import bp as canvass_bp
    from fieldapp.extensions import csrf
    from fieldapp.home import bp as home_bp
    from fieldapp.i18n.routes import bp as i18n_bp
    from fieldapp.jobs.routes import bp as jobs_bp
    from fieldapp.races.routes import bp as races_bp
    from fieldapp.reports.routes import bp as reports_bp
    from fieldapp.streets.routes import bp as streets_bp
    from fieldapp.turf.routes import bp as turf_bp
    from fieldapp.voters.routes import bp as voters_bp

    app.register_blueprint(home_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(races_bp)
    app.register_blueprint(streets_bp)
    app.register_blueprint(voters_bp)
    app.register_blueprint(turf_bp)
    app.register_blueprint(canvass_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(jobs_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(i18n_bp)
    # Token clients have no cookie to forge; fieldapp/api/auth.py checks X-CSRFToken itself
    # for browser sessions.
    csrf.exempt(api_bp)
