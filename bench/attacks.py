"""The attacks of the data-protection review, run against a production-like stack.

Prints one line per attack with what the server did; asserts nothing. The stack is
started here, from the checkout given with ``--root`` (default: this one), so the
same attacks can be run against an earlier commit and the results compared:

    .venv/bin/python bench/attacks.py                  # this checkout
    git worktree add /tmp/before <commit>
    .venv/bin/python bench/attacks.py --root /tmp/before

The stack: gunicorn with 2 sync workers (30 s timeout), DEBUG off, static files
collected (hashed names, WhiteNoise), PostgreSQL (a database of its own, made
afresh: ``attacks_<name of the root folder>``), Redis for the cache, rate limits and
the Celery broker (databases 13 and 14, flushed), and one Celery worker. The demo
cohort is loaded, then the personas below are made and given sessions, so the
attacks test what a signed-in person can do, not how they signed in:

- ``participant``: the demo participant, member of an organisation with an action plan;
- ``member``: a member of a second organisation whose plan was submitted by a
  colleague whose account was then deleted;
- ``bare_staff``: staff status, no group, no permission (with a second factor
  where the checkout has them);
- ``root``: a superuser (with a second factor where the checkout has them);
- ``no_factor``: a superuser without a second factor.

Each worker's resident memory is sampled every 50 ms during each attack: the
peak is printed, and a worker that was replaced (gunicorn kills a worker past its
timeout) is reported.

Needs: PostgreSQL at 127.0.0.1:5432 (trust), Redis at 127.0.0.1:6379, the
project's virtual environment (gunicorn, celery, openpyxl).
"""

import argparse
import http.client
import io
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]
PORT = 8765
TIMEOUT = 90


# ---------------------------------------------------------------------------
# Setup, run inside the checkout under test (python bench/attacks.py setup).


def setup() -> None:
    import datetime as dt

    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from django.utils import timezone
    from django.utils.module_loading import import_string

    from academy.models import Membership, Participation, User
    from assignments.models import Assignment
    from plans.models import ActionPlan
    from plans.services import collaboration

    call_command("load_demo", verbosity=0, stdout=io.StringIO())
    now = timezone.now()
    participant = User.objects.get(email="osallistuja@example.fi")
    participation = Participation.objects.filter(
        organisation__memberships__user=participant
    ).first()
    assert participation is not None
    assignment = Assignment.objects.get(cohort=participation.cohort)
    assignment.due_at = now + dt.timedelta(days=30)
    assignment.cutoff_at = now + dt.timedelta(days=31)
    assignment.save()
    plan = ActionPlan.objects.get(participation=participation)

    other = (
        Participation.objects.filter(cohort=participation.cohort)
        .exclude(pk=participation.pk)
        .first()
    )
    assert other is not None
    member = User.objects.create_user(email="jasen@example.fi", password=None, name="Jäsen")
    leaver = User.objects.create_user(email="lahtija@example.fi", password=None, name="Lähtijä")
    for user in (member, leaver):
        Membership.objects.create(user=user, organisation=other.organisation)
    other_plan, _ = ActionPlan.objects.get_or_create(
        participation=other, defaults={"factor_set": plan.factor_set, "spend_year": 2021}
    )
    collaboration.submit_plan(other_plan, leaver)
    leaver.delete()

    def staff(email: str, superuser: bool, factor: bool) -> User:
        user = User.objects.create_user(
            email=email, password=None, name=email, is_staff=True, is_superuser=superuser
        )
        if factor and "allauth.mfa" in settings.INSTALLED_APPS:
            from academy.tests.factories import give_second_factor

            give_second_factor(user)
        return user

    people = {
        "participant": participant,
        "member": member,
        "bare_staff": staff("perus@example.fi", False, True),
        "root": staff("root@example.fi", True, True),
        "no_factor": staff("ilman@example.fi", True, False),
    }
    sessions = {}
    backend = next(
        name
        for name in settings.AUTHENTICATION_BACKENDS
        if hasattr(import_string(name), "get_user")
    )
    for name, user in people.items():
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = backend
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        sessions[name] = store.session_key
    print(
        json.dumps(
            {
                "sessions": sessions,
                "participation": participation.pk,
                "other": other.pk,
                "submission": other_plan.submissions.get().pk,
                "login": "perus@example.fi",
            }
        )
    )


