"""The ``ckan_sync`` asset: after the releases, mirror the catalogue into a CKAN portal.

Configured by :class:`CkanSyncResource`, which names the environment variables to read at run
time (``CKAN_URL``, ``CKAN_API_TOKEN``, ``TDPF_PUBLIC_URL``) rather than holding their values:
Dagster shows a resource's configuration in its UI, and the token must never appear there.
Without ``CKAN_URL`` the asset is skipped with a message saying so. It runs in its own job after
the publish run, even when that run failed (a held-back dataset): it mirrors what *is* published,
so one failing dataset never keeps the others out of the portal.
"""


import os

import dagster as dg

from catalog_api.ckan_sync_run import NotConfigured, SyncSettings, save_report, sync
from catalog_api.release_store import ReleaseStore
from pipelines.defs.jobs import CKAN_SYNC_KEY, PUBLISH_GROUP
from pipelines.defs.resources import OWNER, TdpfHome
from pipelines.fingerprints import code_version

CODE_VERSION = code_version("pipelines/defs/ckan.py", "catalog_api/ckan_sync.py", "catalog_api/ckan_sync_run.py",
                            "catalog_api/ckan_portal.py")


class CkanSyncResource(dg.ConfigurableResource):
    """Where the sync writes: the *names* of the environment variables holding the portal's URL and token."""

    url_variable: str = "CKAN_URL"
    token_variable: str = "CKAN_API_TOKEN"
    public_url_variable: str = "TDPF_PUBLIC_URL"

    def settings(self) -> SyncSettings | None:
        """The sync's settings now (None: no CKAN configured); :class:`NotConfigured` names what is wrong."""
        env = {"CKAN_URL": os.environ.get(self.url_variable, ""),
               "CKAN_API_TOKEN": os.environ.get(self.token_variable, ""),
               "TDPF_PUBLIC_URL": os.environ.get(self.public_url_variable, "") or os.environ.get("TDPF_BASE_URL", ""),
               **{k: v for k, v in os.environ.items() if k in ("TDPF_PLATFORM_ID", "TDPF_CKAN_RETRIES")}}
        return SyncSettings.from_env(env)


def build_ckan_sync_asset(release_keys: list[dg.AssetKey]) -> dg.AssetsDefinition:
    """The sync, downstream of every release."""

    @dg.asset(
        key=CKAN_SYNC_KEY,
        deps=release_keys,
        group_name=PUBLISH_GROUP,
        code_version=CODE_VERSION,
        kinds={"ckan"},
        owners=[OWNER],
        description="CKANポータルへの同期 — mirrors every current release into the CKAN portal at CKAN_URL "
        "(create, update, retire our own packages only; conflicts reported). Skipped when CKAN_URL is not set.",
    )
    def ckan_sync(context: dg.AssetExecutionContext, tdpf: TdpfHome, ckan: CkanSyncResource) -> dg.MaterializeResult:
        try:
            settings = ckan.settings()
        except NotConfigured as exc:
            raise dg.Failure(description=f"CKAN sync not configured: {exc}", allow_retries=False) from None
        if settings is None:
            context.log.info(f"CKAN sync skipped: {ckan.url_variable} is not set (see README, CKAN sync)")
            return dg.MaterializeResult(metadata={"status": "skipped", "reason": f"{ckan.url_variable} is not set"})
        home = tdpf.home
        report = sync(ReleaseStore(home.releases), settings,
                      on_wait=lambda action, wait, error: context.log.warning(f"CKAN: {error}; trying again in {wait:.1f} s"))
        path = save_report(report, home.ckan_sync_reports)
        context.log.info(report.summary())
        for line in report.problems():
            context.log.error(line)
        metadata = {"status": "synced" if report.ok else "failed", "ckan_url": settings.ckan_url,
                    "report": dg.MetadataValue.path(str(path)), "seconds": round(report.seconds, 2),
                    **{k: dg.MetadataValue.int(v) for k, v in report.counts().items()}}
        if not report.ok:
            raise dg.Failure(description=report.summary() + "\n" + "\n".join(report.problems()), metadata=metadata,
                             allow_retries=False)
        return dg.MaterializeResult(metadata=metadata)

    return ckan_sync

