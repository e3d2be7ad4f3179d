"""Logging in and out in a real headless Chromium through xuefa's own /login (gradio's login
form posts multipart data to it): a wrong password stays on the login page, the right one
opens the app with no Content-Security-Policy violation in the console, 退出登录 ends the
session (the old cookie no longer opens the app), and a disabled account's open page stops
working. Screenshots go to test-output/."""
from __future__ import annotations

import time

import httpx
from test_web_browser import OUT, WAIT, By, Keys, WebDriverWait, browser, visible  # noqa: F401

from web_harness import running_app

USER = ("browseruser", "browser-pass-123")


def wait_for(driver, cond, what):
    return WebDriverWait(driver, WAIT).until(cond, message=what)


def fill_login(driver, name, password):
    wait_for(driver, lambda d: visible(d, "input[type=password]"), "login form")
    user_box = [e for e in visible(driver, "input") if e.get_attribute("type") in ("text", None, "")][0]
    user_box.clear()
    user_box.send_keys(name)
    box = visible(driver, "input[type=password]")[0]
    box.clear()
    box.send_keys(password + Keys.ENTER)


def csp_violations(driver) -> list[str]:
    return [e["message"] for e in driver.get_log("browser") if "Content Security Policy" in e["message"]]


def test_login_logout_and_disable_in_the_browser(browser):  # noqa: F811 - the fixture imported above
    app = running_app()
    auth = app.container.auth
    auth.create_user(*USER)
    browser.delete_all_cookies()
    browser.get(app.url)
    fill_login(browser, USER[0], "wrong-password-1")
    time.sleep(1.5)
    assert visible(browser, "input[type=password]") and not visible(browser, "#chat-input textarea")
    browser.save_screenshot(str(OUT / "login-wrong-password.png"))
    fill_login(browser, USER[0], USER[1])
    wait_for(browser, lambda d: visible(d, "#chat-input textarea"), "the app after login")
    wait_for(browser, lambda d: USER[0] in d.find_element(By.ID, "xf-whoami").text, "user name in header")
    assert csp_violations(browser) == []
    cookies = {c["name"]: c["value"] for c in browser.get_cookies()}
    assert any(n.startswith("access-token-") for n in cookies)
    browser.save_screenshot(str(OUT / "login-done.png"))

    visible(browser, "#xf-logout")[0].click()
    wait_for(browser, lambda d: visible(d, "input[type=password]"), "login page after logout")
    assert httpx.get(app.url + "gradio_api/login_check", cookies=cookies).status_code == 401

    fill_login(browser, USER[0], USER[1])
    wait_for(browser, lambda d: visible(d, "#chat-input textarea"), "the app after logging in again")
    auth.disable(USER[0], actor="test")
    time.sleep(2.2)
    browser.refresh()
    wait_for(browser, lambda d: visible(d, "input[type=password]"), "login page once the account is disabled")
    fill_login(browser, USER[0], USER[1])
    time.sleep(1.5)
    assert not visible(browser, "#chat-input textarea")
    browser.save_screenshot(str(OUT / "login-disabled.png"))