# ---------------------------------------------------------------------------
# Files an attacker uploads.


def _zip(parts: dict[str, bytes], level: int = 9) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return out.getvalue()


XLSX_TYPES = (
    '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-'
    'package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/'
    'sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
    'worksheet+xml"/>{strings}</Types>'
)
STRINGS_TYPE = (
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sharedStrings+xml"/>'
)
RELS = (
    '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
    '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK = (
    '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
    '2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Ostot" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
    '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>{strings}'
    "</Relationships>"
)
STRINGS_REL = (
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/sharedStrings" Target="sharedStrings.xml"/>'
)
SHEET_OPEN = (
    '<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
    '2006/main">{dimension}<sheetData>'
)
HEADER_ROW = (
    '<row r="1"><c r="A1" t="inlineStr"><is><t>Tili</t></is></c><c r="B1" t="inlineStr"><is>'
    '<t>Tilin nimi</t></is></c><c r="C1" t="inlineStr"><is><t>Summa</t></is></c></row>'
)


def _workbook(sheet: bytes | None = None, strings: bytes | None = None, stream=None) -> bytes:
    """A workbook; ``stream`` writes a sheet too big to hold in memory in pieces."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        extra = STRINGS_TYPE if strings is not None else ""
        archive.writestr("[Content_Types].xml", XLSX_TYPES.format(strings=extra))
        archive.writestr("_rels/.rels", RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        rel = STRINGS_REL if strings is not None else ""
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS.format(strings=rel))
        if strings is not None:
            archive.writestr("xl/sharedStrings.xml", strings)
        if stream is not None:
            with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
                stream(part)
        else:
            archive.writestr("xl/worksheets/sheet1.xml", sheet or b"")
    return out.getvalue()


def rows_bomb() -> bytes:
    """About 1 GB of rows behind a few MB: the sheet says nothing of its size."""

    def write(part) -> None:
        part.write(SHEET_OPEN.format(dimension="").encode() + HEADER_ROW.encode())
        row = b'<row><c t="n"><v>4300</v></c><c t="n"><v>1</v></c><c t="n"><v>12.5</v></c></row>'
        block = row * 10_000
        for _ in range(1_000_000_000 // len(block)):
            part.write(block)
        part.write(b"</sheetData></worksheet>")

    return _workbook(stream=write)


def strings_bomb() -> bytes:
    """256 MB of shared strings behind under a megabyte."""
    text = b"A" * (256 * 1024 * 1024)
    strings = (
        b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
        b'2006/main"><si><t>Tili</t></si><si><t>Summa</t></si><si><t>' + text + b"</t></si></sst>"
    )
    sheet = (
        SHEET_OPEN.format(dimension='<dimension ref="A1:B2"/>')
        + '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
        '<row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2" t="n"><v>1</v></c></row>'
        "</sheetData></worksheet>"
    )
    return _workbook(sheet.encode(), strings)


def dense_strings() -> bytes:
    """60 MB of shared strings packed 150 times: under the archive limits, over none."""
    piece = b"A" * 8900
    text = b"".join(piece + os.urandom(50).hex().encode() for _ in range(60 * 1024 * 1024 // 9000))
    strings = (
        b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
        b'2006/main"><si><t>Tili</t></si><si><t>Summa</t></si><si><t>' + text + b"</t></si></sst>"
    )
    sheet = (
        SHEET_OPEN.format(dimension='<dimension ref="A1:B2"/>')
        + '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
        '<row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2" t="n"><v>1</v></c></row>'
        "</sheetData></worksheet>"
    )
    return _workbook(sheet.encode(), strings)


def declared_bomb() -> bytes:
    """A sheet that says it has 1,048,576 rows and has four."""
    rows = "".join(
        f'<row r="{n}"><c r="A{n}" t="n"><v>4300</v></c><c r="B{n}" t="inlineStr"><is>'
        f'<t>Ostot</t></is></c><c r="C{n}" t="n"><v>{n}.5</v></c></row>'
        for n in range(2, 5)
    )
    sheet = (
        SHEET_OPEN.format(dimension='<dimension ref="A1:C1048576"/>')
        + HEADER_ROW
        + rows
        + "</sheetData></worksheet>"
    )
    return _workbook(sheet.encode())


def one_line_csv(path: Path) -> None:
    """200 MB on one line, written to disk and sent from there."""
    with path.open("wb") as out:
        out.write(b"Tili;Summa;")
        chunk = b"x" * (1024 * 1024)
        for _ in range(200):
            out.write(chunk)


DOCX_TYPES = (
    '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-'
    'package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>'
    '<Override PartName="/word/document.xml" ContentType="{main}"/></Types>'
)
DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
DOCM_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"
DOCX_RELS = RELS.replace("xl/workbook.xml", "word/document.xml")
DOCUMENT = (
    '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
    'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Vastaukset</w:t></w:r></w:p>'
    "</w:body></w:document>"
)
VBA_REL = (
    '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
    '2006/relationships"><Relationship Id="rId9" Type="http://schemas.microsoft.com/office/'
    '2006/relationships/vbaProject" Target="kuvat.bin"/></Relationships>'
)


def docx_vba_renamed() -> bytes:
    return _zip(
        {
            "[Content_Types].xml": DOCX_TYPES.format(main=DOCX_MAIN).encode(),
            "_rels/.rels": DOCX_RELS.encode(),
            "word/document.xml": DOCUMENT.encode(),
            "word/_rels/document.xml.rels": VBA_REL.encode(),
            "word/kuvat.bin": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512,
        }
    )


def docx_macro_enabled() -> bytes:
    return _zip(
        {
            "[Content_Types].xml": DOCX_TYPES.format(main=DOCM_MAIN).encode(),
            "_rels/.rels": DOCX_RELS.encode(),
            "word/document.xml": DOCUMENT.encode(),
        }
    )


def odt_with_macro() -> bytes:
    """A text document that runs a macro of the office suite's own library when opened."""
    content = (
        '<?xml version="1.0"?><office:document-content xmlns:office="urn:oasis:names:tc:'
        'opendocument:xmlns:office:1.0" xmlns:script="urn:oasis:names:tc:opendocument:xmlns:'
        'script:1.0" xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:text="urn:oasis:names:'
        'tc:opendocument:xmlns:text:1.0"><office:scripts><office:event-listeners>'
        '<script:event-listener script:language="ooo:script" script:event-name="dom:load" '
        'xlink:href="vnd.sun.star.script:Tools.Misc.Main?language=Basic&amp;'
        'location=application"/></office:event-listeners></office:scripts><office:body>'
        "<office:text><text:p>Vastaukset</text:p></office:text></office:body>"
        "</office:document-content>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", content)
        archive.writestr(
            "META-INF/manifest.xml",
            '<?xml version="1.0"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:'
            'opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" '
            'manifest:media-type="application/vnd.oasis.opendocument.text"/></manifest:manifest>',
        )
    return out.getvalue()


