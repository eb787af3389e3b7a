"""Values between the typed API (`_types.py`, generated from the WIT) and
wasmtime-py's component values: dataclasses become `Record`s with the WIT's field
names, `str` enums their names, variant cases `Variant`s, and back, led by the
dataclasses' annotations."""

from __future__ import annotations

import dataclasses
import enum
import functools
import types
import typing
from typing import Any, Protocol, Union

from wasmtime import component


class ElasticSecurityError(Exception):
    """An operation's error: the WIT `error`, `permanent` or `retryable`, with its
    `error-info`.

    `retryable` is the component's verdict: `True` only when the request cannot
    have reached Kibana, or the operation is safe to repeat (see the README's
    "Errors")."""

    def __init__(self, status_code: int, kind: str, message: str, retryable: bool) -> None:
        super().__init__(f"{kind} ({status_code}): {message}")
        self.status_code = status_code
        """Kibana's HTTP status; -1 for invalid input (nothing was sent), 0 when
        Kibana gave no answer."""
        self.kind = kind
        """The WIT `error-kind`, e.g. `"not-found"` (compare with `ErrorKind`)."""
        self.message = message
        """What went wrong; never holds a credential."""
        self.retryable = retryable


class Caller(Protocol):
    """Calls one exported function: `(interface, function, ok type, *arguments)`."""

    def __call__(self, interface: str, function: str, ok: Any, *args: Any) -> Any: ...


def wit_name(python_name: str) -> str:
    """`case_id` -> `case-id` (`from_` -> `from`)."""
    return python_name.rstrip("_").replace("_", "-")


def lower(value: Any) -> Any:
    """A value of the typed API as wasmtime-py takes it."""
    if isinstance(value, enum.Enum):
        return value.value
    case = getattr(type(value), "WIT_CASE", None)
    if case is not None:  # a variant's case
        return component.Variant(case, lower(getattr(value, "value", None)))
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        record = component.Record()
        for field in dataclasses.fields(value):
            setattr(record, wit_name(field.name), lower(getattr(value, field.name)))
        return record
    if isinstance(value, list):
        return [lower(item) for item in value]
    return value


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    """A generated class's annotations, evaluated once (they are strings)."""
    return typing.get_type_hints(cls)


def lift(hint: Any, value: Any) -> Any:
    """A value wasmtime-py returned, as the type `hint` of the typed API."""
    origin = typing.get_origin(hint)
    if origin is Union or origin is types.UnionType:
        # Optional[T], a variant (a Union of its cases), or an optional variant.
        members = [m for m in typing.get_args(hint) if m is not type(None)]
        if value is None:
            return None
        if len(members) == 1:
            return lift(members[0], value)
        for member in members:  # the case whose WIT name is the value's tag
            if getattr(member, "WIT_CASE", None) == value.tag:
                payload = _hints(member).get("value")
                return member(lift(payload, value.payload)) if payload else member()
        raise TypeError(f"no case `{value.tag}` in {hint}")
    if origin is list:
        (item,) = typing.get_args(hint)
        return [lift(item, v) for v in value]
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return hint(value)
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        hints = _hints(hint)
        return hint(
            **{
                field.name: lift(hints[field.name], getattr(value, wit_name(field.name)))
                for field in dataclasses.fields(hint)
            }
        )
    return value
