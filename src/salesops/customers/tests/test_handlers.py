"""Customer event side effects, delivered by the dispatcher after commit."""

from django.core import mail

from salesops.core.dispatch import deliver_pending
from salesops.customers.actions import create_customer, update_customer
from salesops.testing.org import credit_code, make_user


def test_a_rep_is_emailed_when_given_a_customer(org):
    rep = make_user("mailed_rep", "sales_rep", org.a.team, email="rep@example.com")
    mail.outbox.clear()

    customer = create_customer(
        actor=org.admin, name="邮件通知有限公司", credit_code=credit_code(), office=org.a.office, owner=rep
    )
    assert mail.outbox == []  # nothing is sent inside the transaction

    deliver_pending()

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["rep@example.com"]
    assert "邮件通知有限公司" in message.subject
    assert message.extra_headers["X-Salesops-Event"]

    # Changing something else, or taking a customer oneself, sends nothing more
    update_customer(customer, actor=org.admin, changes={"status": "inactive"})
    update_customer(customer, actor=rep, changes={"owner": rep})
    deliver_pending()
    assert len(mail.outbox) == 1


def test_customers_follow_their_office_into_another_region(org):
    from salesops.accounts.actions import save_org_unit
    from salesops.customers.queries import visible_customers

    office = org.a.office
    office.parent = org.b.region
    save_org_unit(office, actor=org.admin)
    deliver_pending()

    org.a.customer.refresh_from_db()
    office.refresh_from_db()
    org.a.team.refresh_from_db()
    assert org.a.customer.region == org.b.region
    assert office.path == f"{org.b.region.path}{office.pk}/"
    assert org.a.team.path.startswith(office.path)
    assert org.a.customer in visible_customers(org.b.user("regional_director"))
    assert org.a.customer not in visible_customers(org.a.user("regional_director"))
