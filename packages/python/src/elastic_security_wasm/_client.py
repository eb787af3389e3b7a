"""`ElasticSecurity`: the component in a wasmtime store, its four interfaces as
attributes."""

from __future__ import annotations

import importlib.resources
import os
from collections.abc import Mapping
from typing import Any, Optional, Union

import wasmtime
from wasmtime import component

from ._runtime import ElasticSecurityError, lift, lower
from ._types import PACKAGE, VERSION, CaseComments, Cases, CaseTags, Connectors


class ElasticSecurity:
    """The Elastic Security node: the component (the one shipped in this package,
    or `component_path`) instantiated once in its own wasmtime store.

    Each interface of the WIT is an attribute, each function a method with the
    WIT's name in snake_case::

        es = ElasticSecurity()
        conn = Connection(base_url="https://kibana.example:5601",
                          auth=AuthApiKey(os.environ["KIBANA_API_KEY"]))
        case = es.cases.create_case(conn, CreateCaseInput(title="Phishing wave",
                                                          owner=Owner.SECURITY_SOLUTION))

    A failed operation raises `ElasticSecurityError`. The component keeps no state
    between calls, so one instance serves any number of calls, one at a time (a
    wasmtime store is single-threaded: give each thread its own instance).

    `env` is the environment the component sees: the variable an
    `AuthApiKeyEnv(name)` connection names must be in it. Nothing else of the
    process's environment is visible to the component.
    """

    def __init__(
        self,
        component_path: Optional[Union[str, os.PathLike[str]]] = None,
        *,
        env: Optional[Mapping[str, str]] = None,
    ) -> None:
        engine = wasmtime.Engine()
        if component_path is None:
            wasm = importlib.resources.files(__package__).joinpath("elastic_security.wasm")
            self._component = component.Component(engine, wasm.read_bytes())
        else:
            self._component = component.Component.from_file(engine, os.fspath(component_path))
        linker = component.Linker(engine)
        linker.add_wasip2()  # the component imports wasi:io, wasi:clocks and wasi:cli/environment
        linker.add_wasi_http()  # wasi:http/types and wasi:http/outgoing-handler
        self._store = wasmtime.Store(engine)
        wasi = wasmtime.WasiConfig()
        if env:
            wasi.env = list(env.items())
        self._store.set_wasi(wasi)
        self._store.set_wasi_http()
        self._instance = linker.instantiate(self._store, self._component)
        self._funcs: dict[tuple[str, str], component.Func] = {}
        self.cases = Cases(self._call)
        self.case_comments = CaseComments(self._call)
        self.case_tags = CaseTags(self._call)
        self.connectors = Connectors(self._call)

    def _func(self, interface: str, function: str) -> component.Func:
        key = (interface, function)
        if key not in self._funcs:
            store = self._store
            exported = self._instance.get_export_index(store, f"{PACKAGE}/{interface}@{VERSION}")
            index = (
                self._instance.get_export_index(store, function, exported) if exported else None
            )
            func = self._instance.get_func(store, index) if index else None
            if func is None:
                raise LookupError(f"the component exports no `{interface}.{function}`")
            self._funcs[key] = func
        return self._funcs[key]

    def _call(self, interface: str, function: str, ok: Any, *args: Any) -> Any:
        raw = self._func(interface, function)(self._store, *[lower(arg) for arg in args])
        # `result<T, error>` comes back as `T` or the `error` variant itself, unless
        # wasmtime-py must tell the two sides apart with `ok`/`err`.
        if isinstance(raw, component.Variant):
            if raw.tag == "ok":
                raw = raw.payload
            else:
                raise _error(raw.payload if raw.tag == "err" else raw)
        return lift(ok, raw)


def _error(error: component.Variant) -> ElasticSecurityError:
    """The WIT `error` as an exception."""
    if error.tag not in ("permanent", "retryable"):
        # `execution-failed` is a workflow engine's own case: the component never
        # returns it.
        return ElasticSecurityError(0, error.tag, "the component returned `execution-failed`", False)
    info = error.payload
    return ElasticSecurityError(
        getattr(info, "status-code"), info.kind, info.message, error.tag == "retryable"
    )
