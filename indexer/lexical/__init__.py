"""Lexical search terms and the BM25 index saved with each build."""
