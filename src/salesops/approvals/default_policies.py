"""The approval policies a new installation starts with. Sales orders: the rules of the gate it replaced.

An order needs its submitter's manager's approval when a discount (the order's or a line's) is beyond the
submitter's limit (above what their role may give and not covered by a special discount authorisation valid
then: `beyond_limit`, decided in catalog/authorisations.py), or when its total is above 200,000 CNY.
Administrators change it like any policy (a new draft, validated, simulated, activated); the data migration
loads it once.
"""

ORDER_POLICY = {
    "rules": [
        {
            "name": "折扣超出权限",
            "condition": "order.beyond_limit || order.lines.exists(l, l.beyond_limit)",
            "outcome": "route",
            "message": "折扣超出提交人的折扣权限",
            "steps": [{"name": "主管审批", "approvers": [{"kind": "manager"}], "mode": "any", "due_hours": "8"}],
        },
        {
            "name": "大额订单",
            "condition": "order.total > 200000",
            "outcome": "route",
            "message": "订单金额超过 200,000 元",
            "steps": [{"name": "主管审批", "approvers": [{"kind": "manager"}], "mode": "any", "due_hours": "8"}],
        },
    ]
}

# Quotes: a discount (the quote's or a line's) beyond the submitter's limit (as for orders) needs the submitter's
# manager before the quote goes to the customer (the rule that refused such quotes before the engine).
QUOTE_POLICY = {
    "rules": [
        {
            "name": "折扣超出权限",
            "condition": "quote.beyond_limit || quote.lines.exists(l, l.beyond_limit)",
            "outcome": "route",
            "message": "报价折扣超出提交人的折扣权限",
            "steps": [{"name": "主管审批", "approvers": [{"kind": "manager"}], "mode": "any", "due_hours": "8"}],
        },
    ]
}

# Credit releases (lifting a customer's credit hold or freeze, raising its limit): finance approves; an increase
# of 1,000,000 CNY or more needs the regional director after finance.
CREDIT_RELEASE_POLICY = {
    "rules": [
        {
            "name": "财务审批",
            "condition": "true",
            "outcome": "route",
            "message": "信用放行需财务审批",
            "steps": [
                {
                    "name": "财务审批",
                    "approvers": [{"kind": "role", "value": "finance"}],
                    "mode": "any",
                    "due_hours": "8",
                }
            ],
        },
        {
            "name": "大额提额",
            "condition": "credit_release.increase >= 1000000",
            "outcome": "route",
            "message": "提额 1,000,000 元及以上需区域总监审批",
            "steps": [{"name": "区域总监审批", "approvers": [{"kind": "director"}], "mode": "any", "due_hours": "16"}],
        },
    ]
}

# Before special discount authorisations, the discount rules of the order and quote policies compared with the
# submitter's limit alone; orders/migrations/0009 moves installed policies still using them to `beyond_limit`.
OLD_DISCOUNT_CONDITIONS = {
    "order.discount_percent > submitter.discount_limit"
    " || order.lines.exists(l, l.discount_percent > submitter.discount_limit)": "order.beyond_limit"
    " || order.lines.exists(l, l.beyond_limit)",
    "quote.discount_percent > submitter.discount_limit"
    " || quote.lines.exists(l, l.discount_percent > submitter.discount_limit)": "quote.beyond_limit"
    " || quote.lines.exists(l, l.beyond_limit)",
}

# Special discount authorisations (a standing discount for a customer or customer group): the requester's manager;
# above 30 %, the manager and then the regional director.
DISCOUNT_AUTHORISATION_POLICY = {
    "rules": [
        {
            "name": "主管审批",
            "condition": "true",
            "outcome": "route",
            "message": "特殊折扣授权需主管审批",
            "steps": [{"name": "主管审批", "approvers": [{"kind": "manager"}], "mode": "any", "due_hours": "8"}],
        },
        {
            "name": "高折扣",
            "condition": "authorisation.max_discount_percent > 30",
            "outcome": "route",
            "message": "折扣超过 30% 需区域总监审批",
            "steps": [{"name": "区域总监审批", "approvers": [{"kind": "director"}], "mode": "any", "due_hours": "16"}],
        },
    ]
}
