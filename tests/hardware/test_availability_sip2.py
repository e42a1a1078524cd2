"""The SIP2 availability driver against a real SIP2 server on loopback (never a mock)."""

from __future__ import annotations

import asyncio
import threading
import time
from datetime import date
from typing import Any

import pytest

from hardware import registry
from hardware.availability import AvailabilityError, Circulation, parse_due
from hardware.availability.sip2 import MAX_FRAME, Sip2Availability
from tests.sip2_server import Item, Sip2Server

ITEMS = {
    "B1": Item("03", permanent="Main", current="the children's section", title="Pippi"),
    "B2": Item("04", due="20261203    235900", permanent="Main"),
    "B3": Item("04", due="2026-11-30T23:59:00+01:00", permanent="Branch"),
    "B4": Item("08", permanent="Main", message="Waiting for a borrower"),
}


def _deadline(seconds: float = 2.0) -> float:
    return time.monotonic() + seconds


def test_logs_in_asks_status_and_each_item_on_one_connection() -> None:
    with Sip2Server(ITEMS) as server:
        driver = Sip2Availability(**server.options(location="Main"))
        first = driver.lookup(["B2", "B1", "B4"], _deadline())
        second = driver.lookup(["B3"], _deadline())
        driver.close()
    assert [c.barcode for c in first.copies] == ["B2", "B1", "B4"]  # all at "Main"
    b2, b1, b4 = first.copies
    assert b1.status is Circulation.AVAILABLE and b1.location == "the children's section"
    assert b2.status is Circulation.CHARGED and b2.due == date(2026, 12, 3)
    assert b4.status is Circulation.ON_HOLD_SHELF and b4.screen_message == "Waiting for a borrower"
    assert first.total == 3 and len(first.on_shelf) == 1 and first.first_due == date(2026, 12, 3)
    assert second.copies[0].due == date(2026, 11, 30)  # ISO with zone, as Koha sends it
    assert server.state.connections == 1 and server.state.logins == 1  # kept open
    assert server.state.item_requests == 4
    # Sequence numbers go round 0-9, one per request: login, status, then the items.
    assert server.state.seen_sequences == [0, 1, 2, 3, 4, 5]


def test_copies_at_the_kiosks_location_come_first() -> None:
    with Sip2Server(ITEMS) as server:
        driver = Sip2Availability(**server.options(location="Branch"))
        answer = driver.lookup(["B1", "B2", "B3"], _deadline())
        driver.close()
    assert [c.barcode for c in answer.copies] == ["B3", "B1", "B2"]


def test_asks_a_bounded_number_of_copies() -> None:
    items = {f"C{i}": Item("03") for i in range(20)}
    with Sip2Server(items) as server:
        driver = Sip2Availability(**server.options(max_items=3))
        answer = driver.lookup(list(items), _deadline())
        driver.close()
    assert len(answer.copies) == 3 and answer.total == 20
    assert server.state.item_requests == 3


def test_refused_login_says_so_without_the_password() -> None:
    with Sip2Server(ITEMS, fault="refuse-login") as server:
        driver = Sip2Availability(**server.options())
        with pytest.raises(AvailabilityError) as caught:
            driver.lookup(["B1"], _deadline())
        driver.close()
    assert "refused the login" in str(caught.value)
    assert server.state.password not in str(caught.value)
    assert server.state.password not in repr(driver)


def test_a_server_that_never_answers_costs_the_deadline_and_no_more() -> None:
    with Sip2Server(ITEMS, fault="silent") as server:
        driver = Sip2Availability(**server.options())
        started = time.monotonic()
        with pytest.raises(AvailabilityError, match="in time"):
            driver.lookup(["B1"], time.monotonic() + 0.3)
        took = time.monotonic() - started
        driver.close()
    assert took < 2.0  # the deadline (0.3 s) plus scheduling on a loaded machine


def test_a_server_that_hangs_up_after_login_is_reconnected_next_time() -> None:
    with Sip2Server(ITEMS, fault="close-after-login") as server:
        driver = Sip2Availability(**server.options())
        with pytest.raises(AvailabilityError, match="closed the connection"):
            driver.lookup(["B1"], _deadline())
        server.state.fault = None
        answer = driver.lookup(["B1"], _deadline())
        driver.close()
    assert answer.copies[0].status is Circulation.AVAILABLE
    assert server.state.connections == 2 and server.state.logins == 2


def test_a_wrong_checksum_is_refused() -> None:
    with Sip2Server(ITEMS, fault="bad-checksum") as server:
        driver = Sip2Availability(**server.options())
        with pytest.raises(AvailabilityError, match="checksum"):
            driver.lookup(["B1"], _deadline())
        driver.close()


def test_unknown_fields_are_ignored() -> None:
    with Sip2Server(ITEMS, fault="unknown-fields") as server:
        driver = Sip2Availability(**server.options())
        answer = driver.lookup(["B2"], _deadline())
        driver.close()
    assert answer.copies[0].status is Circulation.CHARGED


