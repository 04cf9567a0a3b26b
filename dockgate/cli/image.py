"""`dockgate image`: lint built images."""

from __future__ import annotations

import argparse
import sys

from dockgate.api import lint_image
from dockgate.cli.run_options import add_run_options, configuration, finish_run
from dockgate.errors import UsageError

IMAGE_SARIF_CATEGORY = "dockgate/images/"
"""Image findings are uploaded apart from Dockerfile findings (GitHub allows one run per category)."""


def add_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    image = commands.add_parser(
        "image",
        help="lint built images: docker save tars, OCI layouts and archives, docker inspect JSON, registries",
        description="Lint built images. SOURCE is docker-archive:FILE, oci:DIR[:TAG], oci-archive:FILE[:TAG], "
        "inspect:FILE, registry:REF, - (a docker save tar or docker inspect JSON on standard input), "
        "an existing path (its kind is recognised), or an image reference such as ghcr.io/org/app:1.2.",
    )
    image.add_argument("sources", nargs="+", metavar="SOURCE")
    add_run_options(image)
    image.add_argument("--dockerfile", metavar="FILE", help="the Dockerfile the image was built from: findings are placed on its lines")
    image.add_argument("--platform", metavar="OS/ARCH[/VARIANT]", help="which image of a multi-platform index (default: this machine's)")
    image.add_argument("--insecure-registry", action="append", default=[], metavar="HOST[:PORT]", help="talk plain HTTP to this registry")
    image.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    resolver = configuration(args)
    if args.sources.count("-") > 1:
        raise UsageError("standard input can be read only once")
    if any(not source.strip() for source in args.sources):
        raise UsageError("an empty SOURCE; give a file, a directory, an image reference or -")
    result = lint_image(
        args.sources,
        resolver,
        dockerfile=args.dockerfile,
        platform=args.platform,
        insecure_registries=args.insecure_registry,
        stdin=sys.stdin.buffer,
    )
    return finish_run(args, result, checked_noun=("image", "images"), sarif_category=IMAGE_SARIF_CATEGORY)
