"""Replay the attacks of the trust review against a running `make run` site with the demo data,
over HTTP, as an outsider would (docs/reliability.md, "Re-attack on the demo"):

    .venv/bin/python scripts/reattack_demo.py http://127.0.0.1:8000

It signs in as demo accounts and makes five wrong logins for demo-gridworker, so the site's
lock-out holds that account and this address for 15 minutes afterwards. Prints PASS/FAIL per
attack and exits 1 if any attack worked. The same attacks, each in isolation, are the tests of
tests/reliability/."""

import re
import sys

import requests

BASE = sys.argv[1].rstrip("/")
PW = "redgrid-demo"
results = []


def check(name, ok, detail=""):
    results.append((name, ok, detail))
    print(("PASS " if ok else "FAIL ") + name + (f"  [{detail}]" if detail else ""))


def session():
    s = requests.Session()
    s.headers["Accept-Language"] = "zh-hans"
    return s


def csrf(s, url):
    page = s.get(BASE + url)
    m = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    return m.group(1) if m else "", page


def login(username, addr=None):
    s = session()
    token, _ = csrf(s, "/accounts/login/")
    r = s.post(
        BASE + "/accounts/login/",
        data={"csrfmiddlewaretoken": token, "username": username, "password": PW},
        headers={"Referer": BASE + "/accounts/login/"},
        allow_redirects=False,
    )
    return s, r


anon = session()

# §1 files: no /media/ route, guessable names, import sheets
for path in [
    "/media/",
    "/media/care/visits/2026/11/visit-1-1.jpg",
    "/media/patrols/findings/2026/11/finding-1-1.jpg",
    "/media/member-imports/",
    "/static/../media/",
]:
    r = anon.get(BASE + path, allow_redirects=False)
    check(f"§1 {path} is not served", r.status_code in (301, 302, 400, 404), str(r.status_code))
for kind in ("visit-photo", "request-photo", "finding-photo", "attachment", "member-sheet"):
    r = anon.get(BASE + f"/files/{kind}/1/x.jpg", allow_redirects=False)
    check(f"§1 /files/{kind}/1/ to anonymous", r.status_code == 404, str(r.status_code))

# Open311 list: pick a media_url, codes, addresses
o = anon.get(BASE + "/open311/v2/requests.json")
items = o.json() if o.status_code == 200 else []
check("§3 Open311 list answers", o.status_code == 200, f"{len(items)} items")
text = o.text
check(
    "§3 no full mobile number in Open311",
    not re.search(r"(?<!\d)1[3-9]\d{9}(?!\d)", text),
)
check("§3 no ID number in Open311", not re.search(r"(?<!\d)\d{17}[\dXx](?!\d)", text))
check("§3 no household-visit channel in Open311", "入户走访" not in text)
for it in items[:50]:
    lat = it.get("lat")
    if lat is not None and len(str(lat).split(".")[-1]) > 3:
        check("§3 points rounded to 0.001°", False, str(lat))
        break
else:
    check("§3 points rounded to 0.001°", True)
media = [it["media_url"] for it in items if it.get("media_url")]
for url in media[:3]:
    r = anon.get(url if url.startswith("http") else BASE + url)
    check(
        "§1 a public media_url is a sandboxed image",
        "sandbox" in r.headers.get("Content-Security-Policy", ""),
        url,
    )

# §4 rating with a code read from Open311
closed = [it for it in items if it.get("status") == "closed"]
if closed:
    code = closed[0]["service_request_id"]
    token, page = csrf(anon, f"/requests/t/{code}/")
    r = anon.post(
        BASE + f"/requests/t/{code}/rate/",
        data={
            "csrfmiddlewaretoken": token,
            "speed": 1,
            "result": 1,
            "service": 1,
            "feedback_quality": 1,
            "stars": 1,
            "comment": "forged",
        },
        headers={"Referer": BASE + f"/requests/t/{code}/"},
        allow_redirects=False,
    )
    after = anon.get(BASE + f"/requests/t/{code}/")
    check("§4 a code from Open311 cannot rate", "forged" not in after.text, str(r.status_code))
else:
    check("§4 a closed request in Open311 to try", False, "none listed")

# §6 no 500s
for path in [
    "/api/v1/grids/?limit=100000000000000000000",
    "/open311/v2/requests.json?start_date=9999-12-31T23:59:59",
    "/open311/v2/requests.json?status=%00",
]:
    r = anon.get(BASE + path)
    # The grids list is not paginated (limit is not one of its parameters): never a 5xx.
    check(f"§6 {path} is not a 5xx", r.status_code < 500, str(r.status_code))
