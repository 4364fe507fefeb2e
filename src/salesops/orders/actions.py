"""Writes for sales orders. Each action is one transaction: validate, lock, change, record events.

Business rules for orders live here; whether an order needs approval is the approvals engine's decision
(`approvals.actions.start_approval`, routed by the active policy), and the engine calls back the `*_approved`,
`*_rejected` and `return_to_draft` actions below. The API and the pages only parse and call.
Lock order everywhere: the order row, then the customer row (serialises credit checks per customer), then stock
rows (through `inventory.actions`, which takes them in a fixed order).
"""

import functools
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _

from salesops.accounts.models import OrgUnit, User
from salesops.approvals import actions as approvals
from salesops.approvals.queries import approval_stands, pending_task_for
from salesops.catalog.models import Product, ProductLine
from salesops.catalog.pricing import company_today, prices_for
from salesops.core import clock, events
from salesops.core.actions import refuse_unknown_fields
from salesops.core.events import record_event, snapshot, to_json
from salesops.core.instances import Row, as_stored, insert, save_fields, set_prefetched, set_related, with_related
from salesops.core.scoping import for_user
from salesops.customers.actions import may_assign_owner
from salesops.customers.models import Customer
from salesops.inventory.actions import InsufficientStock, StockLine, clean_quantity, release_stock, reserve_stock
from salesops.inventory.models import Warehouse
from salesops.orders.models import TRANSITIONS, OrderCounter, OrderLine, OrderStatus, SalesOrder, transition
from salesops.orders.prepayment_actions import credit_unused_prepayment, uninvoiced
from salesops.orders.queries import (
    credit_exposure,
    may_hold,
    may_record_prepayment,
    may_release_hold,
    may_sell,
)
from salesops.orders.totals import LineInput, compute_totals

MAX_LINES = 200
MAX_AMOUNT = Decimal("1e12")  # what a MONEY column (14 digits, 2 places) holds
MAX_COMMENT = 500
EDITABLE_FIELDS = ("warehouse", "discount_percent", "lines")


# --- validation ----------------------------------------------------------------------------------------------


def clean_percent(raw, field: str, errors: dict) -> Decimal:
    try:
        value = Decimal(str(raw if raw is not None else 0))
    except (InvalidOperation, ValueError):
        errors[field] = [_("Enter a number.")]
        return Decimal(0)
    if not value.is_finite() or value < 0 or value > 100:
        errors[field] = [_("Enter a percentage from 0 to 100.")]
    elif value != value.quantize(Decimal("0.01")):
        errors[field] = [_("At most 2 decimal places.")]
    return value


def clean_comment(raw, *, required: bool, message: str = "") -> str:
    comment = (raw or "").strip()
    if required and not comment:
        raise ValidationError({"comment": [message or _("Give a reason.")]})
    if len(comment) > MAX_COMMENT:
        raise ValidationError({"comment": [_("At most %(count)s characters.") % {"count": MAX_COMMENT}]})
    return comment


def clean_warehouse(warehouse, errors: dict) -> Warehouse | None:
    if not isinstance(warehouse, Warehouse) or not warehouse.is_active:
        errors["warehouse_id"] = [_("Choose an active warehouse.")]
        return None
    return warehouse


@dataclass
class CleanLine:
    product: Product
    quantity: Decimal
    discount_percent: Decimal


def clean_lines(raw_lines, errors: dict) -> list[CleanLine]:
    """Lines as dicts with `product`, `quantity` and optional `discount_percent`; errors keyed `lines.<n>.<field>`."""
    if not raw_lines:
        errors["lines"] = [_("Add at least one line.")]
        return []
    if len(raw_lines) > MAX_LINES:
        errors["lines"] = [_("At most %(count)s lines.") % {"count": MAX_LINES}]
        return []
    lines = []
    for index, raw in enumerate(raw_lines):
        product = raw.get("product")
        if not isinstance(product, Product) or not product.is_active:
            errors[f"lines.{index}.product_id"] = [_("Choose an active product.")]
        try:
            quantity = clean_quantity(raw.get("quantity"), f"lines.{index}.quantity")
        except ValidationError as exc:
            errors.update(exc.message_dict)
            quantity = Decimal(0)
        discount = clean_percent(raw.get("discount_percent"), f"lines.{index}.discount_percent", errors)
        lines.append(CleanLine(product, quantity, discount))
    return lines


def check_customer(actor: User, customer, errors: dict) -> Customer | None:
    # Read afresh: terms and status are copied onto the order from the stored customer, not a stale instance.
    # With its office and region, which the new document copies (and its answer shows).
    visible = (
        with_related(for_user(Customer.objects.filter(pk=customer.pk), actor), "office", "region")
        if isinstance(customer, Customer)
        else []
    )
    customer = visible[0] if visible else None
    if customer is None:
        errors["customer_id"] = [_("Choose one of your customers.")]
        return None
    if customer.status != Customer.Status.ACTIVE:
        errors["customer_id"] = [_("Orders are taken for active customers only.")]
        return None
    return customer


