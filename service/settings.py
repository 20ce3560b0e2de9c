"""The one place that reads configuration: environment variables prefixed RAPPORTSOK_.

Tuned numbers live in `Settings.tuning`, one nested group per stage, each field saying what it
is and where it was measured. A nested field is set with `__` between the names, e.g.
RAPPORTSOK_TUNING__FUSION__DENSE_WEIGHT=0.8; RAPPORTSOK_CHUNK_SIZE and _CHUNK_OVERLAP still set
`tuning.chunking`. Code below the settings takes these groups as arguments and never reads the
environment itself. The whole tree is written into each build's manifest.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict


def project_root() -> Path:
    """The checkout this package runs from (where pyproject.toml is), else the working dir."""
    here = Path(__file__).resolve().parents[1]
    return here if (here / "pyproject.toml").is_file() else Path.cwd()


ROOT = project_root()


class Group(BaseModel):
    """A group of tuned numbers: read-only, and unknown names are errors."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class ChunkingParams(Group):
    """How prose is cut into chunks (the indexer's `ChunkParams`; a change means a rebuild)."""

    size: int = Field(
        1400,
        ge=200,
        le=4000,
        description="Prose chunk size in characters. 400, 600, 900, 1400 and 2000 tried; 1400 "
        "best on the dev and held-out questions (eval/results/chunk_sizes.md, "
        "python -m eval.chunk_sizes)",
    )
    overlap: int = Field(
        233,
        ge=0,
        le=1000,
        description="Prose chunk overlap in characters: a sixth of the size, as measured with "
        "it in eval/results/chunk_sizes.md",
    )


class FusionParams(Group):
    """How dense and BM25 scores combine (eval/results/fusion-dev.md, fusion-heldout.md;
    python -m eval.tune)."""

    method: Literal["minmax", "rrf", "dense", "bm25"] = Field(
        "minmax",
        description="minmax: weighted sum of normalised dense and BM25 scores; rrf: reciprocal "
        "rank fusion; dense or bm25 alone. minmax leads on both question sets (RRF loses "
        "0.03 MRR@10 on dev)",
    )
    candidates: int = Field(
        100,
        ge=1,
        description="Candidates taken from each of dense passages, best sentences and BM25 "
        "before fusion",
    )
    dense_weight: float = Field(
        0.7,
        ge=0,
        le=1,
        description="Weight of the dense score in minmax fusion (BM25 has the rest): 0.6-0.8 is "
        "a plateau in fusion-dev.md and fusion-heldout.md, 0.7 taken (dev R@10 0.963, "
        "MRR@10 0.788)",
    )
    english_dense_weight: float = Field(
        1.0,
        ge=0,
        le=1,
        description="Dense weight for questions that look English (the BM25 analyzer is "
        "Swedish); without this rule dev MRR@10 is 0.783 instead of 0.788 (fusion-dev.md)",
    )
    doc_type_boost: float = Field(
        0.05,
        ge=0,
        description="Added to the fused score of chunks from the report type a question names; "
        "the dev figures are the same without it (fusion-dev.md)",
    )
    rrf_k: int = Field(60, ge=1, description="k of reciprocal rank fusion (method rrf only)")
    sentence_level: bool = Field(
        True,
        description="Score a chunk by its best sentence too, not only by the whole passage: "
        "+0.08 R@10 for dense search (fusion-dev.md: 0.884 -> 0.963)",
    )
    expansion: bool = Field(
        True,
        description="Map question words the reports never use to report words through the "
        "thesaurus (dagis -> förskola): extra BM25 terms and a second, reworded dense query",
    )
    expansion_weight: float = Field(
        1.0, ge=0, description="BM25 weight of the report words an everyday word maps to"
    )


