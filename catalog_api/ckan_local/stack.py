"""A real CKAN 2.12 on this machine, for the CKAN sync's tests and for operators to try it on.

CKAN, its PostgreSQL and its Redis are the real programs; only Apache Solr, which cannot be
installed here, is replaced by the project's stand-in (:mod:`catalog_api.ckan_local.solr_standin`)
unless an operator's ``SOLR_URL`` is given.

Two places, so that bringing a CKAN up is fast after the first time:
- the **cache** (``TDPF_CKAN_CACHE``, default ``/var/cache/tdpf`` for root, else
  ``~/.cache/tdpf``), one folder per CKAN version: CKAN's own venv and a *template* PostgreSQL
  cluster with CKAN's tables and a sysadmin already made. Built once, under a lock, shared by
  every instance;
- the **instance**, under the data directory (``$TDPF_HOME/ckan``): a copy of the template
  cluster, Redis, the stand-in's index, ``ckan.ini``, the logs and ``state.json`` (ports, the PIDs
  of the processes started here, the URL and the sysadmin's API token; mode 0600).

:func:`up` is idempotent: what runs and answers is left alone, what is missing or dead is
(re)started. :func:`down` stops only the processes recorded as started here, by PID, after
checking that each PID still is that process; the data stays for the next ``up``.
PostgreSQL refuses to run as root, so as root its commands run as the ``postgres`` user, and
the instance folder must be reachable by that user (not under a mode-700 home).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

CKAN_VERSION = "2.12.0"
PG_BIN = Path("/usr/lib/postgresql/15/bin")
#: Debian packages CKAN and its servers need (psycopg2 compiles against libpq).
APT_PACKAGES = ("postgresql", "redis-server", "libpq-dev", "libmagic1", "gcc")
SYSADMIN = "admin"
DB = "ckan_default"
START_TIMEOUT = 120.0


class StackError(RuntimeError):
    """A step of bringing CKAN up failed; the message says which and where its log is."""


@dataclass
class State:
    """What ``state.json`` records of an instance: enough to find, reuse and stop it."""

    url: str = ""
    token: str = ""
    solr_url: str = ""
    ports: dict[str, int] = field(default_factory=dict)
    pids: dict[str, int] = field(default_factory=dict)


def cache_dir(version: str = CKAN_VERSION) -> Path:
    """Where a CKAN version's venv and template cluster live, outside every data directory."""
    root = os.environ.get("TDPF_CKAN_CACHE")
    if root:
        base = Path(root)
    elif os.geteuid() == 0:
        base = Path("/var/cache/tdpf")
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "tdpf"
    return base / f"ckan-{version}"