def check_owner(actor: User, owner, errors: dict) -> User | None:
    if owner is None:
        return actor
    # One answer for every refusal, so the field does not reveal which user ids exist.
    refused = not isinstance(owner, User) or not owner.is_active or not may_sell(owner)
    if refused or (owner != actor and not may_assign_owner(actor, owner)):
        errors["owner_id"] = [_("You may not assign orders to this user.")]
        return None
    return owner


def check_may_sell(actor: User) -> None:
    if not may_sell(actor):
        raise PermissionDenied(_("Your role may not take orders."))


# --- lines and totals ----------------------------------------------------------------------------------------


def priced_lines(document, lines: list[CleanLine], errors: dict, *, fixed_prices=None) -> list:
    """Lines for an order (or a quote: the line model comes from the document's `lines`) priced for its customer
    today (company time zone), or at `fixed_prices` (one per line) where a quote fixed them, with the product's
    tax rate."""
    prices = {} if fixed_prices else prices_for([line.product for line in lines], document.customer, company_today())
    line_model, parent = type(document).lines.rel.related_model, type(document).lines.field.name
    result = []
    for position, line in enumerate(lines, start=1):
        result.append(
            line_model(
                **{parent: document},
                position=position,
                product=line.product,
                quantity=line.quantity,
                unit_price=fixed_prices[position - 1] if fixed_prices else prices[line.product.pk],
                discount_percent=line.discount_percent,
                tax_rate=line.product.tax_rate,
            )
        )
    apply_totals(document, result, errors)
    return result


def apply_totals(order: SalesOrder, lines: list[OrderLine], errors: dict) -> None:
    totals = compute_totals(
        [LineInput(line.quantity, line.unit_price, line.discount_percent, line.tax_rate) for line in lines],
        order.discount_percent,
    )
    for index, (line, amounts) in enumerate(zip(lines, totals.lines, strict=True)):
        line.amount, line.tax_amount = amounts.amount, amounts.tax_amount
        if amounts.amount >= MAX_AMOUNT:
            errors[f"lines.{index}.quantity"] = [_("The line amount is too large.")]
    order.subtotal, order.discount_amount = totals.subtotal, totals.discount_amount
    order.tax_amount, order.total = totals.tax_amount, totals.total
    if totals.subtotal >= MAX_AMOUNT or totals.total >= MAX_AMOUNT:
        errors.setdefault("lines", [_("The order total is too large.")])


def lines_data(lines) -> list[dict]:
    return to_json(
        [
            {
                "product": line.product.sku,
                "quantity": line.quantity,
                "unit_price": line.unit_price,
                "discount_percent": line.discount_percent,
                "amount": line.amount,
            }
            for line in lines
        ]
    )


TOTAL_FIELDS = ["subtotal", "discount_amount", "tax_amount", "total"]


def next_number() -> str:
    """SO-YYYY-NNNNNN from the year's counter row, bumped with one UPDATE in the order's own transaction: the row
    lock it takes serialises concurrent creates until commit, so two orders never get one number, and a
    rolled-back create gives its number back."""
    year = company_today().year
    number = bump_counter(year)
    if number is None:
        try:
            with transaction.atomic():
                OrderCounter.objects.create(year=year, last_number=1)
            number = 1
        except IntegrityError:  # another client created this year's row first
            number = bump_counter(year)
    return f"SO-{year}-{number:06d}"


def bump_counter(year: int) -> int | None:
    """Add one to the year's counter and return the new number (None when the year has no row yet). One
    hand-written UPDATE ... RETURNING: the ORM needs an UPDATE and a SELECT, and this runs for every order."""
    table = connection.ops.quote_name(OrderCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET last_number = last_number + 1 WHERE year = %s RETURNING last_number", [year]
        )
        row = cursor.fetchone()
    return row[0] if row else None


# --- create and edit drafts ----------------------------------------------------------------------------------


def create_order(
    *,
    actor: User,
    customer: Customer,
    warehouse: Warehouse,
    lines: list[dict[str, Any]],
    owner: User | None = None,
    discount_percent=0,
    quoted_prices: list[Decimal] | None = None,
) -> SalesOrder:
    """Create a draft order for a customer the actor may see (and that is active), lines priced from the price
    list on today's date, or at `quoted_prices` (one per line) when a quote is converted; the owner (the rep)
    defaults to the actor. Records `order.created`. Returns the order as stored, with its lines and references
    loaded."""
    return create_document(
        SalesOrder,
        new_number=next_number,
        event="order.created",
        actor=actor,
        customer=customer,
        warehouse=warehouse,
        lines=lines,
        owner=owner,
        discount_percent=discount_percent,
        fixed_prices=quoted_prices,
    )