class AnswerParams(Group):
    """Thresholds for answering from passages, chosen on the dev questions
    (python -m eval.run --ask; README, "Answers")."""

    passages: int = Field(5, ge=1, description="Top hits whose sentences may form an answer")
    max_sentences: int = Field(3, ge=1, description="Most sentences in an answer")
    max_candidates: int = Field(40, ge=1, description="Most sentences scored per question")
    min_score: float = Field(
        0.853,
        description="The best sentence must score this for an answer: set between the dev "
        "questions without an answer and the answerable ones (4 of 4 refused, 49 of 49 "
        "answered)",
    )
    min_score_english: float = Field(
        0.80, description="The same floor for questions that look English"
    )
    keep_within: float = Field(
        0.04, ge=0, description="Sentences scoring within this of the best one join the answer"
    )
    min_coverage: float = Field(
        0.0,
        ge=0,
        le=1,
        description="Share of the question's key-word weight (rarer words weigh more; an "
        "everyday word counts through the report words it maps to) that an answer sentence "
        "or its passage must carry. 0: off, because on the tuning sets 0.1 refused one "
        "answerable question more and no unanswerable one (README, 'Refusals')",
    )
    min_coverage_english: float = Field(
        0.0,
        ge=0,
        le=1,
        description="The same for questions that look English (their words are not the "
        "reports' words, so only the embedding similarity speaks for them)",
    )
    rare_weight: float = Field(
        0.08,
        ge=0,
        description="Weight of the share of the question's rare words (by BM25 document "
        "frequency) a sentence holds, next to its embedding similarity",
    )
    rank_penalty: float = Field(
        0.002,
        ge=0,
        description="Taken off a sentence's score per rank of its passage among the hits",
    )
    timeline_passages: int = Field(
        12, ge=1, description="Top hits read for a question about change (a timeline)"
    )
    timeline_min_share: float = Field(
        0.5,
        ge=0,
        le=1,
        description="A report's best sentence enters a timeline when it scores at least this "
        "share of the way from the floor to the best sentence",
    )
    timeline_keep_within: float = Field(
        0.03, ge=0, description="... or when it scores within this of the best sentence"
    )


class IndicatorAnswerParams(Group):
    """When a question is answered from an indicator's table rows instead of passages."""

    min_match: float = Field(
        0.83,
        description="How well the indicator must match the question (as the commitment "
        "search scores it). On the dev and held-out questions that ask for a target, an "
        "outcome or a change, those about one indicator score 0.84-0.94 (one 0.82); the "
        "others 0.78-0.82",
    )
    min_margin: float = Field(
        0.02,
        ge=0,
        description="How far ahead of the next indicator with other figures the best one must be",
    )


class LinkParams(Group):
    """How records are linked across reports: join when the score reaches `threshold`."""

    threshold: float = Field(description="Match score from which two names are linked")
    lexical_weight: float = Field(
        0.0,
        ge=0,
        le=1,
        description="Share of the word overlap (Dice of stems and compound parts) in the score; "
        "the rest is the cosine of the name vectors",
    )


class IndicatorLinking(LinkParams):
    """Indicators: cosine alone, F1 0.86 at 0.95-0.96 on the judged pairs
    (eval/results/linking.md, python -m eval.linking)."""

    threshold: float = Field(
        0.95,
        description="The lower end of the 0.95-0.96 plateau (recall 9/11, precision 0.90; the "
        "word mix scores higher only at one sharp threshold)",
    )
    lexical_weight: float = Field(0.0, ge=0, le=1, description="No word overlap for indicators")


class GoalLinking(LinkParams):
    """Goals: vectors with their indicators and a little word overlap
    (eval/results/linking.md, python -m eval.linking)."""

    threshold: float = Field(
        0.86,
        description="The middle of the 0.85-0.87 plateau (F1 0.87-0.89; recall 17/20, "
        "precision 0.89)",
    )
    lexical_weight: float = Field(
        0.1, ge=0, le=1, description="Best word weight with goal context 2 (F1 0.89 vs 0.78)"
    )


class MinRelevance(Group):
    """Groups scoring below this for a query are not returned. Nonsense ("xyzzy qwerty")
    scores about 0.71 against indicator names and 0.72 against goal titles; names that answer
    a query 0.80 and up, long goal titles for a one-word query ("klimat") 0.76."""

    indicator: float = Field(0.78, description="Floor for indicator series")
    goal: float = Field(0.75, description="Floor for goals")
    budget: float = Field(0.78, description="Floor for budget lines")


class CommitmentParams(Group):
    """Linking and searching indicators, goals and budget lines across reports."""

    goal_context: float = Field(
        2.0,
        ge=0,
        description="Weight of the mean vector of a goal's indicators added to its title "
        "vector: goal linking F1 0.89 at 2.0 against 0.48-0.59 for titles alone, since a new "
        "council period rewords every goal (eval/results/linking.md)",
    )
    word_weight: float = Field(
        0.15,
        ge=0,
        description="Weight of the share of query words found in a name, next to the "
        "embedding similarity, when searching groups",
    )
    min_relevance: MinRelevance = Field(default_factory=MinRelevance)
    keep_within: float = Field(
        0.08, ge=0, description="Groups scoring more than this below the best are not returned"
    )
    indicator_linking: IndicatorLinking = Field(default_factory=IndicatorLinking)
    goal_linking: GoalLinking = Field(default_factory=GoalLinking)


class Tuning(Group):
    """Every tuned number of the pipeline, by stage."""

    chunking: ChunkingParams = Field(default_factory=ChunkingParams)
    fusion: FusionParams = Field(default_factory=FusionParams)
    answers: AnswerParams = Field(default_factory=AnswerParams)
    indicator_answers: IndicatorAnswerParams = Field(default_factory=IndicatorAnswerParams)
    commitments: CommitmentParams = Field(default_factory=CommitmentParams)


