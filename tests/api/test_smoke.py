def test_a_customer_opens_a_ticket(ticket):
    assert ticket["status"] == "open"
