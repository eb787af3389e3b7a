"""Call the elastic-security WebAssembly component from Python with wasmtime-py.

The component (package `automation:elastic-security`) exports the interfaces
`cases`, `case-comments`, `case-tags` and `connectors`; it imports `wasi:http`
(for its requests to Kibana), `wasi:io` and the monotonic clock. wasmtime-py (50.0.1)
provides them: `component.Linker.add_wasip2()` + `add_wasi_http()`, and
`Store.set_wasi()` + `set_wasi_http()`.

How WIT values map to Python values in wasmtime-py:

* `string` -> `str`, `bool` -> `bool`, `u32`/`s32` -> `int`, `list<T>` -> `list`.
* `enum` -> `str` holding the WIT case name (`"security-solution"`, `"high"`).
* `option<T>` -> `None` or the value itself.
* `record` -> `wasmtime.component.Record`, an object whose attributes are the
  WIT field names (kebab-case: `getattr(r, "case-id")`). `record()` below builds
  one from a `dict`, filling omitted `option` fields with `None` and omitted
  `list` fields with `[]`; `to_plain()` turns one back into a `dict`.
* `variant` / `result` -> `wasmtime.component.Variant(tag, payload)` when the
  Python types of the cases' payloads overlap, otherwise just the payload:
  `auth` (`api-key(string)`, `api-key-env(string)`, `basic(record)`) is a
  `Variant`; the WIT `error` too (`permanent` or `retryable`, each a `Record`);
  a `result<record, error>` is not (a `Record` is not a `Variant`): a call
  returns the `ok` `Record` itself, or the error `Variant`.
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any, Iterator, Mapping, Optional

import wasmtime
from wasmtime import component

HERE = Path(__file__).resolve().parent
DEFAULT_COMPONENT = HERE / "../../target/guest/elastic_security.wasm"
DEFAULT_BIN = HERE / "../../target/debug/elastic-security"

PACKAGE = "automation:elastic-security"
VERSION = "0.2.0"


class ElasticSecurityError(Exception):
    """The `error` of an operation: its `error-info` (status code, kind, message)
    and whether the component marked it `retryable` (else `permanent`)."""

    def __init__(self, status_code: int, kind: str, message: str, retryable: bool = False) -> None:
        super().__init__(f"{kind} ({status_code}): {message}")
        self.status_code = status_code
        self.kind = kind
        self.message = message
        self.retryable = retryable


def component_path() -> Path:
    """`$ELASTIC_SECURITY_COMPONENT`, or the component built by cargo in this repo."""
    return Path(os.environ.get("ELASTIC_SECURITY_COMPONENT") or DEFAULT_COMPONENT)


def simulator_path() -> Path:
    """`$ELASTIC_SECURITY_BIN`, or the native CLI built by cargo in this repo."""
    return Path(os.environ.get("ELASTIC_SECURITY_BIN") or DEFAULT_BIN)


def record(ty: component.RecordType, value: Any) -> Any:
    """Turns a `dict` into a `Record` of the WIT record type `ty`.

    Keys may be the WIT names (`"case-id"`) or their snake_case form
    (`"case_id"`). Omitted `option` fields become `None`, omitted `list` fields
    `[]`; any other omitted field, or an unknown key, raises `ValueError`.
    Nested records (inside records, lists and options) are converted too.
    """
    if not isinstance(value, Mapping):
        return value
    given = {k.replace("_", "-"): v for k, v in value.items()}
    out = component.Record()
    for name, fty in ty.fields:
        if name in given:
            setattr(out, name, _lower(fty, given.pop(name)))
        elif isinstance(fty, component.OptionType):
            setattr(out, name, None)
        elif isinstance(fty, component.ListType):
            setattr(out, name, [])
        else:
            raise ValueError(f"missing field `{name}`")
    if given:
        raise ValueError(f"unknown field(s): {', '.join(sorted(given))}")
    return out


def _lower(ty: Any, value: Any) -> Any:
    if isinstance(ty, component.RecordType):
        return record(ty, value)
    if isinstance(ty, component.ListType) and isinstance(value, list):
        return [_lower(ty.element, v) for v in value]
    if isinstance(ty, component.OptionType) and value is not None:
        return _lower(ty.payload, value)
    if isinstance(ty, component.VariantType) and isinstance(value, component.Variant):
        # `auth::basic`: its record payload may be given as a dict.
        for name, case_ty in ty.cases:
            if name == value.tag and case_ty is not None:
                return component.Variant(value.tag, _lower(case_ty, value.payload))
    return value


def to_plain(value: Any) -> Any:
    """Turns `Record`s into `dict`s (keyed by WIT field names), recursively."""
    if isinstance(value, component.Record):
        return {k: to_plain(v) for k, v in vars(value).items()}
    if isinstance(value, component.Variant):
        return component.Variant(value.tag, to_plain(value.payload))
    if isinstance(value, list):
        return [to_plain(v) for v in value]
    return value


def connection(
    base_url: str,
    api_key: Optional[str] = None,
    username: Optional[str] = None,
    password: Optional[str] = None,
    space_id: Optional[str] = None,
    timeout_ms: Optional[int] = None,
    api_key_env: Optional[str] = None,
) -> dict:
    """The `connection` record as a dict (converted by `ElasticSecurity.call`).
    `api_key_env` names an environment variable of the component's that holds
    the key (see `ElasticSecurity(env=...)`)."""
    auth: Any = None
    if api_key is not None:
        auth = component.Variant("api-key", api_key)
    elif api_key_env is not None:
        auth = component.Variant("api-key-env", api_key_env)
    elif username is not None:
        auth = component.Variant("basic", {"username": username, "password": password or ""})
    return {
        "base-url": base_url,
        "auth": auth,
        "space-id": space_id,
        "timeout-ms": timeout_ms,
    }


class ElasticSecurity:
    """One instance of the component in its own wasmtime store.

    The component keeps no state between calls, so one instance serves any
    number of calls (not concurrently: a wasmtime store is single-threaded).
    """

    def __init__(
        self, wasm_path: Optional[os.PathLike] = None, env: Optional[Mapping[str, str]] = None
    ) -> None:
        """`env`: environment variables the component sees (for `api_key_env`)."""
        path = Path(wasm_path) if wasm_path is not None else component_path()
        if not path.is_file():
            raise FileNotFoundError(
                f"component not found: {path} (build first with `cargo build -p host-test`)"
            )
        self.engine = wasmtime.Engine()
        self.component = component.Component.from_file(self.engine, str(path))
        self.linker = component.Linker(self.engine)
        self.linker.add_wasip2()  # wasi:cli, wasi:io, wasi:clocks, ... (WASI p2)
        self.linker.add_wasi_http()  # wasi:http/types + wasi:http/outgoing-handler
        self.store = wasmtime.Store(self.engine)
        wasi = wasmtime.WasiConfig()
        wasi.inherit_stderr()  # a panic message, if ever, goes to our stderr
        if env:
            wasi.env = list(env.items())
        self.store.set_wasi(wasi)
        self.store.set_wasi_http()
        self.instance = self.linker.instantiate(self.store, self.component)
        self._funcs: dict = {}

    def func(self, interface: str, name: str) -> component.Func:
        """The exported function `name` of `interface` (e.g. `cases`, `create-case`)."""
        key = (interface, name)
        if key not in self._funcs:
            iface = self.instance.get_export_index(
                self.store, f"{PACKAGE}/{interface}@{VERSION}"
            )
            if iface is None:
                raise KeyError(f"no exported interface `{interface}`")
            index = self.instance.get_export_index(self.store, name, iface)
            fn = self.instance.get_func(self.store, index) if index else None
            if fn is None:
                raise KeyError(f"no function `{name}` in `{interface}`")
            self._funcs[key] = fn
        return self._funcs[key]

    def call_raw(self, interface: str, name: str, *args: Any) -> Any:
        """Calls a function; dict arguments are converted to records. Returns what
        wasmtime-py returns for `result<T, error>`: the `ok` value (a `Record` or a
        `list`) or the `error` (a `Variant("permanent" | "retryable", Record)`),
        untouched. (wasmtime-py wraps a result in `Variant("ok" | "err", ...)` only
        when the Python types of its two sides overlap; a record or a list and a
        variant do not.)"""
        fn = self.func(interface, name)
        params = fn.type(self.store).params
        lowered = [_lower(ty, arg) for (_, ty), arg in zip(params, args)]
        return fn(self.store, *lowered)

    def call(self, interface: str, name: str, *args: Any) -> Any:
        """Like `call_raw`, but returns the `ok` value as plain Python values
        and raises `ElasticSecurityError` for the `error`."""
        result = self.call_raw(interface, name, *args)
        if isinstance(result, component.Variant):
            # The WIT `error` variant: `permanent` or `retryable`, each with the
            # `error-info` record. (`execution-failed` is a workflow engine's own
            # case: the component never returns it.)
            if result.tag not in ("permanent", "retryable"):
                raise RuntimeError(f"unexpected error value from the component: {result!r}")
            info = result.payload
            raise ElasticSecurityError(
                getattr(info, "status-code"), info.kind, info.message, result.tag == "retryable"
            )
        return to_plain(result)

    # A few operations with Python signatures; the others through `call`.

    def create_case(self, conn: dict, title: str, owner: str = "security-solution", **fields: Any) -> dict:
        """The `created-case` record: `{"kibana-case": {...}, "created": bool}`
        (`created` is False when `idempotency_key` found the case an earlier call
        made)."""
        return self.call("cases", "create-case", conn, {"title": title, "owner": owner, **fields})

    def get_case(self, conn: dict, case_id: str, include_comments: bool = False) -> dict:
        return self.call("cases", "get-case", conn, {"case-id": case_id, "include-comments": include_comments})

    def get_many_cases(self, conn: dict, **filters: Any) -> dict:
        # `return_all=True` reads every page (100 per request) into one list.
        return self.call("cases", "get-many-cases", conn, {"return_all": False, **filters})

    def get_cases_by_alert(self, conn: dict, alert_id: str, owners: Optional[list] = None) -> list:
        return self.call("cases", "get-cases-by-alert", conn, {"alert-id": alert_id, "owners": owners or []})

    def add_tag(self, conn: dict, case_id: str, tags: list) -> dict:
        return self.call("case-tags", "add-tag", conn, case_id, tags)

    def add_comment(self, conn: dict, case_id: str, comment: str) -> dict:
        return self.call("case-comments", "add-comment", conn, {"case-id": case_id, "comment": comment})


@contextlib.contextmanager
def simulator(binary: Optional[os.PathLike] = None, log_path: Optional[os.PathLike] = None,
              startup_timeout: float = 30.0) -> Iterator[str]:
    """Runs `elastic-security stub` on a free 127.0.0.1 port; yields its URL.

    The stub prints `Kibana simulator listening on http://127.0.0.1:PORT` once
    it accepts connections. Its output goes to `log_path` (default: a temporary
    file, removed afterwards). The stub is stopped when the block ends.
    """
    path = Path(binary) if binary is not None else simulator_path()
    if not path.is_file():
        raise FileNotFoundError(
            f"simulator binary not found: {path} (build first with `cargo build -p host-test`)"
        )
    with contextlib.ExitStack() as stack:
        if log_path is None:
            tmp = Path(stack.enter_context(tempfile.TemporaryDirectory()))
            log_path = tmp / "stub.log"
        log = Path(log_path)
        out = stack.enter_context(open(log, "w"))
        proc = subprocess.Popen(
            [str(path), "stub", "--listen", "127.0.0.1:0"],
            stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        )
        try:
            yield _wait_for_url(proc, log, startup_timeout)
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _wait_for_url(proc: subprocess.Popen, log: Path, timeout: float) -> str:
    pattern = re.compile(r"listening on (http://127\.0\.0\.1:\d+)")
    deadline = time.monotonic() + timeout
    seen = ""
    while time.monotonic() < deadline:
        seen = log.read_text()
        match = pattern.search(seen)
        if match:
            return match.group(1)
        if proc.poll() is not None:
            raise RuntimeError(f"simulator exited with {proc.returncode}: {seen.strip()}")
        time.sleep(0.05)
    raise TimeoutError(f"simulator did not start within {timeout}s: {seen.strip()}")
