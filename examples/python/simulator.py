"""Runs the Kibana simulator (`elastic-security stub`, the project's native CLI) on a
free 127.0.0.1 port, for the example and its tests."""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Iterator, Optional

HERE = Path(__file__).resolve().parent
DEFAULT_BIN = HERE / "../../target/debug/elastic-security"
API_KEY = "sim-api-key"
"""The simulator's API key (fixed by `elastic-security stub`)."""


def simulator_path() -> Path:
    """`$ELASTIC_SECURITY_BIN`, or the native CLI built by cargo in this repo."""
    return Path(os.environ.get("ELASTIC_SECURITY_BIN") or DEFAULT_BIN)


@contextlib.contextmanager
def simulator(binary: Optional[os.PathLike[str]] = None, log_path: Optional[os.PathLike[str]] = None,
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


def _wait_for_url(proc: subprocess.Popen[bytes], log: Path, timeout: float) -> str:
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
