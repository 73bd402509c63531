"""Liveness endpoint, used by process supervisors and by the tests' server helper."""

from __future__ import annotations

from fastapi import APIRouter

from catalog_api.deps import StoreDep
from catalog_api.schemas import Health

router = APIRouter(tags=["health"])


@router.get("/healthz", operation_id="healthz", name="healthz", response_model=Health)
def healthz(store: StoreDep) -> Health:
    """Report that the server is up and how many datasets it can see.

    Reading the index here (rather than answering a constant) means a broken or unreadable
    release directory shows up as a failing health check, not as a healthy server with errors.
    """
    return Health(datasets=len(store.list_current()))