def pdf_polyglot() -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
        b"<html><body><script>fetch('/profile/data/download/')</script></body></html>\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )


def zip_bomb_docx() -> bytes:
    """1 GB of zeros in a part of a Word document, about a megabyte packed."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", DOCX_TYPES.format(main=DOCX_MAIN))
        archive.writestr("_rels/.rels", DOCX_RELS)
        archive.writestr("word/document.xml", DOCUMENT)
        with archive.open("word/media/image1.png", "w", force_zip64=True) as part:
            zeros = b"\0" * (16 * 1024 * 1024)
            for _ in range(64):
                part.write(zeros)
    return out.getvalue()


# ---------------------------------------------------------------------------
# An HTTP client that keeps to what the attacks need.


class Response:
    def __init__(self, status: int, headers: dict[str, str], body: bytes, seconds: float):
        self.status, self.headers, self.body, self.seconds = status, headers, body, seconds

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


class Client:
    def __init__(self, session: str | None = None):
        self.cookies: dict[str, str] = {}
        if session:
            self.cookies["sessionid"] = session

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict | None = None,
        body_file: Path | None = None,
        timeout: float = TIMEOUT,
    ) -> Response:
        sent = {"Host": "127.0.0.1", "Accept-Language": "en", **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=timeout)
        started = time.monotonic()
        try:
            if body_file is not None:
                sent["Content-Length"] = str(body_file.stat().st_size)
                connection.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
                for key, value in sent.items():
                    connection.putheader(key, value)
                connection.endheaders()
                with body_file.open("rb") as source:
                    while chunk := source.read(1024 * 1024):
                        connection.send(chunk)
            else:
                connection.request(method, path, body=body, headers=sent)
            answer = connection.getresponse()
            data = answer.read()
        except (OSError, http.client.HTTPException) as error:
            return Response(0, {"error": repr(error)}, b"", time.monotonic() - started)
        finally:
            connection.close()
        headers_in = {}
        for key, value in answer.getheaders():
            if key.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
            headers_in[key.lower()] = value
        return Response(answer.status, headers_in, data, time.monotonic() - started)

    def get(self, path: str, **kwargs) -> Response:
        return self.request("GET", path, **kwargs)

    def follow(self, path: str) -> tuple[str, Response]:
        for _ in range(5):
            response = self.get(path)
            if response.status not in (301, 302, 303):
                return path, response
            path = urllib.parse.urljoin(path, response.headers["location"])
        return path, response

    def csrf(self, path: str) -> tuple[str, Response]:
        path, page = self.follow(path)
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        return (found.group(1) if found else ""), page

    def post(self, path: str, fields: dict, files: dict | None = None, **kwargs) -> Response:
        if files is None:
            body = urllib.parse.urlencode(fields).encode()
            kind = "application/x-www-form-urlencoded"
            return self.request("POST", path, body, {"Content-Type": kind}, **kwargs)
        boundary = "----attack" + os.urandom(8).hex()
        parts = io.BytesIO()
        for key, value in fields.items():
            parts.write(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n'
                f"{value}\r\n".encode()
            )
        for key, (filename, data) in files.items():
            parts.write(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"; '
                f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'.encode()
            )
            parts.write(data)
            parts.write(b"\r\n")
        parts.write(f"--{boundary}--\r\n".encode())
        kind = f"multipart/form-data; boundary={boundary}"
        return self.request("POST", path, parts.getvalue(), {"Content-Type": kind}, **kwargs)


def multipart_file(fields: dict, name: str, filename: str, source: Path) -> tuple[Path, str]:
    """A multipart body on disk around a large file, for uploads too big to hold twice."""
    boundary = "----attack" + os.urandom(8).hex()
    body = Path(tempfile.mkstemp(suffix=".multipart")[1])
    with body.open("wb") as out:
        for key, value in fields.items():
            out.write(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n'
                f"{value}\r\n".encode()
            )
        out.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: text/csv\r\n\r\n'.encode()
        )
        with source.open("rb") as data:
            while chunk := data.read(1024 * 1024):
                out.write(chunk)
        out.write(f"\r\n--{boundary}--\r\n".encode())
    return body, f"multipart/form-data; boundary={boundary}"


# ---------------------------------------------------------------------------
# Watching gunicorn's workers.


def workers(master: int) -> set[int]:
    found = subprocess.run(
        ["pgrep", "-P", str(master)], capture_output=True, text=True, check=False
    ).stdout.split()
    return {int(pid) for pid in found}


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


class Watch:
    """Peak resident memory of any worker, and whether a worker was replaced."""

    def __init__(self, master: int):
        self.master = master
        self.before = workers(master)
        self.peak = max((rss_mb(pid) for pid in self.before), default=0.0)
        self.running = True
        self.thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while self.running:
            for pid in workers(self.master):
                self.peak = max(self.peak, rss_mb(pid))
            time.sleep(0.05)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.running = False
        self.thread.join()
        time.sleep(2)
        self.replaced = bool(self.before - workers(self.master))


# ---------------------------------------------------------------------------
# The attacks.

RESULTS: list[tuple[str, str]] = []


def report(name: str, result: str) -> None:
    RESULTS.append((name, result))
    print(f"{name:<58} {result}", flush=True)


def form_error(response: Response) -> str:
    """The first error next to a field, in a form's error summary, or in an error message."""
    for pattern in (
        r'class="invalid-feedback"[^>]*>\s*(?:<strong>)?([^<]+)',
        r'<a href="#id_file">([^<]+)',
        r'class="errorlist[^"]*"[^>]*>\s*<li>([^<]+)',
        r'class="alert alert-danger"[^>]*>([^<]+)',
    ):
        found = re.search(pattern, response.text)
        if found and found.group(1).strip():
            return found.group(1).strip()[:90]
    return ""