def create_document(
    model,
    *,
    new_number: Callable[[], str],
    event: str,
    actor: User,
    customer: Customer,
    warehouse: Warehouse,
    lines: list[dict[str, Any]],
    owner: User | None,
    discount_percent,
    fixed_prices: list[Decimal] | None = None,
    errors: dict[str, list[str]] | None = None,
    **fields,
):
    """Validate and create a draft order or quote (`model`) with its priced lines, numbered by `new_number()` in
    the creating transaction, with the customer's office, region and payment term, and `fields` (validated by the
    caller, which may pass the `errors` it found). Records `event` (`order.created`, `quote.created`). Returns the
    document as stored, with its lines and references loaded: the API answers from it without reading it back."""
    check_may_sell(actor)
    errors = {} if errors is None else errors
    customer = check_customer(actor, customer, errors)
    warehouse = clean_warehouse(warehouse, errors)
    owner = check_owner(actor, owner, errors)
    document_discount = clean_percent(discount_percent, "discount_percent", errors)
    clean = clean_lines(lines, errors)
    if errors:
        raise ValidationError(errors)
    document = model(
        customer=customer,
        owner=owner,
        office=customer.office,
        region=customer.region,
        warehouse=warehouse,
        payment_term=customer.payment_term,
        discount_percent=document_discount,
        **fields,
    )
    document_lines = priced_lines(document, clean, errors, fixed_prices=fixed_prices)
    if errors:
        raise ValidationError(errors)
    with events.atomic():
        document.number = new_number()
        insert([document])
        insert(document_lines)
        record_event(
            event,
            document,
            actor=actor,
            after=snapshot(document),
            data={"lines": lines_data(document_lines)},
        )
    set_prefetched(as_stored(document), "lines", [as_stored(line) for line in document_lines])
    return document


def lock(order: SalesOrder) -> SalesOrder:
    return SalesOrder.objects.select_for_update(of=("self",)).select_related("customer", "warehouse").get(pk=order.pk)


def update_draft(order: SalesOrder, *, actor: User, changes: dict[str, Any]) -> SalesOrder:
    """Change a draft's warehouse, order discount or lines (replaced and re-priced as of today). Anything past
    draft is refused, so what an approver saw is what is confirmed. Records `order.updated`."""
    check_may_sell(actor)
    refuse_unknown_fields(changes, EDITABLE_FIELDS)
    with transaction.atomic():
        locked = lock(order)
        if locked.status != OrderStatus.DRAFT:
            raise ValidationError({"status": [_("Only draft orders can be changed.")]})
        errors: dict[str, list[str]] = {}
        before = snapshot(locked)
        new_lines = apply_draft_changes(locked, changes, errors)
        if not errors and locked.total < locked.prepayment_amount:
            errors["lines"] = [_("The new total is below what was already prepaid.")]
        if errors:
            raise ValidationError(errors)
        save_draft_changes(locked, before, new_lines, changes, event="order.updated", actor=actor)
    return locked


def apply_draft_changes(locked, changes: dict[str, Any], errors: dict) -> list:
    """Set the warehouse and discount `changes` names on a locked draft (an order or a quote) and return its lines:
    the new ones, re-priced as of today, when `changes` has lines, else the stored ones with the totals redone."""
    if "warehouse" in changes:
        locked.warehouse = clean_warehouse(changes["warehouse"], errors) or locked.warehouse
    if "discount_percent" in changes:
        locked.discount_percent = clean_percent(changes["discount_percent"], "discount_percent", errors)
    if "lines" in changes:
        cleaned_lines = clean_lines(changes["lines"], errors)
        return priced_lines(locked, cleaned_lines, errors) if not errors else []
    old_lines = list(locked.lines.select_related("product"))
    apply_totals(locked, old_lines, errors)
    return old_lines


def save_draft_changes(locked, before: dict, lines: list, changes: dict[str, Any], *, event: str, actor) -> None:
    """Save a draft changed by `apply_draft_changes` with its lines, and record `event` with what changed."""
    locked.save()
    line_model = locked.lines.model
    if "lines" in changes:
        locked.lines.all().delete()
        line_model.objects.bulk_create(lines)
    else:
        line_model.objects.bulk_update(lines, ["amount", "tax_amount"])
    after = snapshot(locked)
    changed = [key for key in after if key != "updated_at" and before[key] != after[key]]
    record_event(
        event,
        locked,
        actor=actor,
        before={key: before[key] for key in changed},
        after={key: after[key] for key in changed},
        data={"lines": lines_data(lines)} if "lines" in changes else None,
    )


