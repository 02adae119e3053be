"""The role x permission matrix as Markdown: docs/permissions.md is generated from this."""

from mappa.authorization.permissions import Permission
from mappa.authorization.roles import ROLES


def permissions_markdown() -> str:
    roles = list(ROLES.values())
    lines = [
        "# Roles and permissions",
        "",
        "Generated from `mappa/authorization/` by `make docs` (`mappa permissions --write`);",
        "`make check` and the test suite fail when this file and the code disagree.",
        "A role's permissions apply only while the user acts for the agency that granted the role.",
        "",
        "## Matrix",
        "",
        "| Permission | " + " | ".join(r.display_name for r in roles) + " |",
        "|---|" + "---|" * len(roles),
    ]
    for permission in Permission:
        cells = ["yes" if permission in r.permissions else "" for r in roles]
        lines.append(f"| `{permission.name}` | " + " | ".join(cells) + " |")
    lines += ["", "## Roles", ""]
    for r in roles:
        where = ", ".join(sorted(r.agency_kinds)) if r.agency_kinds else "any agency"
        lines += [f"### {r.display_name} (`{r.code}`)", "", r.description, "", f"Held in: {where}.", ""]
    return "\n".join(lines).rstrip() + "\n"
