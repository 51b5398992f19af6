"""The README.txt written beside the Salesforce files: load order and id mapping."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from territorial.io.crm.package import CrmPackage

__all__ = ["salesforce_readme"]

_INTRO = """\
Territorial -> Salesforce Enterprise Territory Management
========================================================

{what}
Territory model: {model} (DeveloperName {model_dev})

Load the files with Data Loader (or Workbench) in this order, one object at a time,
with the operation named in the file name. Each file must finish before the next
starts: later files refer to records the earlier ones create.
"""

_IDS = """\
How to map the new record ids
-----------------------------
Salesforce gives every inserted record an Id; the files that refer to a record that
did not exist yet hold its DeveloperName in the Id column instead (for example
Territory2ModelId = {model_dev}). After each insert, Data Loader writes a success file
with the new ID beside the DeveloperName. Either

  a) rerun the export with those files, which replaces every DeveloperName it can by
     the Id (the output is otherwise the same, so nothing already loaded changes):
       territorial export salesforce --scenario "{scenario}" -o FOLDER \\
           --ids success_Territory2Type.csv --ids success_Territory2Model.csv ...
     then load the next file; or
  b) replace them yourself: VLOOKUP the DeveloperName in the success file's
     DEVELOPERNAME column and take its ID.

Existing Territory2Type records work the same way: export them with
  SELECT Id, DeveloperName FROM Territory2Type
and pass the file with --ids (then skip Territory2Type_insert.csv if they exist).
Priorities of territory types must be unique in the org: change them in the file if
yours are taken.
"""

_DELETES = """\
Deleting associations
---------------------
ObjectTerritory2Association and UserTerritory2Association records cannot be updated:
an account that moves is deleted from its old territory and inserted into the new
one. Accounts that did not move appear in no file. Deletes need the association's
Id; export the current ones with
  SELECT Id, ObjectId, Territory2Id FROM ObjectTerritory2Association
  SELECT Id, UserId, Territory2Id FROM UserTerritory2Association
and pass the files with --ids (rows with an empty Id still need one).
Deleting a territory (Territory2_delete.csv, last) also deletes its associations.
"""

_ROLE = """\
RoleInTerritory2 is taken from --role (blank by default); it must be a value of the
picklist in your org. AssociationCause is always Territory2Manual. Territories get
no access levels of their own (AccountAccessLevel, OpportunityAccessLevel,
CaseAccessLevel): add those columns to the Territory2 files to override your org's
defaults. Text that a spreadsheet would run as a formula (starting with =, +, - or @)
is written with a leading apostrophe; remove it if such a name is intended.
"""


def salesforce_readme(
    package: CrmPackage, scenario: str, model: str, model_dev: str, delta: bool
) -> str:
    """Plain text: what the export holds, the load order, and how to map ids."""
    what = (
        f"Realignment: the changes from the published alignment {model!r}, which is "
        "expected to be loaded already."
        if delta
        else "A complete territory model, to be loaded into an org that does not have it."
    )
    lines = [_INTRO.format(what=what, model=model, model_dev=model_dev)]
    for n, f in enumerate(package.files, start=1):
        lines.append(f"{n:>3}. {f.name:<52} {f.operation:<6} {f.object} ({len(f.rows)} rows)")
    lines.append("")
    if any(f.object == "Territory2" and "level" in f.name for f in package.files):
        lines.append(
            "Territories are split by depth in the hierarchy (level1 = top): a territory's\n"
            "parent is always in an earlier file.\n"
        )
    lines.append(_IDS.format(model_dev=model_dev, scenario=scenario))
    lines.append(_DELETES)
    lines.append(_ROLE)
    return "\n".join(lines)
