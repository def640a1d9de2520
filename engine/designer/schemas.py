from typing import Any, Literal

from pydantic import BaseModel, Field

from engine.clock import Instant


class DraftSummary(BaseModel):
    author: str
    base_version: int | None
    revision: int
    updated_at: Instant


class DraftView(DraftSummary):
    bundle_id: str
    created_at: Instant
    files: dict[str, str]


class DraftStart(BaseModel):
    """Start a draft from a deployed version (the active one unless ``version`` is given)."""

    version: int | None = Field(default=None, ge=1)
    replace: bool = Field(default=False, description="discard an existing draft of the caller first")


class DraftSave(BaseModel):
    """The whole file set of the draft. ``revision``: the revision the browser last saw (409 when stale)."""

    files: dict[str, str]
    base_version: int | None = Field(default=None, ge=1)
    revision: int | None = Field(default=None, ge=1)


class DraftCheck(BaseModel):
    """Unsaved files to check instead of the stored draft (live validation while editing)."""

    files: dict[str, str] | None = None


class ProblemView(BaseModel):
    severity: Literal["error", "warning"]
    rule: str = Field(description="'deploy' for the deploy checks, else the lint rule")
    loc: list[str | int]
    file: str | None = None
    element: str | None = Field(default=None, description="BPMN element id, when the problem is on one")
    message: str


class ValidationView(BaseModel):
    valid: bool = Field(description="no errors (warnings do not block a deploy)")
    bundle_id: str
    errors: int
    warnings: int
    problems: list[ProblemView]


class DeployView(BaseModel):
    bundle_id: str
    version: int
    created: bool
    active: bool
    warnings: list[ProblemView]


class InstanceCounts(BaseModel):
    total: int = 0
    running: int = 0


class VersionRow(BaseModel):
    version: int
    content_hash: str
    deployed_by: str
    deployed_at: Instant
    active: bool
    files: list[str]
    instances: InstanceCounts


class DesignerBundleView(BaseModel):
    id: str
    name: str
    deployed: bool
    active_version: int | None = None
    versions: int = 0
    instances: InstanceCounts = InstanceCounts()
    draft: DraftSummary | None = None


class BundleVersionsView(BaseModel):
    id: str
    name: str
    active_version: int
    versions: list[VersionRow]
    draft: DraftSummary | None = None


class DiffView(BaseModel):
    bundle_id: str
    version: int
    against: int | None
    files: dict[str, list[str]]
    elements: dict[str, list[dict[str, Any]]]
    forms: list[dict[str, Any]]
    application_form: dict[str, list[str]]
    manifest: dict[str, Any]


class LaneUse(BaseModel):
    bundle_id: str
    lane: str
    region: str


class DepartmentView(BaseModel):
    department: str
    department_name: str
    department_name_en: str | None = None
    regions: list[str]
    lanes: list[LaneUse]


class FragmentView(BaseModel):
    name: str = Field(description="file name as a bundle refers to it: common/x.schema.json")
    title: str
    title_en: str | None = None
    properties: list[str]
    ref: str = Field(description="what to put in a form's $ref to insert the fragment as one field")
    schema_: dict[str, Any] = Field(alias="schema", serialization_alias="schema")
    ui_schema: dict[str, Any]

    model_config = {"populate_by_name": True}


class FormPreviewRequest(BaseModel):
    name: str = Field(description="the form file to preview, e.g. health-check.schema.json")
    files: dict[str, str] = Field(description="the draft's form files (JSON) as text")


class FormPreviewView(BaseModel):
    schema_: dict[str, Any] = Field(alias="schema", serialization_alias="schema")
    ui_schema: dict[str, Any]
    fields: list[str]
    problems: list[ProblemView]

    model_config = {"populate_by_name": True}