def outcome(response: Response, watch: Watch | None = None) -> str:
    if response.status == 0:
        said = f"no answer after {response.seconds:.1f} s ({response.headers['error'][:40]})"
    else:
        said = f"{response.status} in {response.seconds:.1f} s"
        if response.status == 302:
            said += f" → {response.headers.get('location', '')[:60]}"
        error = form_error(response)
        if error:
            said += f", refused: {error}"
    if watch is not None:
        said += f"; worker peak {watch.peak:.0f} MB"
        if watch.replaced:
            said += ", worker killed"
    return said


def upload_ledger(client: Client, data: bytes, filename: str, master: int, p: int):
    token, _ = client.csrf(f"/en/workspace/{p}/plan/ledger/")
    with Watch(master) as watch:
        response = client.post(
            f"/en/workspace/{p}/plan/ledger/",
            {"csrfmiddlewaretoken": token, "year": "2021"},
            {"file": (filename, data)},
        )
    return response, watch


def attack_exports(clients: dict) -> None:
    staff = clients["bare_staff"]
    for url in ("/admin/applications/application/export/", "/admin/workshops/attendance/export/"):
        response = staff.get(url)
        rows = ""
        if response.status == 200:
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.text)
            choice = re.search(
                r'name="format"[^>]*>\s*(?:<option[^>]*>[^<]*</option>\s*)*?'
                r'<option value="(\d+)"[^>]*>\s*csv',
                response.text,
                re.I,
            )
            fields = {
                "csrfmiddlewaretoken": token.group(1) if token else "",
                "format": choice.group(1) if choice else "0",
            }
            for name in re.findall(r'name="([a-z_]+_[a-z_]+)"[^>]*type="checkbox"', response.text):
                fields[name] = "on"
            exported = staff.post(url, fields)
            lines = exported.body.count(b"\n")
            rows = f"; POST gives {exported.status}, {lines} lines"
        report(
            f"export as staff without permission {url.split('/')[3]}", f"{response.status}{rows}"
        )


