"""Customer pages: list with search and htmx, detail with timeline, create, edit, delete, CSV, phone layout."""

from django.urls import reverse

from salesops.core.models import Event
from salesops.customers.models import Customer
from salesops.testing.org import credit_code


def form_data(org, **overrides):
    return {
        "name": "页面客户有限公司",
        "credit_code": credit_code(),
        "status": "active",
        "office": org.a.office.pk,
        "owner": org.a.user("sales_rep").pk,
        **overrides,
    }


def test_list_searches_and_answers_htmx_with_the_results_partial(org, client_for):
    client = client_for(org.a.user("regional_director"))

    full = client.get(reverse("customers:list"), {"q": "Region a"})
    partial = client.get(reverse("customers:list"), {"q": "nothing like this"}, HTTP_HX_REQUEST="true")

    assert org.a.customer.name in full.content.decode()
    assert "<html" in full.content.decode()
    assert "<html" not in partial.content.decode()
    assert 'id="results"' in partial.content.decode()
    assert org.a.customer.name not in partial.content.decode()


def test_detail_shows_fields_and_the_timeline(org, client_for):
    page = client_for(org.a.user("sales_rep")).get(reverse("customers:detail", args=[org.a.customer.pk]))
    html = page.content.decode()
    assert org.a.customer.credit_code in html
    assert "customer.created" in html
    assert 'data-testid="event"' in html


def test_create_edit_and_delete_through_the_pages(org, client_for):
    client = client_for(org.a.user("sales_rep"))

    created = client.post(reverse("customers:create"), form_data(org))
    customer = Customer.objects.get(name="页面客户有限公司")
    assert created.status_code == 302
    assert created["Location"] == reverse("customers:detail", args=[customer.pk])

    client.post(
        reverse("customers:edit", args=[customer.pk]),
        form_data(org, credit_code=customer.credit_code, status="inactive"),
    )
    customer.refresh_from_db()
    assert customer.status == "inactive"

    client.post(reverse("customers:delete", args=[customer.pk]))
    assert not Customer.objects.filter(pk=customer.pk).exists()
    assert list(
        Event.objects.filter(subject_id=str(customer.pk), subject_type="customers.customer")
        .order_by("id")
        .values_list("type", flat=True)
    ) == ["customer.created", "customer.updated", "customer.deleted"]


def test_bad_credit_code_is_shown_on_the_field_and_nothing_is_created(org, client_for):
    client = client_for(org.a.user("sales_rep"))
    response = client.post(reverse("customers:create"), form_data(org, credit_code="91350100M000100Y44"))
    assert response.status_code == 200
    assert "credit_code" in response.context["form"].errors
    assert not Customer.objects.filter(name="页面客户有限公司").exists()


def test_list_exports_csv_with_the_same_filters(org, client_for):
    response = client_for(org.a.user("regional_director")).get(reverse("customers:list"), {"format": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert response["Content-Type"].startswith("text/csv")
    assert org.a.customer.credit_code in text
    assert org.b.customer.credit_code not in text


def test_pages_need_a_sign_in(org, client):
    response = client.get(reverse("customers:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_layout_is_built_for_phones(org, client_for):
    html = client_for(org.a.user("sales_rep")).get(reverse("customers:list")).content.decode()
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in html
    assert 'class="responsive"' in html
    assert 'data-label="' in html


def test_the_form_offers_only_reachable_offices_and_owners(org, client_for):
    rep_form = client_for(org.a.user("sales_rep")).get(reverse("customers:create")).context["form"]
    assert list(rep_form.fields["office"].queryset) == [org.a.office]
    assert list(rep_form.fields["owner"].queryset) == [org.a.user("sales_rep")]


def test_pager_links_keep_the_filters(org, client_for):
    from salesops.customers.models import Customer
    from salesops.testing.org import credit_code as code

    director = client_for(org.a.user("regional_director"))
    for index in range(30):
        Customer.objects.create(
            name=f"Paged {index:02d}",
            credit_code=code(),
            office=org.a.office,
            region=org.a.region,
            owner=org.a.user("sales_rep"),
            status="prospect",
        )
    html = director.get(reverse("customers:list"), {"status": "prospect", "ordering": "-name"}).content.decode()
    assert "?status=prospect&amp;ordering=-name&amp;page=2" in html


def test_the_timeline_reads_as_sentences_with_names_not_ids(org, client_for):
    from salesops.customers.actions import update_customer

    director = org.a.user("regional_director")
    update_customer(org.a.customer, actor=director, changes={"status": "inactive"})
    client = client_for(director)
    client.post(reverse("set_language"), {"language": "en"})

    html = client.get(reverse("customers:detail", args=[org.a.customer.pk])).content.decode()

    assert "regional_director_a</strong> changed" in html
    assert "status: <del>active</del> → inactive" in html
    assert f"owner: {org.a.user('sales_rep')}" in html  # the creation shows the owner's name, not an id
    assert "updated_at" not in html
