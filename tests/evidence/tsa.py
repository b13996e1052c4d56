"""A real RFC 3161 time-stamp authority on 127.0.0.1 for tests: ``openssl ts -reply`` behind a small
HTTP handler answering ``application/timestamp-query``. The CA and the TSA certificate are made
with openssl here. The reply embeds only the signer certificate (no ``-chain``: rfc3161-client
cannot parse a reply that carries the CA chain)."""

from __future__ import annotations

import subprocess
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

_TS_CNF = """
[ tsa ]
default_tsa = tsa_config1

[ tsa_config1 ]
dir = {dir}
serial = $dir/serial
crypto_device = builtin
signer_cert = $dir/tsa.pem
signer_key = $dir/tsa.key
signer_digest = sha256
default_policy = 1.2.3.4.1
other_policies = 1.2.3.4.5.6
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = yes
tsa_name = no
ess_cert_id_chain = no
ess_cert_id_alg = sha256
"""

_EXT = """
[ tsa_ext ]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature, nonRepudiation
extendedKeyUsage = critical, timeStamping
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid, issuer
[ ca_ext ]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
"""


def _run(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


def make_pki(folder: Path, name: str = "Test") -> Path:
    """A root CA and a TSA certificate signed by it, in ``folder`` (ca.pem, tsa.pem, tsa.key, ts.cnf)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "ext.cnf").write_text(_EXT)
    (folder / "ts.cnf").write_text(_TS_CNF.format(dir=folder))
    (folder / "serial").write_text("01\n")
    _run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "30",
         "-subj", f"/CN={name} Root CA/O=storewatch tests", "-extensions", "ca_ext", "-config", "ext.cnf",
         cwd=folder)
    _run("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "tsa.key", "-out", "tsa.csr",
         "-subj", f"/CN={name} TSA/O=storewatch tests", cwd=folder)
    _run("x509", "-req", "-in", "tsa.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "tsa.pem",
         "-days", "30", "-extfile", "ext.cnf", "-extensions", "tsa_ext", cwd=folder)
    return folder


@dataclass
class Tsa:
    url: str
    folder: Path
    requests: list[bytes]
    down: threading.Event

    @property
    def ca_file(self) -> Path:
        return self.folder / "ca.pem"


@contextmanager
def running_tsa(folder: Path | None = None) -> Iterator[Tsa]:
    tmp = None
    if folder is None:
        tmp = tempfile.TemporaryDirectory()
        folder = Path(tmp.name)
    make_pki(folder)
    requests: list[bytes] = []
    down = threading.Event()
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            if down.is_set():
                self.send_response(503)
                self.end_headers()
                return
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            if self.headers.get("Content-Type") != "application/timestamp-query":
                self.send_response(415)
                self.end_headers()
                return
            requests.append(body)
            with lock, tempfile.TemporaryDirectory() as work:
                q, r = Path(work) / "q.tsq", Path(work) / "r.tsr"
                q.write_bytes(body)
                proc = subprocess.run(["openssl", "ts", "-reply", "-config", str(folder / "ts.cnf"),
                                       "-queryfile", str(q), "-out", str(r)], capture_output=True)
                reply = r.read_bytes() if proc.returncode == 0 and r.exists() else b""
            self.send_response(200 if reply else 400)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, *_a: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Tsa(f"http://127.0.0.1:{server.server_address[1]}/tsa", folder, requests, down)
    finally:
        server.shutdown()
        server.server_close()
        if tmp is not None:
            tmp.cleanup()