class Stack:
    """One CKAN instance in ``home`` (a folder of its own, usually ``$TDPF_HOME/ckan``)."""

    def __init__(self, home: Path, *, version: str = CKAN_VERSION, solr_url: str | None = None,
                 ckan_port: int | None = None, cache: Path | None = None, log=print) -> None:
        self.home = home.absolute()
        self.version = version
        self.cache = (cache or cache_dir(version)).absolute()
        self.external_solr = solr_url
        self.wanted_port = ckan_port
        self.log = log

    # ------------------------------------------------------------------ paths

    @property
    def venv(self) -> Path:
        return self.cache / "venv"

    @property
    def ckan_bin(self) -> Path:
        return self.venv / "bin" / "ckan"

    @property
    def template(self) -> Path:
        return self.cache / "template"

    @property
    def ini(self) -> Path:
        return self.home / "ckan.ini"

    @property
    def pg_data(self) -> Path:
        return self.home / "pg"

    @property
    def run_dir(self) -> Path:
        return self.home / "run"

    @property
    def logs(self) -> Path:
        return self.home / "logs"

    @property
    def state_file(self) -> Path:
        return self.home / "state.json"

    # ------------------------------------------------------------------ state

    def state(self) -> State:
        try:
            return State(**json.loads(self.state_file.read_text(encoding="utf-8")))
        except FileNotFoundError:
            return State()

    def _save(self, state: State) -> None:
        self.home.mkdir(parents=True, exist_ok=True)
        temporary = self.state_file.with_suffix(".tmp")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(asdict(state), out, indent=2)
        os.replace(temporary, self.state_file)

    # ------------------------------------------------------------------ up / down

    def up(self) -> State:
        """Bring every part up that is not already running, and return where CKAN answers."""
        ensure_system_packages()
        self.ensure_venv()
        self.ensure_template()
        self.home.mkdir(parents=True, exist_ok=True)
        self.logs.mkdir(exist_ok=True)
        state = self.state()
        fresh_db = not self.pg_data.exists()
        if fresh_db:
            self.log(f"ckan: new instance in {self.home} (a copy of the template database)")
            _run(["cp", "-a", str(self.template / "pg"), str(self.pg_data)], "copying the template cluster")
            state.token = ""
        ports = self._ports(state)
        state.ports = ports
        state.pids["postgres"] = self._start_postgres(ports["postgres"])
        state.pids["redis"] = self._start_redis(ports["redis"], state.pids.get("redis"))
        if self.external_solr:
            state.solr_url = self.external_solr.rstrip("/")
            state.pids.pop("solr", None)
        else:
            state.pids["solr"] = self._start_solr(ports["solr"], state.pids.get("solr"))
            state.solr_url = f"http://127.0.0.1:{ports['solr']}/solr/ckan"
        state.url = f"http://127.0.0.1:{ports['ckan']}"
        new_ini = not self.ini.exists()  # a new ini has a new secret, which no earlier token was signed with
        if self._configure(state):
            _stop_pid(state.pids.pop("ckan", 0), "ckan")  # a changed ckan.ini needs a new process
        if new_ini:
            state.token = ""
        self._save(state)
        state.pids["ckan"] = self._start_ckan(state)
        if not state.token:
            state.token = self._new_token()
        self._save(state)
        return state

    def down(self) -> list[str]:
        """Stop the processes this instance started (CKAN first, PostgreSQL last); say which."""
        state = self.state()
        stopped = []
        for name in ("ckan", "solr", "redis"):
            pid = state.pids.pop(name, 0)
            if _stop_pid(pid, _EXPECTED[name]):
                stopped.append(f"{name} (pid {pid})")
        if state.pids.pop("postgres", 0) and self._postgres_pid():
            self._as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(self.pg_data), "-m", "fast", "-w", "stop"],
                              "stopping PostgreSQL")
            stopped.append("postgres")
        if self.state_file.exists():
            self._save(state)
        return stopped

    def stop_ckan(self) -> None:
        """Stop CKAN alone (its database, Redis and Solr keep running), as a crash would leave it."""
        state = self.state()
        pid = state.pids.pop("ckan", 0)
        if pid:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            _wait_gone(pid, 10)
        self._save(state)

    # ------------------------------------------------------------------ cache

    def ensure_venv(self) -> None:
        """CKAN's venv, apart from the project's (CKAN pins its own Flask, SQLAlchemy …)."""
        stamp = self.venv / ".installed"
        if stamp.exists():
            return
        with _locked(self.cache):
            if stamp.exists():
                return
            self.log(f"ckan: installing CKAN {self.version} into {self.venv} (once per version; ~40 s)")
            shutil.rmtree(self.venv, ignore_errors=True)
            log = self.cache / "install.log"
            _run([sys.executable, "-m", "venv", str(self.venv)], "creating CKAN's venv", log)
            # plain `ckan==…` installs none of CKAN's dependencies: its wheel lists them under an extra
            _run([str(self.venv / "bin" / "pip"), "install", "--disable-pip-version-check", "--progress-bar", "off",
                  f"ckan[requirements]=={self.version}"], "installing CKAN", log)
            stamp.touch()

    def solr_schema(self) -> Path:
        """CKAN's own ``schema.xml``, which CKAN checks Solr against at start (the stand-in serves it)."""
        schema = next(self.venv.glob("lib/python*/site-packages/ckan/config/solr/schema.xml"), None)
        if schema is None:
            raise StackError(f"CKAN's Solr schema is missing from {self.venv}: delete that folder to reinstall")
        return schema

    def ensure_template(self) -> None:
        """A cluster with CKAN's tables and a sysadmin, made once: each instance starts from a copy."""
        if (self.template / "ready").exists():
            return
        with _locked(self.cache):
            if (self.template / "ready").exists():
                return
            self.log(f"ckan: making the template database in {self.template} (once per version)")
            building = self.cache / "template.building"
            shutil.rmtree(building, ignore_errors=True)
            building.mkdir(parents=True)
            os.chmod(building, 0o755)
            scratch = Stack(building, version=self.version, cache=self.cache, log=self.log,
                            solr_url="http://127.0.0.1:9/solr/ckan")  # `db init` needs no search
            _init_cluster(scratch)
            port = free_port()
            scratch._start_postgres(port)
            try:
                scratch._psql(port, f"CREATE ROLE {DB} LOGIN PASSWORD '{DB}'")
                scratch._psql(port, f"CREATE DATABASE {DB} OWNER {DB} ENCODING 'UTF8' TEMPLATE template0")
                state = State(url="http://127.0.0.1:5000", solr_url=scratch.external_solr or "",
                              ports={"postgres": port, "redis": 6379, "ckan": 5000})
                scratch._configure(state)
                scratch._ckan(["db", "init"], "creating CKAN's tables")
                scratch._ckan(["user", "add", SYSADMIN, f"email={SYSADMIN}@localhost",
                               f"password={secrets.token_urlsafe(16)}"], "adding the sysadmin")
                scratch._ckan(["sysadmin", "add", SYSADMIN], "making the user a sysadmin")
            finally:
                scratch._as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(scratch.pg_data), "-m", "fast", "-w",
                                      "stop"], "stopping the template's PostgreSQL")
            shutil.rmtree(self.template, ignore_errors=True)
            (building / "pg" / "postmaster.pid").unlink(missing_ok=True)
            self.template.mkdir(parents=True)
            os.rename(building / "pg", self.template / "pg")
            shutil.rmtree(building, ignore_errors=True)
            (self.template / "ready").touch()

    # ------------------------------------------------------------------ servers

    def _ports(self, state: State) -> dict[str, int]:
        """The ports recorded last time while they are still ours or free; new free ones otherwise."""
        ports = {}
        for name in ("postgres", "redis", "solr", "ckan"):
            known = state.ports.get(name)
            running = _alive(state.pids.get(name, 0), _EXPECTED[name])
            if name == "ckan" and self.wanted_port:
                ports[name] = self.wanted_port
            elif known and (running or port_is_free(known)):
                ports[name] = known
            else:
                ports[name] = free_port()
        return ports

    def _postgres_pid(self) -> int:
        try:
            pid = int((self.pg_data / "postmaster.pid").read_text().split()[0])
        except (FileNotFoundError, ValueError, IndexError):
            return 0
        return pid if _alive(pid, "postgres") else 0

    def _start_postgres(self, port: int) -> int:
        pid = self._postgres_pid()
        if pid:
            return pid
        self.run_dir.mkdir(parents=True, exist_ok=True)
        self.logs.mkdir(parents=True, exist_ok=True)
        _give_to_postgres(self.run_dir)
        log = self.logs / "postgres.log"
        log.touch()
        _give_to_postgres(log)
        self._as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(self.pg_data), "-l", str(log), "-w", "-o",
                           f"-p {port} -k {self.run_dir} -c listen_addresses=127.0.0.1 -c fsync=off",
                           "start"], f"starting PostgreSQL (its log: {log})")
        return self._postgres_pid()

    def _start_redis(self, port: int, known: int | None) -> int:
        if known and _alive(known, "redis-server"):
            return known
        pidfile = self.run_dir / "redis.pid"
        pidfile.unlink(missing_ok=True)
        _run(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
              "--daemonize", "yes", "--pidfile", str(pidfile), "--dir", str(self.run_dir),
              "--logfile", str(self.logs / "redis.log")], "starting Redis")
        _wait_for(lambda: pidfile.exists() and pidfile.read_text().strip(), 10, "Redis's pid file")
        return int(pidfile.read_text().strip())

    def _start_solr(self, port: int, known: int | None) -> int:
        if known and _alive(known, "solr_standin"):
            return known
        schema = self.solr_schema()
        process = _spawn([sys.executable, "-m", "catalog_api.ckan_local.solr_standin", "--host", "127.0.0.1",
                          "--port", str(port), "--schema", str(schema), "--store", str(self.home / "solr-index.json")],
                         self.logs / "solr.log")
        _wait_for(lambda: _answers(f"http://127.0.0.1:{port}/solr/ckan/admin/ping"), 15,
                  f"the Solr stand-in on port {port} (its log: {self.logs / 'solr.log'})", process)
        return process.pid

    def _configure(self, state: State) -> bool:
        """Write ckan.ini for these ports; True when it changed (CKAN must then restart)."""
        settings = {
            "sqlalchemy.url": f"postgresql://{DB}:{DB}@127.0.0.1:{state.ports['postgres']}/{DB}",
            "ckan.site_url": state.url,
            "ckan.site_id": "default",
            "solr_url": state.solr_url,
            "solr_timeout": "10",
            "ckan.redis.url": f"redis://127.0.0.1:{state.ports['redis']}/0",
            "ckan.storage_path": str(self.home / "storage"),
        }
        recorded = self.home / "ckan.settings.json"
        if self.ini.exists() and recorded.exists() and json.loads(recorded.read_text()) == settings:
            return False
        if not self.ini.exists():
            self._ckan_plain(["generate", "config", str(self.ini)], "generating ckan.ini")
        (self.home / "storage").mkdir(exist_ok=True)
        self._ckan_plain(["config-tool", str(self.ini), *(f"{k}={v}" for k, v in settings.items())],
                         "writing ckan.ini's settings")
        recorded.write_text(json.dumps(settings, indent=2), encoding="utf-8")
        return True

    def _start_ckan(self, state: State) -> int:
        known = state.pids.get("ckan", 0)
        if known and _alive(known, "ckan") and _answers(state.url + "/api/3/action/status_show"):
            return known
        _stop_pid(known, "ckan")
        log = self.logs / "ckan.log"
        # --disable-reloader: without it `ckan run` forks, and the PID held would not be the server's
        process = _spawn([str(self.ckan_bin), "-c", str(self.ini), "run", "--host", "127.0.0.1",
                          "--port", str(state.ports["ckan"]), "--disable-reloader", "--threaded"], log)
        _wait_for(lambda: _answers(state.url + "/api/3/action/status_show"), START_TIMEOUT,
                  f"CKAN on {state.url} (its log: {log})", process)
        return process.pid

    def start_ckan(self) -> State:
        """Start CKAN again after :meth:`stop_ckan` (everything else is left as it runs)."""
        state = self.state()
        state.pids["ckan"] = self._start_ckan(state)
        self._save(state)
        return state

    def _new_token(self) -> str:
        out = self._ckan(["user", "token", "add", "-q", SYSADMIN, "tdpf-sync"], "making an API token")
        token = out.strip().splitlines()[-1].strip()
        if not token:
            raise StackError("`ckan user token add` printed no token")
        return token

    # ------------------------------------------------------------------ commands

    def _ckan_plain(self, args: Sequence[str], what: str) -> str:
        return _run([str(self.ckan_bin), *args], what, self.logs / "ckan-cli.log", capture=True)

    def _ckan(self, args: Sequence[str], what: str) -> str:
        return self._ckan_plain(["-c", str(self.ini), *args], what)

    def _psql(self, port: int, sql: str) -> None:
        self._as_postgres([str(PG_BIN / "psql"), "-h", str(self.run_dir), "-p", str(port), "-U", "postgres",
                           "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-c", sql], f"psql: {sql.split(' ')[0:2]}")

    def _as_postgres(self, args: Sequence[str], what: str) -> str:
        """Run a PostgreSQL program as the ``postgres`` user when we are root (it refuses root)."""
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        return _run([*prefix, *args], what, self.logs / "postgres-cli.log")


