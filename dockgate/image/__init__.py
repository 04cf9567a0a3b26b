"""Built images: from wherever an image lives to the model the image rules check.

The path of the data: `sources.open_image` recognises the input (docker
archive, OCI layout or archive, `docker inspect` JSON, registry) and hands it
to the reader for that kind (`docker_archive`, `layout`, `inspect`,
`registry`), each of which resolves manifest -> config -> ordered layers into
one `image.Image` (the objects themselves are the pydantic models in
`models`). Layer contents are streamed once by `layers` into the per-layer
file metadata of `filesystem`, which the layer rules read; `history` turns
the config's history into Dockerfile instructions, and `attribution` matches
them to a Dockerfile given on the command line.
"""
