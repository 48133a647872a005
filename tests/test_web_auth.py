"""Signing in and out, the account page, the language switch."""

from __future__ import annotations

from fixtures_web import PASSWORD


def test_visitor_is_sent_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302 and "/dang-nhap" in response.headers["Location"]


def test_sign_in_with_wrong_password_is_refused(client):
    response = client.post("/dang-nhap", data={"username": "motcua", "password": "sai"})
    assert response.status_code == 401
    assert "Sai tên đăng nhập hoặc mật khẩu" in response.get_data(as_text=True)


def test_unknown_user_gets_the_same_answer(client):
    known = client.post("/dang-nhap", data={"username": "motcua", "password": "x"})
    unknown = client.post("/dang-nhap", data={"username": "khong-co", "password": "x"})
    assert known.status_code == unknown.status_code == 401
    assert "Sai tên đăng nhập" in unknown.get_data(as_text=True)


def test_sign_in_then_out(client, auth):
    auth.login("motcua")
    page = client.get("/tai-khoan")
    assert page.status_code == 200 and "mot-cua" in page.get_data(as_text=True)
    auth.logout()
    assert client.get("/tai-khoan").status_code == 302


def test_next_must_stay_on_the_site(client):
    response = client.post("/dang-nhap?next=//evil.example/x",
                           data={"username": "motcua", "password": PASSWORD})
    assert response.headers["Location"] == "/"


def test_change_password(client, auth, web_services):
    auth.login("hotich")
    response = client.post("/tai-khoan", data={
        "action": "password", "current_password": PASSWORD,
        "new_password": "mat-khau-moi-1", "confirm_password": "mat-khau-moi-1"})
    assert response.status_code == 302
    assert web_services.authenticate("hotich", "mat-khau-moi-1").username == "hotich"


def test_issue_and_revoke_api_token(client, auth, web_services):
    auth.login("motcua")
    page = client.post("/tai-khoan", data={"action": "token", "name": "Cổng DVC"})
    text = page.get_data(as_text=True)
    token = text.split('<code class="token">')[1].split("<")[0]
    assert web_services.authenticate_token(token).username == "motcua"
    [listed] = web_services.list_api_tokens("motcua")
    client.post("/tai-khoan", data={"action": "revoke", "token_id": listed.id})
    from isobpmn.services import NotSignedIn
    import pytest

    with pytest.raises(NotSignedIn):
        web_services.authenticate_token(token)


def test_language_switch(client):
    assert "Đăng nhập" in client.get("/dang-nhap").get_data(as_text=True)
    client.get("/ngon-ngu/en")
    assert "Sign in" in client.get("/dang-nhap").get_data(as_text=True)