def attack_admin_login(clients: dict, login: str) -> None:
    client = Client()
    blocked_at = None
    statuses: dict[int, int] = {}
    started = time.monotonic()
    for attempt in range(1, 61):
        token, page = client.csrf("/admin/login/?next=/admin/")
        path = "/admin/login/?next=/admin/"
        if 'name="login"' in page.text:
            path = "/en/accounts/login/?next=/admin/"
            fields = {"login": login, "password": f"wrong-{attempt}"}
        else:
            fields = {"username": login, "password": f"wrong-{attempt}"}
        response = client.post(path, {"csrfmiddlewaretoken": token, **fields})
        statuses[response.status] = statuses.get(response.status, 0) + 1
        if blocked_at is None and (response.status == 429 or "Too many" in response.text):
            blocked_at = attempt
    seconds = time.monotonic() - started
    said = f"60 wrong passwords in {seconds:.0f} s, answers {statuses}; "
    said += f"blocked from attempt {blocked_at}" if blocked_at else "never blocked"
    report("admin login: 60 wrong passwords for one staff account", said)


def attack_no_factor(clients: dict) -> None:
    client = clients["no_factor"]
    response = client.get("/admin/")
    report("staff without a second factor opens /admin/", outcome(response))
    response = client.get("/admin/applications/application/")
    report("staff without a second factor opens the applications", outcome(response))


