"""`sitegen publish TARGET`: upload the built site to object storage or a folder."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NoReturn

import click

from sitegen.errors import Problem, SitegenError
from sitegen.publish.deploy import PublishRequest, plan_publish
from sitegen.publish.sync import SyncResult, execute
from sitegen.publish.uploadplan import Plan


def fail(err: SitegenError) -> NoReturn:
    """Print a SitegenError like compiler output and exit non-zero."""
    click.echo(Problem.from_error(err).render(), err=True)
    raise SystemExit(1)


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
    request = PublishRequest(
        target, source, dry_run, max_deletes, jobs, compress, endpoint_url, region, profile
    )
    try:
        deploy = plan_publish(site_dir, request)
        if deploy.problems.items:
            click.echo(deploy.problems.render(), err=True)
        plan = deploy.prepared.plan
        for line in plan.lines() if dry_run or verbose else []:
            click.echo(line)
        with click.progressbar(
            length=len(plan.uploads),
            label="Uploading",
            # A progress bar only where a person watches; logs get the summary.
            hidden=dry_run or not plan.uploads or not sys.stderr.isatty(),
            file=sys.stderr,
        ) as bar:
            result = execute(
                deploy.store,
                deploy.prepared,
                deploy.objects,
                deploy.options,
                lambda upload: bar.update(1),
            )
    except SitegenError as err:
        fail(err)
    click.echo(summary(deploy.store.name, result, dry_run))


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
