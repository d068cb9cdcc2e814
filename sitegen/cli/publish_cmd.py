"""`sitegen publish TARGET`: upload the built site to object storage or a folder."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NoReturn

import click

from sitegen.errors import Problem, SitegenError
from sitegen.publish.localsite import scan_site
from sitegen.publish.plan import Plan
from sitegen.publish.settings import PublishSettings, load_settings
from sitegen.publish.store import StoreOptions, open_store
from sitegen.publish.sync import SyncOptions, SyncResult, execute, prepare


def fail(err: SitegenError) -> NoReturn:
    """Print a SitegenError like compiler output and exit non-zero."""
    click.echo(Problem.from_error(err).render(), err=True)
    raise SystemExit(1)


def store_options(
    settings: PublishSettings,
    endpoint_url: str | None,
    region: str | None,
    profile: str | None,
    jobs: int,
) -> StoreOptions:
    """Command-line options first, then the [publish] table, then the AWS defaults."""
    return StoreOptions(
        endpoint_url=endpoint_url or settings.endpoint_url,
        region=region or settings.region,
        profile=profile or settings.profile,
        connections=jobs + 2,
    )


def s3_options(f: click.decorators.FC) -> click.decorators.FC:
    """--endpoint-url, --region and --profile, shared by publish and archive."""
    f = click.option("--profile", help="AWS profile from ~/.aws (default: AWS_PROFILE).")(f)
    f = click.option("--region", help="Region (default: AWS_REGION / the profile's).")(f)
    return click.option(
        "--endpoint-url",
        metavar="URL",
        help="S3-compatible endpoint (R2, MinIO...); default: AWS, or AWS_ENDPOINT_URL.",
    )(f)


@click.command("publish")
@click.argument("target", required=False)
@click.option(
    "--source",
    type=click.Path(file_okay=False, path_type=Path),
    help="The built site to publish.  [default: output_dir of sitegen.toml, or public/]",
)
@click.option(
    "--dry-run", is_flag=True, help="Print the plan with a reason per object; change nothing."
)
@click.option(
    "--max-deletes",
    type=click.IntRange(min=0),
    metavar="N",
    help="Refuse to delete more than N objects.  [default: 256]",
)
@click.option(
    "--jobs", "-j", type=click.IntRange(min=1), metavar="N", help="Parallel uploads.  [default: 8]"
)
@click.option(
    "--gzip/--no-gzip",
    "compress",
    default=None,
    help="Pre-compress text files (sent with Content-Encoding: gzip; S3 only).",
)
@click.option("--verbose", "-v", is_flag=True, help="Print the plan before uploading.")
@s3_options
@click.pass_obj
def command(
    site_dir: Path,
    target: str | None,
    source: Path | None,
    dry_run: bool,
    max_deletes: int | None,
    jobs: int | None,
    compress: bool | None,
    verbose: bool,
    endpoint_url: str | None,
    region: str | None,
    profile: str | None,
) -> None:
    """Upload the built site to TARGET, changing only what changed.

    TARGET is s3://BUCKET/PREFIX (Amazon S3 or any S3-compatible store with --endpoint-url;
    credentials from AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or --profile) or a folder.
    Default: `target` in the [publish] table of sitegen.toml.

    Uploads go assets first, then pages, the home page, feeds and sitemaps; deletes come last,
    only after every upload succeeded. Running it again after an interruption finishes the job.
    """
    try:
        settings = load_settings(site_dir)
        target = target or settings.resolved_target(site_dir)
        jobs = jobs or settings.jobs
        compress = settings.gzip if compress is None else compress
        store = open_store(target, store_options(settings, endpoint_url, region, profile, jobs))
        if compress and not store.keeps_metadata:
            raise SitegenError(
                "--gzip needs a target that sends Content-Encoding (s3://...)",
                store.name,
                hint="a folder cannot; drop --gzip",
            )
        objects = scan_site(
            source or site_dir / settings.output_dir,
            settings,
            compress=compress,
            feed_index_html=store.keeps_metadata,
        )
        options = SyncOptions(
            keep=settings.keep,
            dry_run=dry_run,
            jobs=jobs,
            max_deletes=(settings.max_deletes if max_deletes is None else max_deletes),
        )
        prepared = prepare(store, objects, options)
        if dry_run or verbose:
            for line in prepared.plan.lines():
                click.echo(line)
        with click.progressbar(
            length=len(prepared.plan.uploads),
            label="Uploading",
            # A progress bar only where a person watches; logs get the summary.
            hidden=dry_run or not prepared.plan.uploads or not sys.stderr.isatty(),
            file=sys.stderr,
        ) as bar:
            result = execute(store, prepared, objects, options, lambda upload: bar.update(1))
    except SitegenError as err:
        fail(err)
    click.echo(summary(store.name, result, dry_run))


def _counts(plan: Plan) -> str:
    reasons = [u.reason for u in plan.uploads]
    parts = [f"{reasons.count(r)} {r}" for r in ("new", "changed", "metadata") if r in reasons]
    return f" ({', '.join(parts)})" if parts else ""


def summary(target: str, result: SyncResult, dry_run: bool) -> str:
    plan = result.plan
    if plan.empty:
        return f"Nothing to upload: all {plan.unchanged} objects on {target} are up to date."
    if dry_run:
        return (
            f"Dry run: would upload {len(plan.uploads)}{_counts(plan)}, delete "
            f"{len(plan.deletes)}, keep {plan.unchanged} unchanged. Nothing was changed."
        )
    return (
        f"Published to {target}: uploaded {result.uploaded}{_counts(plan)}, "
        f"{human_size(result.uploaded_bytes)}; deleted {result.deleted}; "
        f"{plan.unchanged} unchanged."
    )


def human_size(n: int) -> str:
    return (
        f"{n} bytes"
        if n < 1024
        else f"{n / 1024:.1f} KiB"
        if n < 1024**2
        else f"{n / 1024**2:.1f} MiB"
    )