def attack_ledgers(clients: dict, master: int, p: int) -> None:
    client = clients["participant"]
    print("  building the workbooks…", flush=True)
    bomb = rows_bomb()
    response, watch = upload_ledger(client, bomb, "ostot.xlsx", master, p)
    report(f"XLSX with 1 GB of rows in {len(bomb) / 1e6:.1f} MB: upload", outcome(response, watch))

    for label, bomb in (
        ("256 MB of shared strings", strings_bomb()),
        ("60 MB of shared strings", dense_strings()),
    ):
        response, watch = upload_ledger(client, bomb, "ostot.xlsx", master, p)
        report(f"XLSX with {label} in {len(bomb) / 1e6:.1f} MB: upload", outcome(response, watch))
        if response.status == 302:
            columns = response.headers["location"]
            for attempt in (1, 2, 3, 4):
                with Watch(master) as watch:
                    again = client.get(columns)
                report(f"  … its columns page, GET {attempt}", outcome(again, watch))

    bomb = declared_bomb()
    response, watch = upload_ledger(client, bomb, "ostot.xlsx", master, p)
    report("XLSX declaring A1:C1048576 with 4 rows: upload", outcome(response, watch))
    if response.status == 302:
        columns = response.headers["location"]
        with Watch(master) as watch:
            page = client.get(columns)
        said = outcome(page, watch)
        if page.status == 302:
            _, shown = client.follow(page.headers["location"])
            said += f", says: {form_error(shown) or '(nothing)'}"
        report("  … its columns page", said)
    if response.status == 302 and page.status == 200:
        token, _ = client.csrf(columns)
        chosen = client.post(
            columns,
            {
                "csrfmiddlewaretoken": token,
                "account": "Tili",
                "account_name": "Tilin nimi",
                "amount": "Summa",
                "vat_mode": "excluded",
            },
        )
        progress = columns.replace("/columns/", "/progress/")
        started = time.monotonic()
        state = "?"
        while time.monotonic() - started < 240:
            answer = client.get(progress)
            try:
                state = json.loads(answer.text)["state"]
            except (ValueError, KeyError):
                state = f"HTTP {answer.status}"
            if state not in ("queued", "running", "pending"):
                break
            time.sleep(2)
        report(
            "  … columns chosen, the worker reads it",
            f"columns POST {chosen.status}; import {state} after "
            f"{time.monotonic() - started:.0f} s",
        )

    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "ostot.csv"
        one_line_csv(source)
        token, _ = client.csrf(f"/en/workspace/{p}/plan/ledger/")
        body, kind = multipart_file(
            {"csrfmiddlewaretoken": token, "year": "2021"}, "file", "ostot.csv", source
        )
        with Watch(master) as watch:
            response = client.request(
                "POST",
                f"/en/workspace/{p}/plan/ledger/",
                headers={"Content-Type": kind},
                body_file=body,
            )
        body.unlink()
    report("CSV of 200 MB on one line: upload", outcome(response, watch))


def attack_uploads(clients: dict, master: int, p: int) -> None:
    client = clients["participant"]
    url = f"/en/workspace/{p}/pre-assignment/"
    for label, filename, data in (
        ("ODT that runs a macro when opened", "vastaukset.odt", odt_with_macro()),
        ("DOCX whose VBA part has another name", "vastaukset-1.docx", docx_vba_renamed()),
        ("DOCX with the macro-enabled content type", "vastaukset-2.docx", docx_macro_enabled()),
        ("PDF + HTML polyglot", "vastaukset.pdf", pdf_polyglot()),
        ("zip bomb (1 GB) named .docx", "vastaukset-3.docx", zip_bomb_docx()),
    ):
        token, _ = client.csrf(url)
        with Watch(master) as watch:
            response = client.post(
                url,
                {"csrfmiddlewaretoken": token, "action": "upload"},
                {"file": (filename, data)},
            )
        if response.status == 302:
            _, page = client.follow(response.headers["location"])
            stored = "stored" if "has been added" in page.text else "not stored?"
            said = f"302, {stored}; worker peak {watch.peak:.0f} MB"
        else:
            said = outcome(response, watch)
        report(f"pre-assignment upload: {label}", said)