def test_a_megabyte_answer_is_refused_at_the_frame_limit() -> None:
    with Sip2Server(ITEMS, fault="huge") as server:
        driver = Sip2Availability(**server.options())
        with pytest.raises(AvailabilityError, match=f"more than {MAX_FRAME} bytes"):
            driver.lookup(["B1"], _deadline(5.0))
        assert len(driver._buffer) == 0  # nothing of it kept
        driver.close()


def test_an_offline_server_says_why() -> None:
    with Sip2Server(ITEMS, fault="offline") as server:
        driver = Sip2Availability(**server.options())
        with pytest.raises(AvailabilityError, match="offline: Closed for maintenance"):
            driver.lookup(["B1"], _deadline())
        driver.close()


def test_nobody_listening_is_one_clear_error() -> None:
    with Sip2Server(ITEMS) as server:
        port = server.port
    driver = Sip2Availability(host="127.0.0.1", port=port, user="kiosk", password="x")
    with pytest.raises(AvailabilityError, match="cannot be reached"):
        driver.lookup(["B1"], _deadline())


def test_check_for_doctor_never_shows_the_password() -> None:
    with Sip2Server(ITEMS) as server:
        line = Sip2Availability(**server.options()).check()
    assert "Loopback Library" in line and "kiosk" in line
    assert server.state.password not in line


def test_the_driver_is_found_through_its_entry_point_and_options_are_checked() -> None:
    info = registry.driver(registry.AVAILABILITY, "sip2")
    assert {o.name for o in info.options} >= {
        "host", "port", "user", "password", "location", "institution", "tls"
    }
    with pytest.raises(registry.DriverOptionsError) as caught:
        registry.create(registry.AVAILABILITY, "sip2", None, {"host": "ils", "port": "six"})
    assert "port" in str(caught.value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("20261203    235900", date(2026, 12, 3)),  # SIP2's own format
        ("20261203ZZZZ235900", date(2026, 12, 3)),
        ("2026-12-03", date(2026, 12, 3)),
        ("2026-12-03 23:59:00", date(2026, 12, 3)),  # Koha
        ("2026-12-03T23:59:59-0500", date(2026, 12, 3)),  # Evergreen
        ("20261203", date(2026, 12, 3)),
        ("03.12.2026", date(2026, 12, 3)),
        ("12/03/2026", date(2026, 12, 3)),  # American, month first
        ("25/12/2026", date(2026, 12, 25)),  # cannot be month first
        ("", None),
        ("soon", None),
        ("2026-13-45", None),
        ("9" * 10_000, None),
    ],
)
def test_due_dates_in_the_forms_servers_send(text: str, expected: date | None) -> None:
    assert parse_due(text) == expected


def test_works_against_pysip2s_own_server() -> None:
    """The codec's AnyIO server, as a second, independent implementation of the ACS side."""
    import pysip2

    app = pysip2.SIP2Server(institution_id="TEST", library_name="AnyIO Library")

    @app.route(pysip2.LOGIN)
    def login(request: pysip2.LoginRequest, _ctx: Any) -> pysip2.LoginResponse:
        return pysip2.LoginResponse(ok="1" if request.login_password == "pw" else "0")

    @app.route(pysip2.ITEM_INFORMATION)
    def item(request: pysip2.ItemInformationRequest, _ctx: Any) -> pysip2.ItemInformationResponse:
        return pysip2.ItemInformationResponse(
            circulation_status="03", security_marker="00", fee_type="01",
            transaction_date="20261201    120000", item_identifier=request.item_identifier,
            title_identifier="Pippi", current_location="Barn",
        )

    ready = threading.Event()
    holder: dict[str, Any] = {}

    def run() -> None:
        async def main() -> None:
            import anyio
            from anyio.abc import SocketAttribute

            listener = await app.listen("127.0.0.1", 0)
            holder["port"] = listener.extra(SocketAttribute.local_port)
            holder["loop"] = asyncio.get_running_loop()
            holder["stop"] = stop = asyncio.Event()
            async with anyio.create_task_group() as group:
                group.start_soon(listener.serve, app._handle_connection)
                ready.set()
                await stop.wait()
                group.cancel_scope.cancel()

        asyncio.run(main())

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    assert ready.wait(10)
    try:
        driver = Sip2Availability(host="127.0.0.1", port=holder["port"], user="k", password="pw")
        answer = driver.lookup(["X1"], _deadline())
        driver.close()
    finally:
        holder["loop"].call_soon_threadsafe(holder["stop"].set)
        thread.join(5)
    assert answer.copies[0].status is Circulation.AVAILABLE
    assert answer.copies[0].location == "Barn"


def test_a_barcode_the_server_does_not_know_is_not_a_copy_off_the_shelf() -> None:
    with Sip2Server(ITEMS) as server:  # "ZZ9" is not among its items: status 01, no title
        driver = Sip2Availability(**server.options())
        answer = driver.lookup(["ZZ9", "B1"], _deadline())
        driver.close()
    assert [c.barcode for c in answer.copies] == ["B1"] and answer.total == 2