# --- the submission pipeline: credit, approval, stock --------------------------------------------------------


def credit_problem(order: SalesOrder, *, locked_customer: Customer | None = None) -> str | None:
    """Why the order must wait for credit, or None. Prepay orders never wait: the money comes first. Locks the
    customer row (unless the caller passes it, locked already), so concurrent submissions for one customer see
    each other's confirmed orders.

    The exposure is read by a statement of its own after the lock, never in the statement that takes it: on
    PostgreSQL a statement that waited for the lock still reads other tables as they were when it started, and
    would miss the order the lock holder just confirmed."""
    if order.payment_term == Customer.PaymentTerm.PREPAY:
        return None
    customer = locked_customer or Customer.objects.select_for_update().get(pk=order.customer_id)
    if customer.credit_status in (Customer.CreditStatus.FROZEN, Customer.CreditStatus.ON_HOLD):
        return _("The customer's credit is %(status)s%(reason)s.") % {
            "status": customer.get_credit_status_display(),
            "reason": f": {customer.credit_status_reason}" if customer.credit_status_reason else "",
        }
    exposure = credit_exposure(order, customer)
    if exposure > customer.credit_limit:
        return _("Credit limit exceeded: exposure %(exposure)s CNY is above the limit of %(limit)s CNY.") % {
            "exposure": exposure,
            "limit": customer.credit_limit,
        }
    return None


@functools.cache
def order_lines_sql(vendor: str) -> str:
    table = connection.ops.quote_name
    return (
        f"SELECT {Row.columns(OrderLine, 'l')}, {Row.columns(Product, 'p')}, {Row.columns(ProductLine, 'pl')} "
        f"FROM {table(OrderLine._meta.db_table)} l JOIN {table(Product._meta.db_table)} p ON p.id = l.product_id "
        f"JOIN {table(ProductLine._meta.db_table)} pl ON pl.id = p.line_id "
        "WHERE l.order_id = %s ORDER BY l.position"
    )


def order_lines(order: SalesOrder) -> list[OrderLine]:
    """The order's lines with their products and product lines (approval conditions read them), in position
    order, as `order.lines.select_related("product__line")` gives them.

    Hand-written SQL (the same on SQLite and PostgreSQL): every submission reads them, and building the statement
    and its instances through the ORM took longer than running it."""
    with connection.cursor() as cursor:
        cursor.execute(order_lines_sql(connection.vendor), [order.pk])
        rows = cursor.fetchall()
    lines = []
    for row in rows:
        line, product, product_line = Row.read(row, OrderLine, Product, ProductLine)
        set_related(product, "line", product_line)
        set_related(line, "product", product)
        set_related(line, "order", order)
        lines.append(line)
    return lines


# What a submission reads with the order (alias = the order's foreign key): its answer shows them all.
SUBMISSION_REFERENCES = (
    ("customer", Customer),
    ("warehouse", Warehouse),
    ("owner", User),
    ("office", OrgUnit),
    ("region", OrgUnit),
)


@functools.cache
def lock_for_submission_sql(vendor: str) -> str:
    table = connection.ops.quote_name
    columns = ", ".join(
        [Row.columns(SalesOrder, "o")] + [Row.columns(model, name) for name, model in SUBMISSION_REFERENCES]
    )
    joins = " ".join(
        f"JOIN {table(model._meta.db_table)} {table(name)} ON {table(name)}.id = o.{name}_id"
        for name, model in SUBMISSION_REFERENCES
    )
    lock = f" FOR UPDATE OF o, {table('customer')}" if connection.features.has_select_for_update_of else ""
    return f"SELECT {columns} FROM {table(SalesOrder._meta.db_table)} o {joins} WHERE o.id = %s{lock}"


def lock_for_submission(pk: int) -> SalesOrder:
    """The order with its customer, warehouse, owner, office and region loaded, the order and customer rows locked:
    what `select_for_update(of=("self", "customer")).select_related(...)` gives (SQLite has no row locks: its
    write transaction holds the database).

    Hand-written SQL (the same on SQLite and PostgreSQL but for the lock clause): every submission runs it, and the
    ORM took longer to build the statement and its six instances than the database took to run it."""
    with connection.cursor() as cursor:
        cursor.execute(lock_for_submission_sql(connection.vendor), [pk])
        row = cursor.fetchone()
    if row is None:
        raise SalesOrder.DoesNotExist("SalesOrder matching query does not exist.")
    order, *references = Row.read(row, SalesOrder, *(model for _name, model in SUBMISSION_REFERENCES))
    for (name, _model), related in zip(SUBMISSION_REFERENCES, references, strict=True):
        set_related(order, name, related)
    return order


