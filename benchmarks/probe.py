"""Time and peak memory per stage of a run, by wrapping library functions (benchmarks only).

    from probe import Probe
    probe = Probe()
    probe.wrap(udsatte_nlp.themes.model.ThemeModel, "fit", "themes: fit")
    ... run ...
    probe.report()

Each wrapped call is a stage: its wall seconds and the process's peak resident memory
(RSS) while it ran. On Linux the peak is reset at every stage boundary
(``/proc/self/clear_refs``), so a stage's figure is its own peak, not the run's so far;
stages nest (a stage's peak includes its children's). Elsewhere the figure is the
process's peak so far (``ru_maxrss``).
"""

from __future__ import annotations

import functools
import resource
import time
from typing import Any

_CLEAR = "/proc/self/clear_refs"


def _status_mib(field: str) -> float:
    """A memory line of ``/proc/self/status`` in MiB; the peak so far where there is none."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mib() -> float:
    """The process's resident memory now."""
    return _status_mib("VmRSS")


def hwm_mib() -> float:
    """The peak resident memory since the last reset (``VmHWM``), else since the start."""
    return _status_mib("VmHWM")


def reset_hwm() -> bool:
    try:
        with open(_CLEAR, "w") as fh:
            fh.write("5")
        return True
    except OSError:
        return False


class Probe:
    def __init__(self) -> None:
        self.stages: list[dict[str, Any]] = []
        self._stack: list[dict[str, Any]] = []
        self.run_peak = 0.0
        self._started = 0
        reset_hwm()

    def _enter(self, name: str) -> dict[str, Any]:
        peak = hwm_mib()
        self.run_peak = max(self.run_peak, peak)
        if self._stack:
            self._stack[-1]["peak"] = max(self._stack[-1]["peak"], peak)
        reset_hwm()
        self._started += 1
        path = (*(r["stage"] for r in self._stack), name)
        rec = {"stage": name, "depth": len(self._stack), "path": path, "order": self._started, "t0": time.perf_counter(),
               "c0": time.process_time(), "peak": 0.0, "rss_before": rss_mib(), "calls": 1}
        self._stack.append(rec)
        return rec

    def _exit(self, rec: dict[str, Any]) -> None:
        rec["s"] = time.perf_counter() - rec.pop("t0")
        rec["cpu"] = time.process_time() - rec.pop("c0")
        rec["peak"] = max(rec["peak"], hwm_mib())
        rec["rss_after"] = rss_mib()
        self.run_peak = max(self.run_peak, rec["peak"])
        self._stack.pop()
        if self._stack:
            self._stack[-1]["peak"] = max(self._stack[-1]["peak"], rec["peak"])
        reset_hwm()
        self.stages.append(rec)

    def stage(self, name: str) -> Any:
        probe = self

        class _Ctx:
            def __enter__(self) -> None:
                self.rec = probe._enter(name)

            def __exit__(self, *exc: object) -> None:
                probe._exit(self.rec)

        return _Ctx()

    def wrap(self, owner: Any, attr: str, name: str) -> None:
        """Make every call of ``owner.attr`` a stage called ``name``."""
        inner = getattr(owner, attr)
        is_static = isinstance(owner, type) and isinstance(owner.__dict__.get(attr), staticmethod)

        @functools.wraps(inner)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with self.stage(name):
                return inner(*args, **kwargs)

        setattr(owner, attr, staticmethod(wrapper) if is_static else wrapper)

    def merged(self) -> list[dict[str, Any]]:
        """Stages in the order they first started, repeated calls of a stage summed."""
        out: dict[tuple[str, ...], dict[str, Any]] = {}
        for rec in sorted(self.stages, key=lambda r: r["order"]):
            key = rec["path"]
            if key in out:
                o = out[key]
                o["s"] += rec["s"]
                o["cpu"] += rec["cpu"]
                o["peak"] = max(o["peak"], rec["peak"])
                o["calls"] += 1
                o["rss_after"] = rec["rss_after"]
            else:
                out[key] = dict(rec)
        return list(out.values())