def attack_malformed(clients: dict, setup_data: dict) -> None:
    root = clients["root"]
    crashed = 0
    tried = 0
    for app, model, field in (
        ("workshops", "interview", "application"),
        ("applications", "review", "application"),
        ("plans", "actionplan", "participation"),
        ("academy", "membership", "user"),
    ):
        for extra in ("term=%00", "term=x&page=abc", "term=x&page=0"):
            tried += 1
            response = root.get(
                f"/admin/autocomplete/?app_label={app}&model_name={model}&field_name={field}"
                f"&{extra}"
            )
            crashed += response.status >= 500
    report(f"admin autocomplete, {tried} malformed requests", f"{crashed} answered 5xx")
    statuses = []
    for url in (
        "/admin/applications/application/?q=%00",
        "/admin/applications/application/?cohort__id__exact=%00",
        "/admin/workshops/session/?q=a%00b",
        "/admin/academy/user/abc/change/",
        "/admin/academy/user/1%00/change/",
    ):
        statuses.append(root.get(url).status)
    report("admin lists and pages with NUL bytes and bad ids", f"answers {statuses}")
    member = clients["member"]
    o, s = setup_data["other"], setup_data["submission"]
    for label, url in (
        ("submit page", f"/en/workspace/{o}/plan/submit/"),
        ("frozen copy", f"/en/workspace/{o}/plan/submissions/{s}/"),
    ):
        response = member.get(url)
        report(f"plan {label} after the submitter's account was deleted", outcome(response))


def attack_pdf(clients: dict, p: int, log: Path) -> None:
    """WeasyPrint logs a stylesheet it could not load; the PDF itself looks much the same."""
    response = clients["participant"].get(f"/en/workspace/{p}/plan/export/plan.pdf")
    time.sleep(0.5)
    failed = [line for line in log.read_text().splitlines() if "Failed to load stylesheet" in line]
    report(
        "plan PDF with DEBUG off and collected static files",
        f"{response.status}, {len(response.body) // 1024} KB; print stylesheet "
        + (f"not loaded: {failed[0][:80]}" if failed else "loaded"),
    )


def attack_headers(clients: dict, p: int) -> None:
    participant = clients["participant"]
    for label, url in (
        ("workspace", f"/en/workspace/{p}/"),
        ("plan PDF", f"/en/workspace/{p}/plan/export/plan.pdf"),
        ("analysis XLSX", f"/en/workspace/{p}/plan/export/analysis.xlsx"),
    ):
        response = participant.get(url)
        report(
            f"signed-in {label}: Cache-Control",
            f"{response.status}, {response.headers.get('cache-control', '(none)')}",
        )
    response = Client().get("/en/")
    report(
        "Permissions-Policy on a public page",
        response.headers.get("permissions-policy", "(none)")[:70],
    )
    report("TRACE /", str(Client().request("TRACE", "/").status))
    response = Client().get("//evil.example/x")
    links = re.findall(r'href="(//[^"]*)"', response.text)
    report(
        "404 page for //evil.example/x: links to //host",
        f"{response.status}, {len(links)} such links {links[:2]}",
    )


def attack_rights(clients: dict) -> None:
    response = clients["participant"].get("/en/profile/data/download/")
    kind = response.headers.get("content-type", "")
    report("a participant downloads their own data", f"{response.status} {kind}")