def stock_lines(order: SalesOrder, lines: list[OrderLine] | None = None) -> list[StockLine]:
    """What the order holds (or would hold) in its warehouse: each line's quantity not yet shipped or cancelled.
    `lines` are the order's lines when the caller has read them already."""
    lines = order_lines(order) if lines is None else lines
    return [
        StockLine(line.product, order.warehouse, line.remaining_quantity) for line in lines if line.remaining_quantity
    ]


def reserve_for(order: SalesOrder, *, actor, lines: list[OrderLine] | None = None) -> str | None:
    """Reserve every line (all or nothing); returns the shortage as a reason when stock is short. The caller
    saves `is_stock_reserved` with the order's next status (one UPDATE of the order instead of two)."""
    if order.is_stock_reserved:
        return None
    try:
        reserve_stock(stock_lines(order, lines), source=order, actor=actor)
    except InsufficientStock as exc:
        return _("Not enough stock: %(lines)s") % {"lines": " ".join(exc.message_dict["lines"])}
    order.is_stock_reserved = True
    return None


def confirm_or_hold(order: SalesOrder, *, actor, lines: list[OrderLine] | None = None) -> SalesOrder:
    """Confirm with stock reserved, or put on hold with the shortage as the reason (nothing reserved)."""
    shortage = reserve_for(order, actor=actor, lines=lines)
    if shortage:
        return transition(order, OrderStatus.ON_HOLD, actor=actor, reason=shortage)
    return transition(order, OrderStatus.CONFIRMED, actor=actor, also={"is_stock_reserved": True})


def route_for_approval(order: SalesOrder, *, submitter: User, actor, lines: list[OrderLine] | None = None):
    """Ask the approvals engine (the active policy) about a submitted order: approved at once → confirmed (or
    held for stock), rejected by a rule → rejected with its message, routed → stays submitted, waiting, with
    the matched rules' reasons. Returns the order."""
    started = approvals.start_approval(order, submitter=submitter, actor=actor)
    if started.outcome == "approve":
        return confirm_or_hold(order, actor=actor, lines=lines)
    return apply_routing(order, started, actor=actor)


def apply_routing(order: SalesOrder, started, *, actor) -> SalesOrder:
    """A submitted order the policy rejected (→ rejected with the rule's message) or routed (→ waiting)."""
    if started.outcome == "reject":
        transition(order, OrderStatus.REJECTED, actor=actor, reason=started.message)
        credit_unused_prepayment(order, actor=actor)
        return order
    order.approval_reasons = list(started.reasons)
    order.approved_by, order.decided_at, order.decision_comment = None, None, ""
    # With the submission's own changes, when they wait for this save (`transition(..., save=False)`).
    save_fields(order, ["approval_reasons", "approved_by", "decided_at", "decision_comment", "updated_at"])
    record_event(
        "order.approval_requested",
        order,
        actor=actor,
        after={"approval_reasons": order.approval_reasons, "approval_request": started.request.pk},
    )
    return order


def submit_order(order: SalesOrder, *, actor: User) -> SalesOrder:
    """Submit a draft: (a) credit check, failing → on_hold with the reason (unless prepay); (b) the approval
    policy (see `route_for_approval`); (c) when nothing needs approval, confirmed with all stock reserved, or
    on_hold with the shortage when stock is short. Returns the order with its lines, customer, owner, office,
    region and warehouse loaded."""
    check_may_sell(actor)
    with events.atomic():  # its events (submitted, stock reserved, confirmed) are written with one INSERT
        # The customer is read (and locked, for the credit check) with the order: its terms as they are now, not
        # as they were when the draft was started. The order comes with what its answer shows (the API renders
        # the returned order without reading it back).
        locked = lock_for_submission(order.pk)
        if locked.status != OrderStatus.DRAFT:
            raise ValidationError({"status": [_("Only draft orders can be submitted.")]})
        if locked.customer.status != Customer.Status.ACTIVE:
            raise ValidationError({"customer_id": [_("Orders are taken for active customers only.")]})
        lines = order_lines(locked)  # read once for the approval policy, the reservation and the answer
        set_prefetched(locked, "lines", lines)
        return submit_locked(locked, lines, actor=actor)


