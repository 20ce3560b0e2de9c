"""The one place that reads configuration: environment variables prefixed RAPPORTSOK_."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


def project_root() -> Path:
    """The checkout this package runs from (where pyproject.toml is), else the working dir."""
    here = Path(__file__).resolve().parents[1]
    return here if (here / "pyproject.toml").is_file() else Path.cwd()


ROOT = project_root()


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="RAPPORTSOK_", extra="ignore")

    corpus_dir: Path = Field(ROOT / "corpus", description="Folder of report PDFs/text files")
    index_dir: Path = Field(ROOT / "var" / "index", description="Where index builds are kept")
    model: str = Field(
        str(ROOT / "var" / "models" / "multilingual-e5-small"),
        description="Sentence-transformers model: a local folder or a hub name",
    )
    precision: Literal["auto", "fp32", "bf16"] = Field(
        "auto", description="Inference precision; auto uses bf16 only where the CPU makes it fast"
    )
    chunk_size: int = Field(1400, ge=200, le=4000, description="Prose chunk size in characters")
    chunk_overlap: int = Field(233, ge=0, le=1000, description="Prose chunk overlap in characters")
    host: str = Field("127.0.0.1", description="Interface to bind; other than loopback is explicit")
    port: int = Field(8000, ge=1, le=65535)
    web_dir: Path = Field(ROOT / "web", description="Static files of the web page")
    admin_token: SecretStr | None = Field(None, description="Token for reload/re-index endpoints")
    read_token: SecretStr | None = Field(None, description="If set, reads need this token too")
    cors_origins: list[str] = Field(default_factory=list, description="Allowed CORS origins")
    max_query_chars: int = Field(500, ge=10, le=5000, description="Longest accepted question")
    max_k: int = Field(50, ge=1, le=500, description="Largest k a search may ask for")
    rate_limit_per_minute: int = Field(
        600, ge=0, description="API requests per minute per client address (0 = no limit)"
    )
    max_body_bytes: int = Field(65_536, ge=1024, description="Largest accepted request body")
    max_url_bytes: int = Field(8_192, ge=1024, description="Longest accepted request URL")
    watch_seconds: float = Field(
        2.0, ge=0, description="How often the service checks for a new index build (0 = never)"
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
