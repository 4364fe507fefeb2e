"""The fields billing lists can be ordered by: public name -> ORM path."""

INVOICE_ORDERING = {
    "number": "number",
    "issue_date": "issue_date",
    "due_date": "due_date",
    "total": "total",
    "status": "status",
    "customer": "customer__name",
}
INVOICE_DEFAULT_ORDERING = "-issue_date,-number"
PAYMENT_ORDERING = {"number": "number", "received_on": "received_on", "amount": "amount", "customer": "customer__name"}
PAYMENT_DEFAULT_ORDERING = "-received_on,-number"
CORRECTION_ORDERING = {"number": "number", "created_at": "created_at", "total": "total", "status": "status"}
CORRECTION_DEFAULT_ORDERING = "-created_at"
