"""Contact and address pages: the customer page shows them with tel:, mailto: and map links; the forms add, edit,
deactivate and delete through the actions; the contacts list searches, filters and exports; refusals."""

from django.urls import reverse

from salesops.core.models import Event
from salesops.customers.models import Contact, CustomerAddress
from salesops.customers.tests.fixtures import add_contact, reload


def contact_form(**overrides) -> dict:
    return {
        "name": "李娜",
        "job_title": "财务主管",
        "mobile_phone": "139 0000 1111",
        "email": "li.na@example.com",
        **overrides,
    }


def address_form(**overrides) -> dict:
    return {
        "kind": "billing",
        "label": "注册地址",
        "province": "广东省",
        "city": "广州市",
        "district": "天河区",
        "street": "天河路 385 号",
        "postal_code": "510620",
        "latitude": "23.131700",
        "longitude": "113.327300",
        **overrides,
    }


def test_customer_page_shows_contacts_and_addresses_with_phone_friendly_links(org, client_for, contact_a, address_a):
    add_contact(org.a.customer, org.admin, name="张敏", office_phone="021-58881234 转 801")
    gone = add_contact(org.a.customer, org.admin, name="前同事")
    client = client_for(org.a.user("sales_rep"))
    client.post(reverse("customers:contact_deactivate", args=[gone.pk]))

    html = client.get(reverse("customers:detail", args=[org.a.customer.pk])).content.decode()

    assert 'href="tel:13812345678">138 1234 5678</a>' in html
    assert 'href="tel:02158881234,801">021-58881234 转 801</a>' in html
    assert 'href="mailto:wang.wei@example.com"' in html
    assert html.count('data-testid="contact"') == 2
    assert html.count('data-testid="primary-contact"') == 1
    assert html.count('data-testid="inactive-contact"') == 1
    assert "https://www.openstreetmap.org/?mlat=31.203900&amp;mlon=121.590300#map=17/31.203900/121.590300" in html
    assert 'href="tel:13900001111"' in html
    assert "上海市浦东新区张江路 88 号" in html
    assert reverse("customers:contact_create", args=[org.a.customer.pk]) in html
    assert reverse("customers:address_edit", args=[address_a.pk]) in html


def test_read_only_roles_see_contacts_without_the_forms(org, client_for, contact_a, address_a):
    html = client_for(org.a.user("finance")).get(reverse("customers:detail", args=[org.a.customer.pk])).content.decode()
    assert "138 1234 5678" in html
    assert reverse("customers:contact_create", args=[org.a.customer.pk]) not in html
    assert reverse("customers:contact_edit", args=[contact_a.pk]) not in html
    assert reverse("customers:address_delete", args=[address_a.pk]) not in html


def test_add_edit_and_deactivate_a_contact_through_the_pages(org, client_for, contact_a):
    client = client_for(org.a.user("sales_rep"))
    detail = reverse("customers:detail", args=[org.a.customer.pk])

    form_page = client.get(reverse("customers:contact_create", args=[org.a.customer.pk]))
    assert form_page.status_code == 200
    assert 'type="tel"' in form_page.content.decode()
    created = client.post(reverse("customers:contact_create", args=[org.a.customer.pk]), contact_form(is_primary="on"))
    assert (created.status_code, created["Location"]) == (302, f"{detail}#contacts")
    contact = Contact.objects.get(name="李娜")
    assert (contact.mobile_phone, contact.is_primary, reload(contact_a).is_primary) == ("13900001111", True, False)

    edit_url = reverse("customers:contact_edit", args=[contact.pk])
    page = client.get(edit_url)
    assert page.context["form"].initial["mobile_phone"] == "13900001111"
    assert 'data-event-type="contact.created"' in page.content.decode()  # the contact's timeline
    client.post(edit_url, contact_form(department="财务部", is_primary="on", is_active="on"))
    assert reload(contact).department == "财务部"

    assert client.get(reverse("customers:contact_deactivate", args=[contact.pk])).status_code == 405
    client.post(reverse("customers:contact_deactivate", args=[contact.pk]))
    assert (reload(contact).is_active, reload(contact).is_primary) == (False, False)
    assert [e.type for e in Event.objects.filter(subject_type="customers.contact", subject_id=str(contact.pk))] == [
        "contact.deactivated",
        "contact.updated",
        "contact.created",
    ]

    client.post(edit_url, contact_form(is_active="on"))
    assert reload(contact).is_active


def test_bad_contact_input_is_shown_on_its_field_and_nothing_is_saved(org, client_for, contact_a):
    client = client_for(org.a.user("sales_rep"))
    before = Contact.objects.count()

    response = client.post(
        reverse("customers:contact_create", args=[org.a.customer.pk]),
        contact_form(mobile_phone="12345", email="li.na@", wechat_id="a"),
    )
    edited = client.post(reverse("customers:contact_edit", args=[contact_a.pk]), contact_form(office_phone="n/a"))

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"mobile_phone", "email", "wechat_id"}
    assert set(edited.context["form"].errors) == {"office_phone"}
    assert Contact.objects.count() == before
    assert reload(contact_a).name == "王伟"


