"""Configuration precedence and the one-line answers to bad configuration."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from eventsapp import create_app
from eventsapp.config import from_environment, normalise_database_url

ROOT = Path(__file__).resolve().parent.parent


def test_instance_config_then_environment_then_test_config(tmp_path, monkeypatch):
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "config.py").write_text("APP_TIMEZONE = 'Europe/Dublin'\nMAIL_FROM = 'instance@example.org'\n")
    monkeypatch.setenv("MAIL_FROM", "env@example.org")
    monkeypatch.setenv("SECRET_KEY", "from-environment")
    app = create_app(
        {"INSTANCE_PATH": str(instance), "CHECK_DATABASE_ON_START": False, "EVENTSAPP_ENV": "production",
         "RATELIMIT_STORAGE_URI": "memory://"}
    )
    assert app.config["APP_TIMEZONE"] == "Europe/Dublin"  # instance/config.py over the default
    assert app.config["MAIL_FROM"] == "env@example.org"  # the environment over instance/config.py
    assert app.config["SECRET_KEY"] == "from-environment"
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{instance / 'eventsapp.db'}"


def test_environment_names_map_to_config_keys():
    config = from_environment({"DATABASE_URL": "sqlite://", "RATELIMIT_STORAGE_URI": "redis://x", "OTHER": "1"})
    assert config == {"SQLALCHEMY_DATABASE_URI": "sqlite://", "RATELIMIT_STORAGE_URI": "redis://x"}


@pytest.mark.parametrize("url", ["postgres://u@h/d", "postgresql://u@h/d"])
def test_postgres_urls_use_psycopg3(url):
    assert normalise_database_url(url) == "postgresql+psycopg://u@h/d"


def test_generated_secret_key_file_is_used(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "secret_key").write_text("abc123\n")
    app = create_app({"INSTANCE_PATH": str(instance), "CHECK_DATABASE_ON_START": False})
    assert app.config["SECRET_KEY"] == "abc123"


def test_production_without_secret_key_refuses_to_start(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(SystemExit) as exit_info:
        create_app({"INSTANCE_PATH": str(tmp_path), "CHECK_DATABASE_ON_START": False})
    message = str(exit_info.value.code)
    assert message.startswith("eventsapp: SECRET_KEY is not set") and "\n" not in message


def run_cli(args, env_overrides, tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DATABASE_URL")}
    env.update({"EVENTSAPP_INSTANCE_PATH": str(tmp_path), **env_overrides})
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "eventsapp", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )


def test_cli_without_secret_key_in_production_prints_one_line(tmp_path):
    result = run_cli(["init-db"], {"EVENTSAPP_ENV": "production"}, tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0, result.stderr
    assert "SECRET_KEY is not set" in result.stderr and "Traceback" not in result.stderr


def test_cli_with_unreachable_database_prints_one_line(tmp_path):
    result = run_cli(
        ["init-db"],
        {"SECRET_KEY": "x", "DATABASE_URL": "postgresql://nobody:secretpw@127.0.0.1:9/nowhere"},
        tmp_path,
    )
    assert result.returncode == 1
    line = result.stderr.strip()
    assert "\n" not in line and "Traceback" not in line, result.stderr
    assert line.startswith("eventsapp: cannot reach the database at postgresql+psycopg://nobody:***@127.0.0.1:9/nowhere")
    assert "secretpw" not in line