r = anon.post(
    BASE + "/requests/new/",
    data=b"x" * (26 * 1024 * 1024),
    headers={"Content-Type": "application/x-www-form-urlencoded"},
)
check("§6 a 26 MB body is refused with 413", r.status_code == 413, str(r.status_code))

# §2 nobody grants themselves power (demo-street)
street, r = login("demo-street")
check("§2 demo-street signs in", r.status_code == 302, str(r.status_code))
for path in (
    "/admin/authtoken/",
    "/admin/knox/",
    "/admin/knox/authtoken/",
    "/admin/authtoken/tokenproxy/",
):
    rr = street.get(BASE + path, allow_redirects=False)
    check(f"§2 no token admin at {path}", rr.status_code in (302, 404), str(rr.status_code))
listing = street.get(BASE + "/admin/accounts/user/").text
ids = re.findall(r"/admin/accounts/user/(\d+)/change/", listing)
enabled = []
for i in ids[:60]:
    page = street.get(BASE + f"/admin/accounts/user/{i}/change/").text
    for tag in re.findall(r'<input[^>]*name="may_reveal_personal_data"[^>]*>', page):
        # A higher level may take the right away from someone who holds it (a ticked box).
        if "disabled" not in tag and "checked" not in tag:
            enabled.append(i)
check(
    "§2 street staff cannot tick the reveal box for anyone in the admin",
    not enabled,
    f"{len(ids)} accounts looked at",
)
own = street.get(BASE + "/admin/accounts/user/?q=demo-street").text
own_id = re.search(r"/admin/accounts/user/(\d+)/change/", own)
if own_id:
    url = f"/admin/accounts/user/{own_id.group(1)}/change/"
    token, page = csrf(street, url)
    street.post(
        BASE + url,
        data={
            "csrfmiddlewaretoken": token,
            "may_reveal_personal_data": "on",
            "role": "district_admin",
            "_save": "1",
        },
        headers={"Referer": BASE + url},
    )
me = street.get(BASE + "/accounts/me/").text
check("§2 demo-street is still street staff without the reveal right", "街道工作人员" in me, "")
rr = street.get(BASE + "/api/v1/party-members/?limit=5")
check(
    "§6/§3 API lists are capped and masked",
    rr.status_code == 200 and not re.search(r'"phone": ?"1[3-9]\d{9}"', rr.text),
    str(rr.status_code),
)
rr = street.get(BASE + "/api/v1/party-members/?limit=100000")
check("§6 ?limit=100000 is 400", rr.status_code == 400, str(rr.status_code))
rr = street.get(BASE + "/api/v1/bookings/?room=99999999999999999999999")
check("§6 bookings huge room is 400", rr.status_code == 400, str(rr.status_code))
rr = street.get(BASE + "/branches/members/?community=abc")
check(
    "§6 members ?community=abc is 4xx/200-with-error, not 500",
    rr.status_code < 500,
    str(rr.status_code),
)
members = street.get(BASE + "/api/v1/party-members/?limit=1").json()
if members.get("results"):
    pk = members["results"][0]["id"]
    token = csrf(street, "/accounts/me/")[0]
    rr = street.post(
        BASE + f"/api/v1/party-members/{pk}/reveal/",
        json={"field": "phone", "purpose": "核实信息"},
        headers={"X-CSRFToken": token, "Referer": BASE + "/"},
    )
    check(
        "§2 street staff cannot reveal a member's phone", rr.status_code == 403, str(rr.status_code)
    )

# §5 lock-out behind one address is per account, login failures
bad = session()
for _ in range(6):
    token, _ = csrf(bad, "/accounts/login/")
    bad.post(
        BASE + "/accounts/login/",
        data={
            "csrfmiddlewaretoken": token,
            "username": "demo-gridworker",
            "password": "wrong-password",
        },
        headers={"Referer": BASE + "/accounts/login/"},
    )
_, r = login("demo-gridworker")
check(
    "§5/§7 five wrong passwords lock the account even for the right one",
    r.status_code == 200,
    str(r.status_code),
)

# §5 status page guessing is throttled
codes = 0
for i in range(40):
    r = anon.get(BASE + f"/requests/t/ZZZZZZZZ{i:02d}/")
    if r.status_code == 429:
        codes = i
        break
check("§5 guessing tracking codes is throttled", codes > 0, f"429 after {codes}")

failed = [r for r in results if not r[1]]
print(f"\n{len(results) - len(failed)} passed, {len(failed)} failed")
sys.exit(1 if failed else 0)
