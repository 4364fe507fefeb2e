"""The approval policy a new installation starts with, for sales orders: the rules of the gate it replaced.

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
