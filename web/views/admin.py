"""Administration (admin role only): users and the sign-in audit."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from errors import InputError
from web import auth
from web.common import form, in_db, render, require, state
from web.models import ROLES, AuthEvent, User


async def users_page(request: Request) -> Response:
    require(request, "admin")

    def load(session: Session) -> dict[str, Any]:
        return {"users": session.scalars(select(User).order_by(User.name)).all(),
                "attacked": auth.under_attack(session, state(request).settings.web),
                "events": session.scalars(select(AuthEvent).order_by(AuthEvent.id.desc()).limit(200)).all()}

    ctx = await in_db(request, load)
    return render(request, "admin.html", roles=ROLES, new_password=request.query_params.get("created"), **ctx)


async def user_add(request: Request) -> Response:
    u, data = await form(request, role="admin")
    name, role = str(data.get("name", "")), str(data.get("role", ""))
    password = str(data.get("password", "")) or auth.generate_password(name.strip())
    await in_db(request, lambda s: auth.add_user(s, name, role, password, actor=u.name))
    return render(request, "admin_created.html", name=name, password=password)


async def user_update(request: Request) -> Response:
    u, data = await form(request, role="admin")
    name = str(data.get("name", ""))
    action = str(data.get("action", ""))
    if name == u.name and action in ("disable", "role"):
        raise InputError("不能停用自己的账号或修改自己的角色")

    def apply(session: Session) -> str | None:
        if action == "disable":
            auth.set_active(session, name, False, actor=u.name)
        elif action == "enable":
            auth.set_active(session, name, True, actor=u.name)
        elif action == "role":
            auth.set_role(session, name, str(data.get("role", "")), actor=u.name)
        elif action == "reset":
            pw = auth.generate_password(name)
            auth.set_password(session, name, pw, actor=u.name)
            return pw
        else:
            raise InputError(f"未知操作 {action!r}")
        return None

    pw = await in_db(request, apply)
    if pw:
        return render(request, "admin_created.html", name=name, password=pw)
    return RedirectResponse("/admin/users", status_code=303)


ROUTES = [
    Route("/admin/users", users_page),
    Route("/admin/users/add", user_add, methods=["POST"]),
    Route("/admin/users/update", user_update, methods=["POST"]),
]
