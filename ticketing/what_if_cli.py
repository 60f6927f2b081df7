"""`ticketing what-if sla --plan FILE --from T --to T`: the API's what-if, printed as the
same JSON document, for people who keep plans in files."""

from __future__ import annotations

import sys
from pathlib import Path
from uuid import UUID

import msgspec

from api.org_schemas import HypotheticalPlan
from api.what_if import AskWhatIf, answer
from domain.errors import InvalidInput
from wiring.config import Settings
from wiring.services import build_services


def what_if_command(
    settings: Settings, plan_file: Path, start: str, end: str, department_id: UUID | None
) -> int:
    try:
        plan = msgspec.json.decode(plan_file.read_bytes(), type=HypotheticalPlan)
    except (OSError, msgspec.DecodeError, msgspec.ValidationError) as e:
        print(f"ticketing: --plan {plan_file}: {e}", file=sys.stderr)
        return 2
    services = build_services(settings)
    try:
        found = answer(services, AskWhatIf(plan, start, end, department_id))
    except InvalidInput as e:
        print(f"ticketing: {e.field}: {e.detail}", file=sys.stderr)
        return 2
    finally:
        services.close()
    sys.stdout.buffer.write(msgspec.json.format(msgspec.json.encode(found)) + b"\n")
    return 0