def submit_locked(order: SalesOrder, lines: list[OrderLine], *, actor: User) -> SalesOrder:
    """The submission of a draft whose customer the transaction has locked and read (PostgreSQL: a row lock;
    SQLite: its write transaction holds the database), with its `lines` (their products and product lines
    loaded): the credit check, then the approval policy or the reservation."""
    also = {"submitted_by": actor, "payment_term": order.customer.payment_term}
    # Saved with the next change of the row (held, waiting for approval, or confirmed): one UPDATE, not two.
    transition(order, OrderStatus.SUBMITTED, actor=actor, also=also, save=False)
    problem = credit_problem(order, locked_customer=order.customer)
    if problem:
        return transition(order, OrderStatus.ON_HOLD, actor=actor, reason=problem)
    return route_for_approval(order, submitter=actor, actor=actor, lines=lines)


def place_order(*, actor: User, **draft) -> SalesOrder:
    """Create an order and submit it at once, in one transaction: a rep's "Save and submit" on a new order, and
    `POST /orders` with `submit: true`. The checks and events of `create_order` then `submit_order` (order.created,
    order.submitted and what the submission leads to, written with one INSERT); when either refuses, nothing is
    left behind, not even a draft. Returns the order as `submit_order` does.

    The customer is locked before the draft reads it, so the draft copies its terms as they are when the credit
    check runs; the new order needs neither a lock nor a second read (no other transaction can see it yet)."""
    with events.atomic(), events.all_or_nothing():
        lock_customer(draft.get("customer"))
        order = create_order(actor=actor, **draft)
        return submit_locked(order, submission_lines(order), actor=actor)


def lock_customer(customer) -> None:
    """Lock the customer's row for the rest of the transaction (PostgreSQL; on SQLite the write transaction holds
    the database already). Whether the actor may see the customer is checked by whoever reads it next."""
    if isinstance(customer, Customer) and connection.features.has_select_for_update:
        list(Customer.objects.select_for_update().filter(pk=customer.pk).values_list("pk"))


def submission_lines(order: SalesOrder) -> list[OrderLine]:
    """The lines a new order was created with, when their products come with their product lines (the approval
    policy reads them); otherwise read again with them (`order_lines`)."""
    lines = order._prefetched_objects_cache["lines"]
    if all(Product.line.is_cached(line.product) for line in lines):
        return lines
    lines = order_lines(order)
    set_prefetched(order, "lines", lines)
    return lines


def decision_task(order: SalesOrder, actor: User):
    """The actor's approval task waiting on this order, or why there is none."""
    task = pending_task_for(order, actor)
    if task is None:
        if not SalesOrder.objects.get(pk=order.pk).is_waiting_for_approval:
            raise ValidationError({"status": [_("This order is not waiting for approval.")]})
        raise PermissionDenied(_("This order is not waiting for your approval."))
    return task


def approve_order(order: SalesOrder, *, actor: User, comment: str = "") -> SalesOrder:
    """The actor approves their step of the order's approval (同意). When that completes the chain the engine
    confirms the order (`confirm_approved`). Returns the order as it is after the decision."""
    approvals.approve_task(decision_task(order, actor), actor=actor, comment=comment)
    return SalesOrder.objects.get(pk=order.pk)


def reject_order(order: SalesOrder, *, actor: User, comment: str) -> SalesOrder:
    """The actor rejects the order's approval (驳回), with a comment: the order is rejected (`reject_rejected`)."""
    comment = approvals.clean_comment(comment, required=True, message=_("Say why the order is rejected."))
    approvals.reject_task(decision_task(order, actor), actor=actor, comment=comment)
    return SalesOrder.objects.get(pk=order.pk)


def record_decision(order: SalesOrder, actor, comment: str) -> None:
    order.approved_by, order.decided_at, order.decision_comment = actor, clock.now(), comment[:MAX_COMMENT]
    order.save(update_fields=["approved_by", "decided_at", "decision_comment", "updated_at"])


def confirm_approved(order: SalesOrder, request, actor) -> SalesOrder:
    """Called by the approvals engine (inside its transaction, the order locked) when the order's approval
    chain is complete: records `order.approved`, checks credit again (it may have changed while the order
    waited), then confirms with stock reserved, or holds with the reason."""
    last = request.tasks.filter(status="approved").order_by("-decided_at", "-pk").first()
    record_decision(order, actor, last.comment if last else "")
    record_event("order.approved", order, actor=actor, after={"approval_request": request.pk})
    problem = credit_problem(order)
    if problem:
        return transition(order, OrderStatus.ON_HOLD, actor=actor, reason=problem)
    return confirm_or_hold(order, actor=actor)


def reject_rejected(order: SalesOrder, request, actor, comment: str) -> SalesOrder:
    """Called by the approvals engine when an approver rejects: the order is rejected, for good, and its unused
    prepayment becomes customer credit."""
    record_decision(order, actor, comment)
    give_back_stock(order, actor=actor)
    transition(order, OrderStatus.REJECTED, actor=actor, reason=comment)
    credit_unused_prepayment(order, actor=actor)
    return order


