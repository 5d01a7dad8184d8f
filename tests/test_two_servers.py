"""Two app servers on one machine, as several servers run in production (README, "Several servers").

Two gunicorn servers on different ports, in production settings, over one PostgreSQL database (the test's), one
Redis (``REDIS_URL``) and one S3 store (moto's server): a write on one is read at once on the other, a file
uploaded through one downloads through the other with the same SHA-256, and the portfolio reads the same on
both. The servers are separate processes, so nothing they agree on can come from one process's memory.

Marked ``two_servers``; ``make test`` runs it with Debian's redis-server started. It needs PostgreSQL (SQLite's one
file is no database two servers share in production) and a Redis that answers at ``TWO_SERVERS_REDIS_URL``
(default ``redis://127.0.0.1:6379/15``); without them it is skipped and says why.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import boto3
import pytest
import redis
from django.conf import settings
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse

from helhedsplan.documents.models import PlanDocument
from helhedsplan.goals.models import Measurement
from helhedsplan.plans.models import Membership
from tests.documents.factories import PDF_BYTES
from tests.goals.factories import IndicatorFactory
from tests.plans.factories import MembershipFactory, PlanFactory, UserFactory

pytestmark = [pytest.mark.two_servers, pytest.mark.django_db(transaction=True)]

REDIS_URL = os.environ.get("TWO_SERVERS_REDIS_URL", "redis://127.0.0.1:6379/15")
BIN = Path(sys.executable).parent
BUCKET = "helhedsplan-two-servers"
STARTUP_SECONDS = 90


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def redis_answers(url: str) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 6379), timeout=2) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode()


@dataclass
class Server:
    """One app server, spoken to as a signed-in browser: its cookies (the session, the CSRF token, messages) are
    shared by both servers, as one browser's behind a load balancer."""

    port: int
    process: subprocess.Popen
    log: Path
    cookies: dict[str, str] = field(default_factory=dict)

    def request(self, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        cookie = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        conn.request(method, path, body=body or None, headers={"Cookie": cookie, **(headers or {})})
        answer = conn.getresponse()
        response = Response(answer.status, {k.lower(): v for k, v in answer.getheaders()}, answer.read())
        for header, value in answer.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        conn.close()
        return response

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def post(self, path: str, fields: dict[str, str], files: dict[str, tuple[str, bytes, str]]) -> Response:
        """A form posted as the browser posts it (multipart, with the CSRF token of an earlier page)."""
        boundary = uuid.uuid4().hex
        parts = []
        for name, value in {"csrfmiddlewaretoken": self.cookies["csrftoken"], **fields}.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
            )
        for name, (file_name, content, content_type) in files.items():
            head = (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{quote(file_name)}"\r\n'
                f"Content-Type: {content_type}\r\n\r\n"
            )
            parts.append(head.encode() + content + b"\r\n")
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        return self.request(
            "POST",
            path,
            body,
            {
                "Content-Type": f"multipart/form-data; boundary={boundary}",
                "Origin": f"http://127.0.0.1:{self.port}",
                "Referer": f"http://127.0.0.1:{self.port}{path}",
            },
        )


