"""Service settings, read once from the environment (prefix ``YIJIAN_``) and from ``.env``."""

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="YIJIAN_", env_file=".env", extra="ignore")

    database_url: str = f"sqlite:///{ROOT / 'var' / 'yijian.db'}"
    # "manual" lets tests and demos move time forward through POST /api/admin/clock.
    clock: Literal["system", "manual"] = "system"
    token_ttl_minutes: int = 12 * 60
    # argon2id cost; the defaults follow RFC 9106's second recommended option. Test suites lower them.
    argon2_time_cost: int = 3
    argon2_memory_kib: int = 64 * 1024
    # Uploads above this are refused before parsing, so a hostile archive cannot exhaust memory.
    max_upload_bytes: int = 5 * 1024 * 1024
    max_request_bytes: int = 8 * 1024 * 1024
    # Bounded run time of one BPMN script or expression.
    script_time_limit_s: float = 1.0
    # The embedded default runs timers and webhooks inside the API process; deployments with
    # separate `yijian worker` processes switch it off.
    run_worker_in_process: bool = True
    worker_interval_s: float = 2.0
    processes_dir: Path = ROOT / "processes"
    forms_dir: Path = ROOT / "forms"
    admin_ui_dir: Path = ROOT / "admin_ui"


@lru_cache
def get_settings() -> Settings:
    return Settings()
