"""Everyday Swedish to the reports' Swedish: lemmas, compound parts and a thesaurus."""
