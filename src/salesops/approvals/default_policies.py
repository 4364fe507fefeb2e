"""The approval policies a new installation starts with. Sales orders: the rules of the gate it replaced.

An order needs its submitter's manager's approval when a discount (the order's or a line's) is above what the
submitter's role may give, or when its total is above 200,000 CNY. Administrators change it like any policy
(a new draft, validated, simulated, activated); the data migration loads it once.
"""

ORDER_POLICY = {
    "rules": [
        {
            "name": "折扣超出权限",
            "condition": "order.discount_percent > submitter.discount_limit"
            " || order.lines.exists(l, l.discount_percent > submitter.discount_limit)",
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

# Quotes: a discount (the quote's or a line's) above what the submitter's role may give needs the submitter's
# manager before the quote goes to the customer (the rule that refused such quotes before the engine).
QUOTE_POLICY = {
    "rules": [
        {
            "name": "折扣超出权限",
            "condition": "quote.discount_percent > submitter.discount_limit"
            " || quote.lines.exists(l, l.discount_percent > submitter.discount_limit)",
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
