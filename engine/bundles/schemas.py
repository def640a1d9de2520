from typing import Any

from pydantic import BaseModel, Field

from engine.clock import Instant


class DeployResult(BaseModel):
    bundle_id: str
    version: int
    active: bool
    created: bool


class VersionView(BaseModel):
    version: int
    content_hash: str
    deployed_by: str
    deployed_at: Instant
    active: bool
    files: list[str] = []


class VersionDetail(VersionView):
    manifest: dict[str, Any]


class BundleSummary(BaseModel):
    id: str
    name: str
    name_en: str | None = None
    description: str | None = None
    active_version: int
    modes: list[str]
    time_limit_working_days: int
    service_object: str | None = None


class BundleDetail(BundleSummary):
    manifest: dict[str, Any]
    versions: list[VersionView]


class FormView(BaseModel):
    schema_: dict[str, Any] = Field(alias="schema", serialization_alias="schema")
    ui_schema: dict[str, Any]

    model_config = {"populate_by_name": True}


class ValidationReport(BaseModel):
    valid: bool
    bundle_id: str | None = None
    content_hash: str | None = None
    errors: list[dict[str, Any]] = []