class DatabaseSettings(BaseModel):
    """The service's connections to the PostgreSQL store (used only when `store` is a URL)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    pool_min: int = Field(1, ge=0, le=100, description="Connections kept open per replica")
    pool_max: int = Field(
        4, ge=1, le=100, description="Most connections per replica (one per request at a time)"
    )
    timeout_seconds: float = Field(
        5.0,
        gt=0,
        le=120,
        description="How long a request waits for a connection before it gets a 503",
    )


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="RAPPORTSOK_", env_nested_delimiter="__", extra="ignore"
    )

    corpus_dir: Path = Field(ROOT / "corpus", description="Folder of report PDFs/text files")
    index_dir: Path = Field(ROOT / "var" / "index", description="Where index builds are kept")
    store: str | None = Field(
        None,
        description="A postgresql:// URL: keep builds in that database (shared by replicas) "
        "instead of index_dir",
    )
    database: DatabaseSettings = Field(
        default_factory=DatabaseSettings, description="Connection pool for the database store"
    )
    model: str = Field(
        str(ROOT / "var" / "models" / "multilingual-e5-small"),
        description="Sentence-transformers model: a local folder or a hub name",
    )
    precision: Literal["auto", "fp32", "bf16", "int8"] = Field(
        "auto",
        description="Inference precision; auto: bf16 where the CPU has it, else fp32; int8 "
        "runs the model's int8 graph (ONNX Runtime): faster, slightly lower recall",
    )
    runtime: Literal["auto", "onnx", "torch"] = Field(
        "auto",
        description="What runs the model; auto: the model folder's fp32 or int8 ONNX graph on "
        "ONNX Runtime where the CPU runs that precision, torch for bf16 and on a GPU",
    )
    device: Literal["auto", "cpu", "cuda"] = Field(
        "auto", description="Where the model runs; auto takes a CUDA GPU when torch sees one"
    )
    thesaurus: Path | None = Field(
        Path("/usr/share/mythes/th_sv_SE_v2.dat"),
        description="MyThes thesaurus file that maps everyday words to the reports' words "
        "(Debian mythes-sv); missing or empty: that expansion is off and /health says so",
    )
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
    max_upload_bytes: int = Field(
        100 * 1024 * 1024, ge=1024, description="Largest report file accepted by an upload"
    )
    max_upload_files: int = Field(20, ge=1, description="Most files in one upload")
    watch_seconds: float = Field(
        2.0, ge=0, description="How often the service checks for a new index build (0 = never)"
    )
    tuning: Tuning = Field(default_factory=Tuning, description="Tuned numbers, by stage")

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """The usual sources, then the documented short names of the chunking settings."""
        legacy = ShortNames(settings_cls)
        return init_settings, env_settings, legacy, dotenv_settings, file_secret_settings

    @field_validator("store")
    @classmethod
    def _store_is_a_url(cls, value: str | None) -> str | None:
        if not value:
            return None
        from indexer.store.postgres.connection import is_postgres_url  # imported only when set

        if not is_postgres_url(value):
            raise ValueError("must be a postgresql:// URL (unset keeps builds in index_dir)")
        return value

    @property
    def index_location(self) -> Path | str:
        """Where builds are written and read: the database URL when set, else index_dir."""
        return self.store or self.index_dir

    def with_tuning(self, **groups: Group) -> Settings:
        """A copy with some tuning groups replaced (e.g. `chunking=ChunkingParams(size=900)`)."""
        return self.model_copy(update={"tuning": self.tuning.model_copy(update=groups)})


SHORT_NAMES = {
    "RAPPORTSOK_CHUNK_SIZE": ("chunking", "size"),
    "RAPPORTSOK_CHUNK_OVERLAP": ("chunking", "overlap"),
}
"""Environment variables documented before the tuning tree, and the fields they set."""


class ShortNames(PydanticBaseSettingsSource):
    """RAPPORTSOK_CHUNK_SIZE / _CHUNK_OVERLAP as tuning.chunking.size / .overlap (the nested
    names, RAPPORTSOK_TUNING__CHUNKING__SIZE, win when both are set)."""

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False

    def __call__(self) -> dict[str, Any]:
        environment = {k.upper(): v for k, v in os.environ.items()}
        groups: dict[str, dict[str, str]] = {}
        for name, (group, key) in SHORT_NAMES.items():
            if name in environment:
                groups.setdefault(group, {})[key] = environment[name]
        return {"tuning": groups} if groups else {}


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
