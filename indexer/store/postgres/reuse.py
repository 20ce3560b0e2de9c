"""What a new build may take over from the database's current build (see `indexer.store.reuse`)."""

from __future__ import annotations

from typing import Any

from indexer.store.format import IndexLoadError
from indexer.store.postgres import reader
from indexer.store.postgres.builds import Connection, current_build_id
from indexer.store.reuse import PreviousBuild, fill_previous, made_as


def previous_build(
    connection: Connection, fingerprint: dict[str, Any], force: bool
) -> PreviousBuild:
    build_id = current_build_id(connection)
    if build_id is None or force:
        return PreviousBuild()
    try:
        manifest, schema = reader.read_manifest(connection, build_id)
        previous = PreviousBuild(build_id=build_id, tuning=manifest.tuning)
        if made_as(manifest) != fingerprint:
            return previous
        dimension = int(manifest.model.get("dimension", 0))
        chunks = reader.read_vectors(connection, schema, "chunks", dimension)
        fill_previous(
            previous,
            reader.read_documents(connection, schema),
            reader.read_chunks(connection, schema, manifest),
            chunks if len(chunks) else None,
            reader.read_vectors(connection, schema, "sentences", dimension),
            reader.read_records(connection, schema, dimension),
        )
    except (IndexLoadError, KeyError):
        return PreviousBuild()
    return previous
