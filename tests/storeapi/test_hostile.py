"""Malformed, oversized, hostile and unicode input: a clean sentence (400, 413), never a 500,
and nothing written (no served version recorded, no id stored)."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backroom.storeapi.woo_v3 import wire
from backroom.stores.models import CallError, SyncState
from tests.storeapi.conftest import BASE, STORE_ADDRESS

PAGED = ["syncProductsToStore", "syncVariationsToStore"]
PAIR_REPORTS = [
    "syncProductCategoriesIds",
    "syncProductAttributesIds",
    "syncAttributeTermsIds",
    "syncProductsIds",
    "syncVariationsIds",
]


def state(store) -> list[tuple]:
    return list(
        SyncState.objects.filter(store=store)
        .order_by("pk")
        .values_list("kind", "item_id", "woo_id", "version", "served_version", "confirmed_version")
    )


def refused(response, status: int, message: str) -> None:
    assert (response.status_code, response["Content-Type"]) == (status, "text/plain; charset=utf-8")
    assert response.content.decode() == message


# -- paging parameters -----------------------------------------------------------------------------


@pytest.mark.parametrize("endpoint", PAGED)
@pytest.mark.parametrize(
    ("first", "size", "message"),
    [
        (None, "100", "The parameter first_result is missing."),
        ("0", None, "The parameter max_results is missing."),
        ("", "100", "The parameter first_result must be a whole number from 0."),
        ("-1", "100", "The parameter first_result must be a whole number from 0."),
        ("0", "-100", "The parameter max_results must be a whole number from 0."),
        ("1.5", "100", "The parameter first_result must be a whole number from 0."),
        ("1e2", "100", "The parameter first_result must be a whole number from 0."),
        ("+1", "100", "The parameter first_result must be a whole number from 0."),
        (" 1", "100", "The parameter first_result must be a whole number from 0."),
        ("0x10", "100", "The parameter first_result must be a whole number from 0."),
        ("١٠٠", "100", "The parameter first_result must be a whole number from 0."),
        ("9" * 10, "100", "The parameter first_result must be a whole number from 0."),
        ("0", "1" + "0" * 30, "The parameter max_results must be a whole number from 0."),
        ("0", "501", "The parameter max_results must be at most 500."),
        ("0\x00", "100", "The parameter first_result must be a whole number from 0."),
        (["0", "100"], "100", "The parameter first_result is given more than once."),
    ],
)
def test_bad_paging_parameters(plugin, store, shop, endpoint, first, size, message):
    params = {}
    if first is not None:
        params["first_result"] = first
    if size is not None:
        params["max_results"] = size

    response = plugin.get(endpoint, **params)

    refused(response, 400, message)
    assert state(store) == []
    assert CallError.objects.get(store=store).message == message


@pytest.mark.parametrize("endpoint", PAGED)
def test_empty_and_far_pages(plugin, shop, endpoint):
    key = endpoint.removeprefix("sync").removesuffix("ToStore").lower()
    for first, size in (("0", "0"), ("999999999", "500"), ("2", "500")):
        response = plugin.get(endpoint, first_result=first, max_results=size)
        assert response.status_code == 200
        assert json.loads(response.content) == {"queryResultCode": 1, key: []}


def test_unknown_parameters_are_ignored(plugin, shop):
    response = plugin.get(
        "countProductsToStoreSync", lang="de'; DROP TABLE stores;--", plugin_version="x"
    )
    assert json.loads(response.content) == {"queryResultCode": 1, "productCount": 2}


# -- bodies ----------------------------------------------------------------------------------------

NOT_JSON = "The request body is not valid JSON."
NOT_OBJECT = "The request body must be a JSON object."


def with_key(key: str, ids: str) -> bytes:
    return ('{"crmSecretKey":"' + key + '","idsSet":' + ids + "}").encode()


@pytest.mark.parametrize("endpoint", PAIR_REPORTS + ["deleteWooIdsFromProducts"])
@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", NOT_JSON),
        (b"not json", NOT_JSON),
        (b'{"crmSecretKey":"k","orders":}', NOT_JSON),  # PHP's json_encode failed
        (b"\xff\xfe{}", NOT_JSON),
        (b"\xef\xbb\xbf{}", NOT_JSON),
        (b'{"idsSet": NaN}', NOT_JSON),
        (b'{"idsSet": [Infinity]}', NOT_JSON),
        (b"[" * 100_000 + b"]" * 100_000, NOT_JSON),
        (b'{"a": 1' + b"0" * 5000 + b"}", NOT_JSON),
        (b"[]", NOT_OBJECT),
        (b'"crmSecretKey"', NOT_OBJECT),
        (b"null", NOT_OBJECT),
        (b"1", NOT_OBJECT),
    ],
)
def test_bodies_that_are_not_a_json_object(plugin, store, shop, endpoint, body, message):
    response = plugin.post(endpoint, body=body)

    refused(response, 400, message)
    assert state(store) == []


def shape(*problems: str) -> str:
    return "The request body has the wrong shape: " + "; ".join(problems) + "."


@pytest.mark.parametrize("endpoint", PAIR_REPORTS)
@pytest.mark.parametrize(
    ("ids", "message"),
    [
        ("null", shape("idsSet: expected a list")),
        ("{}", shape("idsSet: expected a list")),
        ('"57"', shape("idsSet: expected a list")),
        ("[57]", shape("idsSet[0]: expected an object")),
        ("[null]", shape("idsSet[0]: expected an object")),
        ('[{"id": 57}]', shape("idsSet[0].crm_id: missing")),
        ('[{"id": true, "crm_id": 1}]', shape("idsSet[0].id: expected a whole number")),
        ('[{"id": 5.5, "crm_id": 1}]', shape("idsSet[0].id: expected a whole number")),
        ('[{"id": "5e1", "crm_id": 1}]', shape("idsSet[0].id: expected a whole number")),
        ('[{"id": "", "crm_id": 1}]', shape("idsSet[0].id: expected a whole number")),
        ('[{"id": "\\u0665", "crm_id": 1}]', shape("idsSet[0].id: expected a whole number")),
        (
            '[{"id": [1], "crm_id": {}}]',
            shape(
                "idsSet[0].id: expected a whole number", "idsSet[0].crm_id: expected a whole number"
            ),
        ),
        (
            '[{"id": 1' + "0" * 19 + ', "crm_id": 1}]',
            shape("idsSet[0].id: expected a 64-bit whole number"),
        ),
        (
            '[{"id": 1, "crm_id": 1}, ' + ", ".join(['"x"'] * 5) + "]",
            shape(
                "idsSet[1]: expected an object",
                "idsSet[2]: expected an object",
                "idsSet[3]: expected an object",
            ).removesuffix(".")
            + " (and 2 more).",
        ),
    ],
)
def test_id_reports_of_the_wrong_shape_write_nothing(plugin, store, shop, endpoint, ids, message):
    plugin.get("syncProductCategoriesToStore")  # something served that a report could confirm
    before = state(store)

    response = plugin.post(endpoint, body=with_key(plugin.key, ids))

    refused(response, 400, message)
    assert state(store) == before
    assert CallError.objects.filter(store=store, message=message).exists()


@pytest.mark.parametrize(
    ("ids", "message"),
    [
        ("null", shape("idsSet: expected a list")),
        ('[{"id": 1, "crm_id": 2}]', shape("idsSet[0]: expected a whole number")),
        ("[true]", shape("idsSet[0]: expected a whole number")),
    ],
)
def test_deletion_reports_of_the_wrong_shape(plugin, store, ids, message):
    refused(plugin.post("deleteWooIdsFromProducts", body=with_key(plugin.key, ids)), 400, message)


def test_a_wrong_key_comes_before_the_shape(plugin, store):
    response = plugin.post("syncProductsIds", body=with_key("0" * 36, "null"))

    assert (response.status_code, response.content) == (200, b"-200")


def test_php_escapes_and_unicode_are_read(plugin, store, shop):
    plugin.get("syncProductCategoriesToStore")
    crm_id = shop["clothing"].pk
    body = (
        '{"crmSecretKey":"' + plugin.key + '","idsSet":[{"id":57,"crm_id":' + str(crm_id) + "}],"
        '"note":"https:\\/\\/shop.example\\/caf\\u00e9 \\ud83d\\ude00 \\ud800"}'
    ).encode()

    assert plugin.post("syncProductCategoriesIds", body=body).content == b"1"
    assert SyncState.objects.get(kind="category", item_id=crm_id).woo_id == 57


@pytest.mark.parametrize("content_type", ["application/json", "text/plain", "", "x/y; a=b"])
def test_any_content_type_is_read_as_json(plugin, store, content_type):
    response = plugin.client.generic(
        "POST",
        f"{BASE}/syncProductsIds",
        with_key(plugin.key, "[]"),
        content_type=content_type,
        REMOTE_ADDR=STORE_ADDRESS,
    )

    assert response.content == b"1"


def test_a_body_over_the_limit_is_refused_before_it_is_read(plugin, store, shop):
    pairs = ", ".join(['{"id": 1, "crm_id": 1}'] * (wire.MAX_BODY_BYTES // 20))
    body = with_key(plugin.key, f"[{pairs}]")
    assert len(body) > wire.MAX_BODY_BYTES

    response = plugin.post("syncProductsIds", body=body)

    refused(response, 413, f"The request body is larger than {wire.MAX_BODY_BYTES} bytes.")
    assert state(store) == []


def test_a_body_just_under_the_limit_is_read(plugin, store, shop, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024  # Django's form limit does not apply
    padding = " " * (wire.MAX_BODY_BYTES - 200)
    body = with_key(plugin.key, f"[{padding}]")
    assert len(body) <= wire.MAX_BODY_BYTES

    assert plugin.post("syncProductsIds", body=body).content == b"1"


def test_a_declared_length_over_the_limit_is_refused(plugin, store):
    response = plugin.client.generic(
        "POST",
        f"{BASE}/syncProductsIds",
        b"{}",
        content_type="application/json",
        REMOTE_ADDR=STORE_ADDRESS,
        CONTENT_LENGTH=str(wire.MAX_BODY_BYTES + 1),
    )

    assert response.status_code == 413


@pytest.mark.parametrize("endpoint", ["syncProductsIds", "isLetSync", "DokioCrmConnectionTest"])
def test_the_wrong_method_is_refused(plugin, endpoint):
    method = "get" if endpoint == "syncProductsIds" else "post"
    response = getattr(plugin.client, method)(f"{BASE}/{endpoint}", REMOTE_ADDR=STORE_ADDRESS)

    assert response.status_code == 405
    assert response["Allow"] == ("POST" if endpoint == "syncProductsIds" else "GET")


@pytest.mark.parametrize(
    "path",
    ["isletsync", "isLetSync/", "isLetSync.php", "../isLetSync", "syncTaxesIds"],
)
def test_other_paths_are_not_found(plugin, path):
    response = plugin.client.get(f"{BASE}/{path}", {"key": plugin.key}, REMOTE_ADDR=STORE_ADDRESS)

    assert response.status_code == 404


@pytest.mark.parametrize("slashes", ["/", "//", "///"])
def test_slashes_before_the_endpoint_are_collapsed(plugin, slashes):
    response = plugin.client.get(
        f"{BASE}{slashes}DokioCrmConnectionTest", {"key": plugin.key}, REMOTE_ADDR=STORE_ADDRESS
    )

    assert response.content == b"1"


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.sampled_from(["id", "crm_id", "idsSet", "x"]), children, max_size=4)
    ),
    max_leaves=20,
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ids=json_values)
def test_any_json_in_an_id_report_never_fails_the_server(plugin, store, shop, ids):
    body = json.dumps({"crmSecretKey": plugin.key, "idsSet": ids}).encode()

    response = plugin.post("syncProductsIds", body=body)

    assert response.status_code in (200, 400)
    if response.status_code == 200:
        assert response.content == b"1"


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(first=st.text(max_size=12), size=st.text(max_size=12))
def test_any_paging_text_never_fails_the_server(plugin, shop, first, size):
    response = plugin.get("syncProductsToStore", first_result=first, max_results=size)

    assert response.status_code in (200, 400)