def _init_cluster(stack: Stack) -> None:
    stack.logs.mkdir(parents=True, exist_ok=True)
    stack.pg_data.mkdir(parents=True)
    _give_to_postgres(stack.home)
    _give_to_postgres(stack.pg_data)
    os.chmod(stack.pg_data, 0o700)
    stack._as_postgres([str(PG_BIN / "initdb"), "-D", str(stack.pg_data), "-U", "postgres", "--auth=trust",
                        "-E", "UTF8", "--locale=C.UTF-8"], "initdb")


def _give_to_postgres(path: Path) -> None:
    if os.geteuid() == 0:
        shutil.chown(path, "postgres", "postgres")


# ---------------------------------------------------------------------- system


def ensure_system_packages() -> None:
    """Install the Debian packages CKAN and its servers need, once (as root, or through sudo)."""
    missing = [p for p in APT_PACKAGES if not _dpkg_installed(p)]
    if not missing:
        return
    as_root = [] if os.geteuid() == 0 else (["sudo"] if shutil.which("sudo") else None)
    if as_root is None:
        raise StackError(f"missing Debian packages {' '.join(missing)}, and this user cannot install them: "
                         f"apt-get install {' '.join(missing)} as root")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    print(f"ckan: installing {' '.join(missing)} (apt-get; once)", file=sys.stderr)
    for args in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", *missing]):
        done = subprocess.run([*as_root, *args], capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL)
        if done.returncode:
            raise StackError(f"{' '.join(args)} failed: {done.stderr.strip()[-2000:]}")


