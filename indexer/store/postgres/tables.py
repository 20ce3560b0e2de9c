"""The tables of one build's schema."""

from __future__ import annotations

FILTER_COLUMNS = (
    "district TEXT NOT NULL, year INTEGER NOT NULL, doc_type TEXT NOT NULL, unit TEXT NOT NULL, "
    "goals TEXT[] NOT NULL"
)
"""Folded as the directory store's filters fold them (`indexer.structure.metadata.fold`)."""


def build_tables(schema: str, dimension: int) -> str:
    """CREATE statements for a build's tables (`schema` is a checked identifier)."""
    return f"""
CREATE SCHEMA {schema};
CREATE TABLE {schema}.documents (
    doc_id TEXT PRIMARY KEY, name TEXT NOT NULL, sha256 TEXT NOT NULL, data JSONB NOT NULL
);
CREATE TABLE {schema}.chunks (
    row_id INTEGER PRIMARY KEY, doc_id TEXT NOT NULL REFERENCES {schema}.documents(doc_id),
    content_hash TEXT NOT NULL, data JSONB NOT NULL, embedding vector({dimension}) NOT NULL,
    {FILTER_COLUMNS}
);
CREATE TABLE {schema}.sentences (
    row_id INTEGER PRIMARY KEY, chunk_row INTEGER NOT NULL,
    embedding vector({dimension}) NOT NULL, {FILTER_COLUMNS}
);
CREATE TABLE {schema}.records (
    row_id INTEGER PRIMARY KEY, doc_id TEXT NOT NULL, kind TEXT NOT NULL, data JSONB NOT NULL,
    embedding vector({dimension}) NOT NULL
);
CREATE TABLE {schema}.lexical (name TEXT PRIMARY KEY, data BYTEA NOT NULL);
"""


def vector_indexes(schema: str) -> str:
    """HNSW indexes for inner product (the vectors are normalised), and the row lookups."""
    return f"""
CREATE INDEX ON {schema}.chunks USING hnsw (embedding vector_ip_ops);
CREATE INDEX ON {schema}.sentences USING hnsw (embedding vector_ip_ops);
CREATE INDEX ON {schema}.sentences (chunk_row);
ANALYZE {schema}.chunks;
ANALYZE {schema}.sentences;
"""