def test_add_edit_and_delete_an_address_through_the_pages(org, client_for, address_a):
    client = client_for(org.a.user("sales_rep"))
    detail = reverse("customers:detail", args=[org.a.customer.pk])

    page = client.get(reverse("customers:address_create", args=[org.a.customer.pk]), {"kind": "billing"})
    assert page.context["form"].initial == {"kind": "billing"}
    created = client.post(reverse("customers:address_create", args=[org.a.customer.pk]), address_form())
    assert (created.status_code, created["Location"]) == (302, f"{detail}#addresses")
    billing = CustomerAddress.objects.get(kind="billing")
    assert (billing.is_default, str(billing.latitude)) == (True, "23.131700")  # the first billing address

    second = client.post(
        reverse("customers:address_create", args=[org.a.customer.pk]),
        address_form(kind="shipping", label="二号仓", recipient_name="赵强", recipient_phone="020-38881234"),
    )
    assert second.status_code == 302
    assert CustomerAddress.objects.get(label="二号仓").is_default is False  # the shipping default stays

    edit_url = reverse("customers:address_edit", args=[billing.pk])
    assert 'data-event-type="address.created"' in client.get(edit_url).content.decode()
    client.post(edit_url, address_form(street="天河路 400 号", is_default="on"))
    assert (reload(billing).street, reload(billing).is_default) == ("天河路 400 号", True)
    # Unticking "default" on an existing address clears it
    client.post(edit_url, address_form(street="天河路 400 号"))
    assert reload(billing).is_default is False
    assert 'data-testid="no-default"' in client.get(detail).content.decode()

    delete_url = reverse("customers:address_delete", args=[billing.pk])
    assert "天河路 400 号" in client.get(delete_url).content.decode()
    assert client.post(delete_url).status_code == 302
    assert not CustomerAddress.objects.filter(pk=billing.pk).exists()


def test_bad_address_input_is_shown_on_its_field_and_nothing_is_saved(org, client_for):
    client = client_for(org.a.user("sales_rep"))
    url = reverse("customers:address_create", args=[org.a.customer.pk])

    out_of_range = client.post(url, address_form(latitude="91"))
    half = client.post(url, address_form(longitude=""))
    shipping = client.post(url, address_form(kind="shipping"))

    assert set(out_of_range.context["form"].errors) == {"latitude"}
    assert set(half.context["form"].errors) == {"longitude"}
    assert set(shipping.context["form"].errors) == {"recipient_name", "recipient_phone"}
    assert CustomerAddress.objects.count() == 0


def test_contacts_list_searches_filters_and_exports(org, client_for, contact_a, contact_b):
    client = client_for(org.admin)
    other = add_contact(org.a.customer, org.admin, name="李娜", mobile_phone="13900001111", email="")
    client.post(reverse("customers:contact_deactivate", args=[other.pk]))
    url = reverse("customers:contacts")

    first_visit = client.get(url)
    everyone = client.get(url, {"is_active": ""})
    by_phone = client.get(url, {"q": "138 1234", "customer_id": org.a.customer.pk}, HTTP_HX_REQUEST="true")
    export = client.get(url, {"q": "赵", "format": "csv"})

    assert [c.name for c in first_visit.context["page"]] == ["王伟", "赵强"]
    assert {c.name for c in everyone.context["page"]} == {"王伟", "赵强", "李娜"}
    assert [c.name for c in by_phone.context["page"]] == ["王伟"]
    assert "<html" not in by_phone.content.decode()
    assert 'href="tel:13812345678"' in by_phone.content.decode()
    text = b"".join(export.streaming_content).decode("utf-8-sig")
    assert len(text.splitlines()) == 2
    assert "赵强" in text
    assert [name for _pk, name in first_visit.context["customers"]] == sorted(
        [org.a.customer.name, org.b.customer.name]
    )


def test_contacts_list_page_runs_a_fixed_number_of_queries(org, client_for, django_assert_max_num_queries):
    director = org.a.user("regional_director")
    for n in range(30):
        add_contact(org.a.customer, director, name=f"联系人{n:02d}")
    client = client_for(director)
    client.get(reverse("customers:contacts"))  # warm the session
    with django_assert_max_num_queries(10):
        response = client.get(reverse("customers:contacts"))
    assert len(response.context["page"]) == 25


def test_customers_list_links_to_the_contacts(org, client_for):
    html = client_for(org.a.user("sales_rep")).get(reverse("customers:list")).content.decode()
    assert f'href="{reverse("customers:contacts")}"' in html


def test_roles_that_do_not_change_customers_get_no_forms(org, client_for, contact_a, address_a):
    before = (Contact.objects.count(), CustomerAddress.objects.count(), Event.objects.count())
    for role in ("finance", "dealer"):
        client = client_for(org.a.user(role))
        responses = [
            client.get(reverse("customers:contact_create", args=[org.a.customer.pk])),
            client.post(reverse("customers:contact_create", args=[org.a.customer.pk]), contact_form()),
            client.post(reverse("customers:contact_edit", args=[contact_a.pk]), contact_form()),
            client.post(reverse("customers:contact_deactivate", args=[contact_a.pk])),
            client.post(reverse("customers:address_create", args=[org.a.customer.pk]), address_form()),
            client.post(reverse("customers:address_edit", args=[address_a.pk]), address_form()),
            client.post(reverse("customers:address_delete", args=[address_a.pk])),
        ]
        assert [r.status_code for r in responses] == [403] * 7, role
    assert (Contact.objects.count(), CustomerAddress.objects.count(), Event.objects.count()) == before
    assert reload(contact_a).is_active