def return_to_draft(order: SalesOrder, request, actor, comment: str) -> SalesOrder:
    """Called by the approvals engine when an approver sends the order back to its submitter (退回) or the
    submitter withdraws it (撤回): it is a draft again, to be edited and submitted anew (a new approval)."""
    order.approval_reasons = []
    return transition(order, OrderStatus.DRAFT, actor=actor, reason=comment, also={"approval_reasons": []})


def give_back_stock(order: SalesOrder, *, actor) -> None:
    if order.is_stock_reserved:
        release_stock(stock_lines(order), source=order, actor=actor)
        order.is_stock_reserved = False
        order.save(update_fields=["is_stock_reserved", "updated_at"])


def cancel_order(order: SalesOrder, *, actor: User, comment: str = "") -> SalesOrder:
    """Cancel a draft, submitted, held or confirmed order; reserved stock is released and the unused prepayment
    becomes customer credit (`credit_unused_prepayment`) in the same transaction.

    A partially shipped order cannot be undone: cancelling it cancels its unshipped remainder (released to
    stock, recorded as each line's `cancelled_quantity`) and the order becomes shipped for what went out. If
    everything shipped is invoiced already, no invoice can use its prepayment any more: the unused part becomes
    customer credit; otherwise the last invoice uses it and credits what is left."""
    check_may_sell(actor)
    comment = clean_comment(comment, required=False)
    with transaction.atomic():
        locked = lock(order)
        if locked.status == OrderStatus.PARTIALLY_SHIPPED:
            return cancel_remainder(locked, actor=actor, comment=comment)
        if OrderStatus.CANCELLED not in transition_targets(locked):
            raise ValidationError({"status": [_("This order can no longer be cancelled.")]})
        give_back_stock(locked, actor=actor)
        transition(locked, OrderStatus.CANCELLED, actor=actor, reason=comment)
        credit_unused_prepayment(locked, actor=actor)
        return locked


def cancel_remainder(order: SalesOrder, *, actor: User, comment: str) -> SalesOrder:
    lines = list(order.lines.select_related("product"))
    remainder = [(line, line.remaining_quantity) for line in lines if line.remaining_quantity]
    give_back_stock(order, actor=actor)
    for line, quantity in remainder:
        line.cancelled_quantity += quantity
    OrderLine.objects.bulk_update([line for line, _quantity in remainder], ["cancelled_quantity"])
    also = {"cancelled_amount": cancelled_amount(order, lines)}
    data = {"cancelled": line_quantities(remainder), "cancelled_amount": str(also["cancelled_amount"])}
    reason = comment or _("Remainder cancelled.")
    transition(order, OrderStatus.SHIPPED, actor=actor, reason=reason, data=data, also=also)
    if not has_uninvoiced(lines):
        credit_unused_prepayment(order, actor=actor)
    return order


def has_uninvoiced(lines: list[OrderLine]) -> bool:
    """Whether the lines have something shipped, or still to ship, that no invoice covers yet."""
    return any(uninvoiced(line) for line in lines)


def cancelled_amount(order: SalesOrder, lines: list[OrderLine]) -> Decimal:
    """What the cancelled remainder of `order` is worth, so that it leaves the credit exposure: the order's total
    less what is invoiced and less what is shipped but not yet invoiced (each line's share of net and VAT, to the
    cent, as an invoice prices part of a line). When everything shipped is invoiced already, nothing of the order
    stays open, whatever the rounding of its invoices."""
    uninvoiced = sum(
        (sum(line.share_of(line.shipped_quantity - line.invoiced_quantity)) for line in lines), Decimal("0.00")
    )
    return max(order.total - order.invoiced_amount - uninvoiced, Decimal("0.00"))


def line_quantities(pairs: list[tuple[OrderLine, Decimal]]) -> list[dict]:
    """(order line, quantity) pairs as event data."""
    return to_json([{"line": line.position, "product": line.product.sku, "quantity": q} for line, q in pairs])


def transition_targets(order: SalesOrder) -> frozenset[str]:
    return TRANSITIONS.get(order.status, frozenset())


def hold_order(order: SalesOrder, *, actor: User, comment: str) -> SalesOrder:
    """Stop a submitted or confirmed order, with the reason. A confirmed order keeps its reserved stock."""
    if not may_hold(actor):
        raise PermissionDenied(_("Your role may not hold orders."))
    comment = clean_comment(comment, required=True, message=_("Say why the order is held."))
    with transaction.atomic():
        locked = lock(order)
        if OrderStatus.ON_HOLD not in transition_targets(locked):
            raise ValidationError({"status": [_("Only submitted or confirmed orders can be held.")]})
        return transition(locked, OrderStatus.ON_HOLD, actor=actor, reason=comment, held_by=actor)