def _dpkg_installed(package: str) -> bool:
    done = subprocess.run(["dpkg-query", "-W", "-f=${Status}", package], capture_output=True, text=True)
    return done.returncode == 0 and "install ok installed" in done.stdout


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def port_is_free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


#: What each recorded PID's command line must contain to still be the process we started.
_EXPECTED = {"ckan": "ckan", "solr": "solr_standin", "redis": "redis-server", "postgres": "postgres"}


def _alive(pid: int, expected: str) -> bool:
    """The PID runs and is the program we started (a PID can be reused by another process)."""
    if not pid:
        return False
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        status = Path(f"/proc/{pid}/status").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return False
    if "\nState:\tZ" in status:
        return False
    return expected in cmdline


def _stop_pid(pid: int, expected: str, timeout: float = 15) -> bool:
    """SIGTERM, then SIGKILL after ``timeout``; only when the PID still is the process we started."""
    if not _alive(pid, expected):
        return False
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    if not _wait_gone(pid, timeout):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        _wait_gone(pid, 5)
    return True


def _wait_gone(pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)  # reap it when it is our child
        if not _alive(pid, ""):
            return True
        time.sleep(0.05)
    return False


def _spawn(args: Sequence[str], log: Path) -> subprocess.Popen[bytes]:
    """A server in its own session, detached from our terminal and pipes (so CI steps do not hang)."""
    with open(log, "ab") as out:
        return subprocess.Popen(list(args), stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True, cwd=log.parent)


def _run(args: Sequence[str], what: str, log: Path | None = None, capture: bool = False) -> str:
    done = subprocess.run(list(args), capture_output=True, text=True, stdin=subprocess.DEVNULL)
    if log is not None:
        log.parent.mkdir(parents=True, exist_ok=True)
        with open(log, "a", encoding="utf-8") as out:
            out.write(f"$ {args[0]} {args[1] if len(args) > 1 else ''} …\n{_redact(done.stderr)}\n")
    if done.returncode:
        tail = "\n".join((done.stderr or done.stdout).strip().splitlines()[-15:])
        raise StackError(f"{what} failed (exit {done.returncode}): {tail}")
    return done.stdout if capture else ""


def _redact(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if "token" not in line.lower())


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError, ValueError):
        return False


def _wait_for(ready, timeout: float, what: str, process: subprocess.Popen[bytes] | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if ready():
            return
        if process is not None and process.poll() is not None:
            raise StackError(f"{what} exited with status {process.returncode} before answering")
        time.sleep(0.2)
    raise StackError(f"{what} did not answer within {timeout:.0f} s")


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """One builder of the cache at a time (two test workers, or a test and `make ckan-up`)."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
