"""Security of the web UI: anonymous access, roles, CSRF, escaping, the sandboxed archive,
login throttling, session cookies, logout and the audit of sign-ins."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select
from starlette.routing import Route

from tests.web.conftest import csrf_of, login
from tests.web.seed import PASSWORDS
from web.models import AuthEvent, WebSession


def _concrete(path: str, seeded) -> str:  # noqa: ANN001
    return (path.replace("{fid}", seeded.finding_ids[0]).replace("{pid:id}", str(seeded.page_ids[0]))
            .replace("{case_id:id}", "1"))


def _routes(app, method: str) -> list[str]:  # noqa: ANN001
    return [r.path for r in app.routes if isinstance(r, Route) and method in (r.methods or ())]


def test_every_route_but_login_and_health_refuses_anonymous(app, anon, seeded) -> None:  # noqa: ANN001
    gets = _routes(app, "GET")
    posts = _routes(app, "POST")
    assert "/findings" in gets and "/findings/{fid}/status" in posts  # the enumeration sees the app
    for path in gets:
        r = anon.get(_concrete(path, seeded), follow_redirects=False)
        if path in ("/login", "/healthz"):
            assert r.status_code == 200, path
        else:
            assert r.status_code == 303 and r.headers["location"].startswith("/login?next="), path
    for path in posts:
        if path == "/login":
            continue
        r = anon.post(_concrete(path, seeded), data={"status": "dismissed", "note": "x"}, follow_redirects=False)
        assert r.status_code == 401, path
    assert anon.get("/static/app.css").status_code == 401
    assert anon.get("/no/such/page", follow_redirects=False).status_code == 303
    assert anon.get("/healthz").json() == {"status": "ok"}


def test_login_redirects_back_only_to_local_paths(anon) -> None:  # noqa: ANN001
    page = anon.get("/login")
    r = anon.post("/login", data={"username": "analyst", "password": PASSWORDS["analyst"],
                                  "csrf_token": csrf_of(page.text), "next": "//evil.example/x"},
                  follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/findings"


def test_analyst_cannot_reach_admin_functions(as_role) -> None:  # noqa: ANN001
    client, token = as_role("analyst")
    assert client.get("/admin/users").status_code == 403
    r = client.post("/admin/users/add", data={"csrf_token": token, "name": "mallory", "role": "admin",
                                              "password": "mallory-pass-1"})
    assert r.status_code == 403
    r = client.post("/admin/users/update", data={"csrf_token": token, "name": "analyst", "action": "role",
                                                 "role": "admin"})
    assert r.status_code == 403
    assert client.get("/dashboard").status_code == 403
    admin, _ = as_role("admin")
    page = admin.get("/admin/users")
    assert page.status_code == 200 and "mallory" not in page.text


def test_admin_adds_a_user_who_can_then_log_in(as_role, anon) -> None:  # noqa: ANN001
    admin, token = as_role("admin")
    r = admin.post("/admin/users/add", data={"csrf_token": token, "name": "王分析", "role": "analyst",
                                             "password": "wang-pass-12345"})
    assert r.status_code == 200 and "wang-pass-12345" in r.text
    login(anon, "王分析", "wang-pass-12345")
    assert anon.get("/findings").status_code == 200


def test_post_without_or_with_wrong_csrf_token_is_rejected(app, as_role, seeded) -> None:  # noqa: ANN001
    client, token = as_role("admin")
    fid = seeded.finding_ids[0]
    for path in _routes(app, "POST"):
        if path == "/login":
            continue
        for extra in ({}, {"csrf_token": "forged"}):
            r = client.post(_concrete(path, seeded), data={"status": "dismissed", "note": "x", "ids": fid,
                                                           "action": "dismissed", **extra})
            assert r.status_code == 403, path
    assert "待处理" in client.get(f"/findings/{fid}").text  # nothing changed
    # the same request with the token goes through
    r = client.post(f"/findings/{fid}/status", data={"csrf_token": token, "status": "confirmed", "note": ""},
                    follow_redirects=False)
    assert r.status_code == 303


def test_login_form_needs_its_csrf_token(anon) -> None:  # noqa: ANN001
    anon.get("/login")
    r = anon.post("/login", data={"username": "analyst", "password": PASSWORDS["analyst"]})
    assert r.status_code == 403


def test_script_in_excerpt_is_escaped_everywhere(as_role, seeded) -> None:  # noqa: ANN001
    client, _ = as_role("analyst")
    for url in ("/findings", "/findings?q=第一品牌", f"/findings/{seeded.xss_finding}"):
        html = client.get(url).text
        assert "&lt;script&gt;alert(&#34;xss&#34;)&lt;/script&gt;" in html, url
        assert '<script>alert("xss")' not in html and 'onerror="alert(2)"' not in html, url
        # the only scripts in the UI are our own file
        assert re.findall(r"<script[^>]*>", html) == ['<script src="/static/app.js" defer>'], url
        csp = client.get(url).headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp


def test_archived_page_is_served_sandboxed_without_scripts(as_role, seeded) -> None:  # noqa: ANN001
    client, _ = as_role("analyst")
    detail = client.get(f"/findings/{seeded.xss_finding}").text
    iframe = re.search(r"<iframe[^>]*>", detail).group(0)
    assert 'sandbox=""' in iframe and "allow-scripts" not in iframe
    r = client.get(f"/evidence/pages/{seeded.xss_page}/archived")
    assert r.status_code == 200
    csp = r.headers["content-security-policy"]
    assert csp.startswith("sandbox;") and "default-src 'none'" in csp and "script" not in csp
    assert "allow-scripts" not in csp and "allow-same-origin" not in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    assert "<script>" in r.text  # served as archived (evidence is not altered), but inert


def test_wrong_passwords_are_throttled(anon, settings) -> None:  # noqa: ANN001
    page = anon.get("/login")
    token = csrf_of(page.text)
    codes = []
    for _ in range(settings.web.login_max_failures):
        codes.append(anon.post("/login", data={"username": "analyst", "password": "wrong-password",
                                               "csrf_token": token}).status_code)
    assert codes == [401] * settings.web.login_max_failures
    # now even the right password is refused until the window has passed
    r = anon.post("/login", data={"username": "analyst", "password": PASSWORDS["analyst"], "csrf_token": token},
                  follow_redirects=False)
    assert r.status_code == 429 and "过多" in r.text and "秒后再试" in r.text
    # another user from the same address is not affected
    r = anon.post("/login", data={"username": "supervisor", "password": PASSWORDS["supervisor"],
                                  "csrf_token": token}, follow_redirects=False)
    assert r.status_code == 303


def test_session_cookie_flags_logout_and_audit(anon, store) -> None:  # noqa: ANN001
    page = anon.get("/login")
    r = anon.post("/login", data={"username": "analyst", "password": PASSWORDS["analyst"],
                                  "csrf_token": csrf_of(page.text)}, follow_redirects=False)
    cookie = r.headers["set-cookie"]
    assert "sw_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie.replace("Lax", "lax")
    assert "Secure" not in cookie  # not behind TLS in this test
    token = csrf_of(anon.get("/findings").text)
    with store.session() as s:
        assert s.scalar(select(WebSession)) is not None
    r = anon.post("/logout", data={"csrf_token": token}, follow_redirects=False)
    assert r.status_code == 303
    assert anon.get("/findings", follow_redirects=False).status_code == 303
    with store.session() as s:
        kinds = [e.kind for e in s.scalars(select(AuthEvent).order_by(AuthEvent.id))]
        assert s.scalar(select(WebSession)) is None
    assert kinds[-2:] == ["login_ok", "logout"]


@pytest.mark.parametrize("behind_tls", [True])
def test_secure_cookie_behind_tls(tmp_path, behind_tls) -> None:  # noqa: ANN001
    from starlette.testclient import TestClient

    import config
    from store.db import Store
    from tests.web.seed import seed
    from web.app import create_app

    s = config.load(environ={}, overrides={"data_dir": tmp_path, "web": {"behind_tls": behind_tls}})
    st = Store(s.db_url)
    st.upgrade()
    with st.session() as session:
        seed(session, s.evidence_dir)
    with TestClient(create_app(s, st), base_url="https://127.0.0.1") as c:
        page = c.get("/login")
        assert "Secure" in page.headers["set-cookie"]
        r = c.post("/login", data={"username": "admin", "password": PASSWORDS["admin"],
                                   "csrf_token": csrf_of(page.text)}, follow_redirects=False)
        assert "Secure" in r.headers["set-cookie"] and r.headers["strict-transport-security"]
    st.dispose()


def test_disabled_user_loses_session(as_role, store) -> None:  # noqa: ANN001
    client, _ = as_role("analyst")
    assert client.get("/findings").status_code == 200
    from web import auth

    with store.session() as s:
        auth.set_active(s, "analyst", False, actor="test")
    assert client.get("/findings", follow_redirects=False).status_code == 303


def test_query_syntax_error_is_a_message_not_a_trace(as_role) -> None:  # noqa: ANN001
    client, _ = as_role("analyst")
    r = client.get('/findings?q="国家级')
    assert r.status_code == 200 and "引号没有闭合" in r.text and "Traceback" not in r.text
    r = client.get("/findings?q=colour:red")
    assert "未知字段" in r.text


def test_throttle_is_per_account_and_address_grows_and_ends(seeded, store, settings) -> None:  # noqa: ANN001
    """Guessing from one address never locks the owner out elsewhere; refused tries are not failures;
    the wait doubles with each further failure and ends; the operator sees the pair."""
    from datetime import timedelta

    from web import auth
    from web.models import AuthEvent

    web = settings.web
    with store.session() as s:
        for _ in range(web.login_max_failures):
            with pytest.raises(auth.LoginRefused):
                auth.login(s, "analyst", "wrong-password", "10.9.9.9", "ua", web)
        first_wait = auth.throttle_wait(s, "analyst", "10.9.9.9", web)
        assert 0 < first_wait <= 31
        # the right password from the owner's own address still works
        token, user = auth.login(s, "analyst", PASSWORDS["analyst"], "192.0.2.7", "ua", web)
        assert user.name == "analyst" and token
        # from the guessing address it is refused, and refusals do not count as failures
        for _ in range(3):
            with pytest.raises(auth.LoginRefused) as refused:
                auth.login(s, "analyst", PASSWORDS["analyst"], "10.9.9.9", "ua", web)
            assert refused.value.throttled
        assert auth.throttle_wait(s, "analyst", "10.9.9.9", web) <= first_wait
        last = max(e.at for e in s.query(AuthEvent).filter_by(kind="login_failed"))
        # once the wait has passed, the right password works again; a further failure waits twice as long
        assert auth.throttle_wait(s, "analyst", "10.9.9.9", web, now=last + timedelta(seconds=31)) == 0
        s.add(AuthEvent(kind="login_failed", user_name="analyst", ip="10.9.9.9", at=last + timedelta(seconds=31)))
        s.flush()
        assert 30 < auth.throttle_wait(s, "analyst", "10.9.9.9", web, now=last + timedelta(seconds=31)) <= 61
        attacked = auth.under_attack(s, web)
        assert [(a["user"], a["ip"]) for a in attacked] == [("analyst", "10.9.9.9")]


@pytest.mark.parametrize("password", ["1234567890", "aaaaaaaaaaaa", "abcdefghijkl", "qwertyuiopas", "analyst-2026-x"])
def test_weak_passwords_are_refused(store, password: str) -> None:  # noqa: ANN001
    from errors import InputError
    from web import auth

    with store.session() as s, pytest.raises(InputError, match="密码"):
        auth.add_user(s, "analyst2", "analyst", password.replace("analyst", "analyst2"))


@pytest.mark.parametrize("path", ["/cases/{n}", "/cases/{n}/export", "/merchants/{n}", "/evidence/pages/{n}/archived",
                                  "/evidence/pages/{n}/screenshot"])
def test_ids_past_64_bits_are_404_not_500(as_role, seeded, path: str) -> None:  # noqa: ANN001
    client, _ = as_role("supervisor")
    for n in ("9" * 19, "18446744073709551616", "9" * 60):
        r = client.get(path.format(n=n))
        assert r.status_code == 404, (path, n, r.status_code)


def test_search_errors_never_show_server_paths(as_role, seeded, settings) -> None:  # noqa: ANN001
    client, _ = as_role("analyst")
    for q in ("国家\x00级", "(" * 300, " OR ".join(f"词{i}" for i in range(1100))):
        r = client.get("/findings", params={"q": q})
        assert r.status_code in (200, 400) and "查询语法错误" in r.text
        assert str(settings.data_dir) not in r.text and ".db" not in r.text