def release_order(order: SalesOrder, *, actor: User, comment: str = "") -> SalesOrder:
    """Release a held order by running the checks again: the credit check, then the approval policy (unless
    an approval of this very content stands), then the stock reservation. If credit or stock still fall short,
    nothing changes and the answer says why."""
    if not may_hold(actor):
        raise PermissionDenied(_("Your role may not release orders."))
    comment = clean_comment(comment, required=False)
    with transaction.atomic():
        locked = lock(order)
        if locked.status != OrderStatus.ON_HOLD:
            raise ValidationError({"status": [_("Only orders on hold can be released.")]})
        if not may_release_hold(actor, locked):
            raise PermissionDenied(_("Only the person who held this order, finance or risk control may release it."))
        return run_release(locked, actor=actor, comment=comment)


def run_release(locked: SalesOrder, *, actor, comment: str = "") -> SalesOrder:
    """The checks of `release_order` on a held order locked by the caller, whoever may decide it checked by the
    caller: credit, then the approval policy (unless an approval of this content stands), then stock."""
    problem = credit_problem(locked)
    if problem:
        raise ValidationError({"__all__": [problem]})
    submitter = locked.submitted_by or locked.owner
    # An order confirmed before its hold passed its approval then; otherwise its approval must stand (given
    # for exactly this content), or the policy is asked again.
    if locked.confirmed_at is None and not approval_stands(locked):
        started = approvals.start_approval(locked, submitter=submitter, actor=actor, replaces_pending=True)
        if started.outcome != "approve":
            transition(locked, OrderStatus.SUBMITTED, actor=actor, reason=comment)
            return apply_routing(locked, started, actor=actor)
    shortage = reserve_for(locked, actor=actor)
    if shortage:
        raise ValidationError({"__all__": [shortage]})
    return transition(locked, OrderStatus.CONFIRMED, actor=actor, reason=comment, also={"is_stock_reserved": True})


def release_for_credit(order: SalesOrder, *, actor, comment: str) -> dict:
    """An approved credit release names this order (see customers/credit_release_actions.py): if it is still on
    hold, run the release checks (`run_release`) as the approver; when credit or stock still fall short it stays
    on hold (its savepoint rolled back) and the answer says why. Returns {"order", "status", "message"}."""
    try:
        with transaction.atomic():
            locked = lock(order)
            if locked.status != OrderStatus.ON_HOLD:
                return {"order": locked.number, "status": locked.status, "message": _("It was no longer on hold.")}
            released = run_release(locked, actor=actor, comment=comment)
            return {"order": released.number, "status": released.status, "message": ""}
    except ValidationError as exc:
        return {"order": order.number, "status": OrderStatus.ON_HOLD, "message": " ".join(exc.messages)}


def record_prepayment(order: SalesOrder, *, actor: User, amount) -> SalesOrder:
    """Finance records money received before delivery; it counts toward the order's payment (and reduces its
    credit exposure). The prepaid total never exceeds the order total, and an order with nothing left to invoice
    (closed, or everything it will bill invoiced) takes none: that money is a payment of the customer. Records
    `order.prepayment_recorded`."""
    if not may_record_prepayment(actor):
        raise PermissionDenied(_("Only finance records prepayments."))
    try:
        amount = Decimal(str(amount))
    except (InvalidOperation, ValueError):
        raise ValidationError({"amount": [_("Enter an amount.")]}) from None
    if not amount.is_finite() or amount <= 0 or amount >= MAX_AMOUNT:
        raise ValidationError({"amount": [_("Enter an amount above zero.")]})
    if amount != amount.quantize(Decimal("0.01")):
        raise ValidationError({"amount": [_("At most 2 decimal places.")]})
    with transaction.atomic():
        locked = lock(order)
        if locked.status in (OrderStatus.CANCELLED, OrderStatus.REJECTED):
            raise ValidationError({"status": [_("The order is closed.")]})
        if locked.status in (OrderStatus.INVOICED, OrderStatus.PAID) or not has_uninvoiced(list(locked.lines.all())):
            raise ValidationError(
                {"status": [_("Nothing is left to invoice on this order: record the money as a payment.")]}
            )
        before = locked.prepayment_amount
        if before + amount > locked.total:
            raise ValidationError({"amount": [_("Prepayments may not exceed the order total.")]})
        locked.prepayment_amount = before + amount
        locked.save(update_fields=["prepayment_amount", "updated_at"])
        record_event(
            "order.prepayment_recorded",
            locked,
            actor=actor,
            before=to_json({"prepayment_amount": before}),
            after=to_json({"prepayment_amount": locked.prepayment_amount}),
            data={"amount": amount},
        )
    return locked