def start(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    # Its own process group, so that stopping it stops its workers too.
    with log.open("wb") as out:
        return subprocess.Popen(
            command,
            env=env,
            cwd=settings.BASE_DIR,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def wait_until_it_answers(port: int, process: subprocess.Popen, log: Path, path: str = "/") -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the server on port {port} stopped:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", path)
            conn.getresponse().read()
            conn.close()
            return
        except OSError:
            time.sleep(0.3)
    pytest.fail(f"the server on port {port} did not answer within {STARTUP_SECONDS} s")


def database_url() -> str:
    db = connection.settings_dict
    user = quote(db.get("USER") or "")
    password = f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
    return (
        f"postgres://{user}{password}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"
    )


@pytest.fixture
def stack(tmp_path) -> Iterator[tuple[Server, Server, str, Any, str]]:
    """Moto's S3 server with a bucket, and two app servers over the test's database, Redis and that bucket.
    Yields both servers, the secret key they sign sessions with, an S3 client and the servers' cache key prefix
    (this run's own); stops every process it started and removes the entries it kept in Redis."""
    if connection.vendor != "postgresql":
        pytest.skip("two servers share a PostgreSQL database; this run is on SQLite (one server's file)")
    if not redis_answers(REDIS_URL):
        pytest.skip(f"no Redis answers at {REDIS_URL} (make test starts Debian's redis-server)")
    processes: list[subprocess.Popen] = []
    key_prefix = f"two-servers-{uuid.uuid4().hex}"
    try:
        s3_port = free_port()
        s3_log = tmp_path / "moto.log"
        processes.append(
            start([str(BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(s3_port)], {**os.environ}, s3_log)
        )
        wait_until_it_answers(s3_port, processes[-1], s3_log)
        endpoint = f"http://127.0.0.1:{s3_port}"
        keys = {"aws_access_key_id": "two-servers", "aws_secret_access_key": "two-servers-secret"}
        bucket = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", **keys)
        bucket.create_bucket(Bucket=BUCKET)

        secret_key = secrets.token_urlsafe(64)
        base = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_", "DATABASE_"))}
        env = {
            **base,
            "DJANGO_ENV": "production",
            "DJANGO_SECRET_KEY": secret_key,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            # Plain http on the loopback: no proxy in front to redirect to https.
            "DJANGO_SECURE_SSL_REDIRECT": "off",
            "DATABASE_URL": database_url(),
            "REDIS_URL": REDIS_URL,
            # This run's own keys: a Redis kept from an earlier run (another day, the same plan pk and counter)
            # holds entries under the default prefix that this run must neither read nor count.
            "DJANGO_CACHE_KEY_PREFIX": key_prefix,
            "DJANGO_S3_BUCKET": BUCKET,
            "DJANGO_S3_ENDPOINT_URL": endpoint,
            "DJANGO_S3_REGION": "us-east-1",
            "DJANGO_S3_ACCESS_KEY_ID": keys["aws_access_key_id"],
            "DJANGO_S3_SECRET_ACCESS_KEY": keys["aws_secret_access_key"],
            "DJANGO_S3_ADDRESSING_STYLE": "path",
            # Production in all but the static files' manifest, whose collectstatic takes minutes: files are
            # referred to by their plain names. The shared cache is Redis all the same (REDIS_URL, config.settings:
            # only the test processes themselves keep theirs in memory).
            "DJANGO_TESTING": "on",
            "DJANGO_LOG_LEVEL": "WARNING",
        }
        servers = []
        cookies: dict[str, str] = {}  # one browser's, behind a load balancer that sends it to either server
        for name in ("a", "b"):
            port = free_port()
            log = tmp_path / f"server-{name}.log"
            command = [
                str(BIN / "gunicorn"),
                "config.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
                "--max-requests",
                "500",
                "--max-requests-jitter",
                "50",
            ]
            processes.append(start(command, env, log))
            servers.append(Server(port, processes[-1], log, cookies))
        for server in servers:
            wait_until_it_answers(server.port, server.process, server.log, "/login/")
        yield servers[0], servers[1], secret_key, bucket, key_prefix
    finally:
        for process in reversed(processes):
            stop(process)
        shared = redis.Redis.from_url(REDIS_URL)
        for key in shared.scan_iter(f"{key_prefix}:*"):
            shared.delete(key)


def same_page(html: str) -> str:
    """A page without what differs on every request: the CSP nonce and the CSRF token."""
    html = re.sub(r'nonce="[^"]*"', "", html)
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


def test_two_servers_share_the_database_the_files_and_the_sessions(stack):
    server_a, server_b, secret_key, bucket, key_prefix = stack
    plan = PlanFactory()
    coordinator = UserFactory(password=None)
    MembershipFactory(plan=plan, user=coordinator, role=Membership.Role.COORDINATOR)
    indicator = IndicatorFactory(goal__sub_agreement__plan=plan)
    # A session made in the shared database, signed with the servers' key, is signed in on both.
    with override_settings(SECRET_KEY=secret_key):
        browser = Client()
        browser.force_login(coordinator)
    server_a.cookies[settings.SESSION_COOKIE_NAME] = browser.cookies[settings.SESSION_COOKIE_NAME].value

    portfolio = reverse("portfolio:list")
    before = [server.get(portfolio) for server in (server_a, server_b)]
    assert [page.status for page in before] == [200, 200]
    assert same_page(before[0].text) == same_page(before[1].text)
    assert f"/plan/{plan.slug}/" in before[0].text  # the plan's row links to it

    # A measurement recorded on A is on B's indicator page at once.
    create = reverse("goals:measurement_create", kwargs={"plan": plan.slug, "indicator": indicator.pk})
    assert server_a.get(create).status == 200  # the form, and its CSRF cookie
    saved = server_a.post(create, {"date": "2024-06-30", "value": "77", "note": "Fra server A"}, {})
    assert saved.status == 302, saved.text[-2000:]
    assert Measurement.objects.filter(indicator=indicator, value=77).exists()
    indicator_page = server_b.get(reverse("goals:indicator", kwargs={"plan": plan.slug, "pk": indicator.pk}))
    assert indicator_page.status == 200 and "Fra server A" in indicator_page.text

    # A document uploaded through A is listed by B at once and downloads through B as it was uploaded.
    upload = PDF_BYTES + f"% {uuid.uuid4()}\n".encode()
    document_create = reverse("documents:document_create", kwargs={"plan": plan.slug})
    assert server_a.get(document_create).status == 200
    stored = server_a.post(
        document_create,
        {"kind": "annex", "title": "Kort fra server A"},
        {"file": ("kort.pdf", upload, "application/pdf")},
    )
    assert stored.status == 302, stored.text[-2000:]
    listed = server_b.get(reverse("documents:list", kwargs={"plan": plan.slug}))
    assert "Kort fra server A" in listed.text
    version = PlanDocument.objects.get(plan=plan, title="Kort fra server A").versions.get()
    # Kept in the shared bucket (not on either server's disk), under the name the database gives it.
    keys = [item["Key"] for item in bucket.list_objects_v2(Bucket=BUCKET).get("Contents", [])]
    assert keys == [version.file.name]
    downloaded = server_b.get(
        reverse("documents:version_download", kwargs={"plan": plan.slug, "pk": version.pk})
    )
    assert downloaded.status == 200
    assert hashlib.sha256(downloaded.body).hexdigest() == hashlib.sha256(upload).hexdigest() == version.sha256

    # The portfolio, read after both writes, is the same on both servers.
    after = [server.get(portfolio) for server in (server_a, server_b)]
    assert [page.status for page in after] == [200, 200]
    assert same_page(after[0].text) == same_page(after[1].text)
    # The plan's figures (overview.readmodel) are kept once, in the one Redis both servers share, under the
    # plan's counter as it stands after both writes: no server keeps a copy of its own.
    plan.refresh_from_db()
    kept = redis.Redis.from_url(REDIS_URL).keys(
        f"{key_prefix}:*:plan-figures:*:{plan.pk}:{plan.change_count}:*"
    )
    # One entry per day read (the key carries the day: both reads fall on one day unless they straddle midnight).
    days = [key.split(b":")[-2] for key in kept]
    assert kept and len(days) == len(set(days)), kept
