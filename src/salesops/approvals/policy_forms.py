"""The policy editor's form: a policy document shown as rows of fields, and posted fields turned back into a
document. Approvers are written as short words an administrator reads aloud: `manager`, `director`,
`general_manager`, `role:finance`, `user:zhangwei`, `group:credit-committee`, separated by commas.

Validation is not done here: the document goes to `policy_actions.save_draft`, whose problems (with positions)
come back keyed by the document's paths; `form_key` maps them to the posted rule's fields.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

SIMPLE_KINDS = ("manager", "director", "general_manager")
VALUE_KINDS = ("role", "user", "group")
EXTRA_RULES, EXTRA_STEPS = 1, 1
STEP_FLAGS = ("parallel", "escalate", "auto_escalate")


def approvers_text(specs: list[dict]) -> str:
    return ", ".join(spec["kind"] if not spec.get("value") else f"{spec['kind']}:{spec['value']}" for spec in specs)


def parse_approvers(text: str) -> list[dict]:
    specs = []
    for word in (part.strip() for part in text.replace("，", ",").replace(";", ",").split(",")):
        if not word:
            continue
        kind, _colon, value = word.partition(":")
        kind = kind.strip().lower()
        if kind in SIMPLE_KINDS and not value:
            specs.append({"kind": kind})
        elif kind in VALUE_KINDS and value.strip():
            specs.append({"kind": kind, "value": value.strip()})
        else:
            raise ValidationError(
                _("Unknown approver “%(word)s”: write manager, director, general_manager, role:…, user:… or group:….")
                % {"word": word}
            )
    return specs


def rows_for(document: dict) -> dict:
    """The editor's rows for `document`, with one blank rule and one blank step per rule to add to."""
    rules = []
    for rule in [*document.get("rules", []), *[{}] * EXTRA_RULES]:
        steps = [
            {**step, "approvers_text": approvers_text(step.get("approvers", []))}
            for step in [*rule.get("steps", []), *[{}] * EXTRA_STEPS]
        ]
        rules.append({**rule, "steps": steps, "notify_text": approvers_text(rule.get("notify", []))})
    return {"rules": rules, "total_due_hours": document.get("total_due_hours") or ""}


def number(post, key: str) -> str | None:
    value = post.get(key, "").strip()
    return value or None


def document_from(post) -> tuple[dict, dict[str, list[str]]]:
    """The document the posted fields describe (blank rules and steps left out), and the problems found while
    reading them, keyed by the document's paths (`rules.0.notify`) like the validation's."""
    rules, errors = [], {}
    for i in range(int(post.get("rule_count", "0") or 0)):
        prefix = f"rule-{i}"
        name, condition = post.get(f"{prefix}-name", "").strip(), post.get(f"{prefix}-condition", "").strip()
        if post.get(f"{prefix}-delete") or (not name and not condition):
            continue
        where = f"rules.{len(rules)}"
        rule = {
            "name": name,
            "condition": condition,
            "outcome": post.get(f"{prefix}-outcome", "route"),
            "message": post.get(f"{prefix}-message", "").strip(),
            "stop": bool(post.get(f"{prefix}-stop")),
            "steps": [],
            "notify": [],
        }
        try:
            rule["notify"] = parse_approvers(post.get(f"{prefix}-notify", ""))
        except ValidationError as exc:
            errors[f"{where}.notify"] = exc.messages
        for j in range(int(post.get(f"{prefix}-step_count", "0") or 0)):
            step_prefix = f"{prefix}-step-{j}"
            step_name, text = post.get(f"{step_prefix}-name", "").strip(), post.get(f"{step_prefix}-approvers", "")
            if not step_name and not text.strip():
                continue
            step = {"name": step_name, "mode": post.get(f"{step_prefix}-mode", "any"), "approvers": []}
            try:
                step["approvers"] = parse_approvers(text)
            except ValidationError as exc:
                errors[f"{where}.steps.{len(rule['steps'])}.approvers"] = exc.messages
            for flag in STEP_FLAGS:
                step[flag] = bool(post.get(f"{step_prefix}-{flag}"))
            for field in ("due_hours", "remind_before_hours"):
                if number(post, f"{step_prefix}-{field}"):
                    step[field] = number(post, f"{step_prefix}-{field}")
            rule["steps"].append(step)
        rules.append(rule)
    document = {"rules": rules}
    if number(post, "total_due_hours"):
        document["total_due_hours"] = number(post, "total_due_hours")
    return document, errors


def with_errors(rows: dict, errors: dict[str, list[str]]) -> dict:
    """Attach each problem to the editor row it is about: `rules.N.<field>` to rule N (its `errors`), steps'
    problems to the step, the rest to the whole form (`rows["errors"]`)."""
    rows["errors"] = []
    for path, messages in errors.items():
        parts = path.removeprefix("document.").split(".")
        if len(parts) >= 3 and parts[0] == "rules" and parts[1].isdigit() and int(parts[1]) < len(rows["rules"]):
            rule = rows["rules"][int(parts[1])]
            if parts[2] == "steps" and len(parts) >= 4 and parts[3].isdigit() and int(parts[3]) < len(rule["steps"]):
                rule["steps"][int(parts[3])].setdefault("errors", []).extend(
                    f"{'.'.join(parts[4:])}: {m}" for m in messages
                )
            else:
                rule.setdefault("errors", []).extend(f"{parts[2]}: {m}" for m in messages)
        else:
            rows["errors"].extend(f"{'.'.join(parts)}: {m}" for m in messages)
    return rows