def run(root: Path, only: list[str]) -> None:
    database = "attacks_" + re.sub(r"\W", "_", root.name)
    var = Path(tempfile.mkdtemp(prefix="attacks-var-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "academy.settings",
        "PYTHONPATH": str(root),
        "DEBUG": "false",
        "SECRET_KEY": os.urandom(40).hex(),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": f"http://127.0.0.1:{PORT}",
        "DATABASE_URL": f"postgres://academy:academy@127.0.0.1:5432/{database}",
        "CACHE_URL": "rediscache://127.0.0.1:6379/13",
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/14",
        "CELERY_RESULT_BACKEND": "redis://127.0.0.1:6379/14",
        "VAR_DIR": str(var),
        "STATIC_ROOT": str(var / "static"),
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "SECURE_HSTS_SECONDS": "0",
        "LOG_LEVEL": "WARNING",
    }
    python = sys.executable
    bin_dir = Path(python).parent
    psql = ["psql", "-h", "127.0.0.1", "-U", "academy", "-d", "postgres", "-q", "-c"]
    subprocess.run([*psql, f"DROP DATABASE IF EXISTS {database}"], check=True)
    subprocess.run([*psql, f"CREATE DATABASE {database}"], check=True)
    subprocess.run(["redis-cli", "-n", "13", "flushdb"], check=True, capture_output=True)
    subprocess.run(["redis-cli", "-n", "14", "flushdb"], check=True, capture_output=True)
    manage = [python, str(root / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True, cwd=root)
    subprocess.run([*manage, "collectstatic", "--noinput", "-v0"], env=env, check=True, cwd=root)
    made = subprocess.run(
        [python, str(Path(__file__).resolve()), "setup"],
        env=env,
        check=True,
        cwd=root,
        capture_output=True,
        text=True,
    )
    setup_data = json.loads(made.stdout.strip().splitlines()[-1])
    commit = subprocess.run(
        ["git", "-C", str(root), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    print(f"checkout {root} at {commit}; database {database}", flush=True)
    server = subprocess.Popen(
        [
            str(bin_dir / "gunicorn"),
            "academy.wsgi",
            "-w",
            "2",
            "--timeout",
            "30",
            "-b",
            f"127.0.0.1:{PORT}",
        ],
        env=env,
        cwd=root,
        stdout=subprocess.DEVNULL,
        stderr=(var / "web.log").open("w"),
    )
    worker = subprocess.Popen(
        [str(bin_dir / "celery"), "-A", "academy", "worker", "-c", "1", "-l", "WARNING"],
        env=env,
        cwd=root,
        stdout=subprocess.DEVNULL,
        stderr=(var / "worker.log").open("w"),
    )
    print(f"logs in {var}", flush=True)
    try:
        for _ in range(100):
            if Client().get("/en/").status:
                break
            time.sleep(0.2)
        time.sleep(1)
        clients = {name: Client(key) for name, key in setup_data["sessions"].items()}
        p = setup_data["participation"]
        attacks = {
            "exports": lambda: attack_exports(clients),
            "factor": lambda: attack_no_factor(clients),
            "malformed": lambda: attack_malformed(clients, setup_data),
            "pdf": lambda: attack_pdf(clients, p, var / "web.log"),
            "headers": lambda: attack_headers(clients, p),
            "rights": lambda: attack_rights(clients),
            "uploads": lambda: attack_uploads(clients, server.pid, p),
            "ledgers": lambda: attack_ledgers(clients, server.pid, p),
            "login": lambda: attack_admin_login(clients, setup_data["login"]),
        }
        for name, attack in attacks.items():
            if not only or name in only:
                attack()
    finally:
        for process in (server, worker):
            process.send_signal(signal.SIGTERM)
        for process in (server, worker):
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("step", nargs="?", default="run", choices=("run", "setup"))
    parser.add_argument("--root", type=Path, default=HERE)
    parser.add_argument("--only", action="append", default=[], help="an attack's name")
    args = parser.parse_args()
    if args.step == "setup":
        setup()
    else:
        run(args.root.resolve(), args.only)


if __name__ == "__main__":
    main()
