"""`videre users add|list|disable|enable|reset-password`: accounts for the web UI. No default passwords."""

from __future__ import annotations

import json
import sys

import click

from models.users import LANGUAGES, ROLES
from videre.cli.main import App, pass_app


def _password(from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        return line[:-1] if line.endswith("\n") else line
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


@click.group()
def users() -> None:
    """Accounts for the web UI (roles: analyst, lead, outreach, admin).

    \b
    Example:
        videre users add anna --role admin
        echo "$PASSWORD" | videre users add bo --role analyst --password-stdin
        videre users list
    """


@users.command("add")
@click.argument("username")
@click.option("--role", type=click.Choice(ROLES), required=True, help="what the account may do")
@click.option("--language", type=click.Choice(LANGUAGES), default="sv", show_default=True)
@click.option("--password-stdin", is_flag=True, help="read the password from the first line of stdin")
@pass_app
def add(app: App, username: str, role: str, language: str, password_stdin: bool) -> None:
    """Create an account. The password is asked for, or read from stdin.

    \b
    Example:
        videre users add anna --role admin
    """
    from videre.services.accounts import add_user

    password = _password(password_stdin)
    with app.db.session() as s:
        user = add_user(s, username, password, role, app.settings.web.min_password_length, language)
        name = user.username
    click.echo(f"added {name} ({role})")


@users.command("list")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@pass_app
def list_(app: App, fmt: str) -> None:
    """List the accounts.

    \b
    Example:
        videre users list --format json
    """
    from videre.services.accounts import list_users

    with app.db.session() as s:
        rows = [{"username": u.username, "role": u.role, "language": u.language, "disabled": u.disabled,
                 "created_at": u.created_at.isoformat(),
                 "last_login_at": u.last_login_at.isoformat() if u.last_login_at else None}
                for u in list_users(s)]
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not rows:
        click.echo("no accounts; create the first admin with: videre users add NAME --role admin")
        return
    click.echo(f"{'username':<24} {'role':<9} {'lang':<4} {'state':<8} last sign-in")
    for r in rows:
        state = "disabled" if r["disabled"] else "active"
        click.echo(f"{r['username']:<24} {r['role']:<9} {r['language']:<4} {state:<8} {r['last_login_at'] or '-'}")


def _set_disabled(app: App, username: str, disabled: bool) -> None:
    from videre.services.accounts import get_user, set_disabled

    with app.db.session() as s:
        set_disabled(s, get_user(s, username), disabled)
    click.echo(f"{'disabled' if disabled else 'enabled'} {username}")


@users.command("disable")
@click.argument("username")
@pass_app
def disable(app: App, username: str) -> None:
    """Disable an account and end its sessions (the account and its audit trail are kept).

    \b
    Example:
        videre users disable bo
    """
    _set_disabled(app, username, True)


@users.command("enable")
@click.argument("username")
@pass_app
def enable(app: App, username: str) -> None:
    """Enable a disabled account again.

    \b
    Example:
        videre users enable bo
    """
    _set_disabled(app, username, False)


@users.command("reset-password")
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="read the password from the first line of stdin")
@pass_app
def reset_password(app: App, username: str, password_stdin: bool) -> None:
    """Set a new password and end the account's sessions.

    \b
    Example:
        videre users reset-password bo
    """
    from videre.services.accounts import get_user, set_password

    password = _password(password_stdin)
    with app.db.session() as s:
        set_password(s, get_user(s, username), password, app.settings.web.min_password_length)
    click.echo(f"password of {username} reset")
