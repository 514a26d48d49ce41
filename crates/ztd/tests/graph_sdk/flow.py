"""Microsoft's Graph SDK for Python (msgraph-sdk) against a live `ztd serve`.

What an IT admin's script does with Intune's Autopilot API, with only the base URL and the token
changed (docs/compatibility.md#worked-example): create an imported identity, import more with the
`import` action, poll their states, list (paged, filtered), change a group tag, read a refusal,
delete, read the profiles, and the first-boot lookup of an imported device.

Usage: python3 flow.py BASE_URL API_KEY DEVICES_JSON
  DEVICES_JSON: a file with a list of {"serial_number", "hardware_hash"} (synthetic devices; the
  hash as base64 text, as a Device Hardware Data column holds it).
Prints "GRAPH SDK FLOW PASSED" at the end; any failure raises.
"""

import asyncio
import base64
import json
import sys
import time
import urllib.request

from kiota_abstractions.authentication import (
    AccessTokenProvider,
    AllowedHostsValidator,
    BaseBearerTokenAuthenticationProvider,
)
from kiota_abstractions.base_request_configuration import RequestConfiguration
from kiota_abstractions.method import Method
from kiota_abstractions.request_information import RequestInformation
from kiota_serialization_json.json_parse_node_factory import JsonParseNodeFactory
from msgraph import GraphRequestAdapter, GraphServiceClient
from msgraph.generated.device_management.imported_windows_autopilot_device_identities.imported_windows_autopilot_device_identities_request_builder import (
    ImportedWindowsAutopilotDeviceIdentitiesRequestBuilder,
)
from msgraph.generated.device_management.imported_windows_autopilot_device_identities.import_.import_post_request_body import (
    ImportPostRequestBody,
)
from msgraph.generated.device_management.windows_autopilot_device_identities.item.update_device_properties.update_device_properties_post_request_body import (
    UpdateDevicePropertiesPostRequestBody,
)
from msgraph.generated.device_management.windows_autopilot_device_identities.windows_autopilot_device_identities_request_builder import (
    WindowsAutopilotDeviceIdentitiesRequestBuilder,
)
from msgraph.generated.models.imported_windows_autopilot_device_identity import (
    ImportedWindowsAutopilotDeviceIdentity,
)
from msgraph.generated.models.imported_windows_autopilot_device_identity_import_status import (
    ImportedWindowsAutopilotDeviceIdentityImportStatus as ImportStatus,
)
from msgraph.generated.models.o_data_errors.o_data_error import ODataError
from msgraph.generated.models.windows_autopilot_deployment_profile import WindowsAutopilotDeploymentProfile

STANDARD_TAG = "Microsoft365ManagedStandard_"
POWER_USER_TAG = "Microsoft365ManagedPowerUser_"


class ApiKey(AccessTokenProvider):
    """The ztd API key as the bearer token, in place of an Entra ID token."""

    def __init__(self, key):
        self.key = key

    async def get_authorization_token(self, uri, additional_authentication_context={}):
        return self.key

    def get_allowed_hosts_validator(self):
        return AllowedHostsValidator([])


def client(base_url, key):
    adapter = GraphRequestAdapter(BaseBearerTokenAuthenticationProvider(ApiKey(key)))
    adapter.base_url = base_url.rstrip("/") + "/graph/v1.0"
    return GraphServiceClient(request_adapter=adapter)


def identity(device, order=None):
    body = ImportedWindowsAutopilotDeviceIdentity(
        serial_number=device["serial_number"],
        hardware_identifier=base64.b64decode(device["hardware_hash"]),
        group_tag=STANDARD_TAG,
    )
    if order:
        body.additional_data = {"orderIdentifier": order}
    return body


def check(condition, message):
    if not condition:
        raise AssertionError(message)


async def settle(graph, identity_id):
    deadline = time.monotonic() + 60
    while True:
        got = await graph.device_management.imported_windows_autopilot_device_identities.by_imported_windows_autopilot_device_identity_id(
            identity_id
        ).get()
        if got.state.device_import_status != ImportStatus.Pending:
            return got
        check(time.monotonic() < deadline, f"{identity_id} stayed pending")
        await asyncio.sleep(0.1)


async def flow(base_url, key, devices):
    graph = client(base_url, key)
    imported = graph.device_management.imported_windows_autopilot_device_identities
    autopilot = graph.device_management.windows_autopilot_device_identities

    # Create one identity, then import two more with the `import` action.
    created = await imported.post(identity(devices[0], order="PO-SDK-1"))
    check(created.id and created.import_id, f"created: {created}")
    check(created.serial_number == devices[0]["serial_number"], "serial number echoed")
    body = ImportPostRequestBody(imported_windows_autopilot_device_identities=[identity(d) for d in devices[1:3]])
    answered = await imported.import_.post(body)
    check(len(answered.value) == 2, f"import answered {len(answered.value)} rows")
    ids = [created.id] + [row.id for row in answered.value]

    # Poll the states until each is done; the hash comes back as the bytes that went in.
    states = [await settle(graph, identity_id) for identity_id in ids]
    for device, state in zip(devices, states):
        check(state.state.device_import_status == ImportStatus.Complete, f"{state.id}: {state.state}")
        check(state.state.device_registration_id, f"{state.id} has no device")
        check(
            state.hardware_identifier == base64.b64decode(device["hardware_hash"]),
            "the hardware identifier round-trips as bytes",
        )
    check(states[0].additional_data.get("orderIdentifier") == "PO-SDK-1", f"order: {states[0].additional_data}")

    # A duplicate import fails with ztd's code in Graph's state.
    again = await imported.post(identity(devices[0]))
    again = await settle(graph, again.id)
    check(again.state.device_import_status == ImportStatus.Error, "a duplicate fails")
    check(again.state.device_error_code == 806, f"error code {again.state.device_error_code}")
    check(again.state.device_error_name == "device_already_registered", again.state.device_error_name)

    # List the imported identities two by two, following @odata.nextLink.
    config = RequestConfiguration(
        query_parameters=ImportedWindowsAutopilotDeviceIdentitiesRequestBuilder.ImportedWindowsAutopilotDeviceIdentitiesRequestBuilderGetQueryParameters(
            top=2
        )
    )
    page = await imported.get(request_configuration=config)
    listed = list(page.value)
    pages = 1
    while page.odata_next_link:
        page = await imported.with_url(page.odata_next_link).get()
        listed.extend(page.value)
        pages += 1
    check(len(listed) == 4 and pages == 2, f"{len(listed)} identities in {pages} pages")
    check(set(ids) <= {row.id for row in listed}, "every import is listed")

    # Find a device by serial number, as Get-WindowsAutopilotInfo -Online does.
    serial = devices[1]["serial_number"]
    config = RequestConfiguration(
        query_parameters=WindowsAutopilotDeviceIdentitiesRequestBuilder.WindowsAutopilotDeviceIdentitiesRequestBuilderGetQueryParameters(
            filter=f"contains(serialNumber,'{serial}')"
        )
    )
    found = (await autopilot.get(request_configuration=config)).value
    check(len(found) == 1 and found[0].serial_number == serial, f"filter found {found}")
    device_id = found[0].id
    check(device_id == states[1].state.device_registration_id, "the device is the import's")
    check(found[0].group_tag == STANDARD_TAG, found[0].group_tag)

    # Change its group tag.
    await autopilot.by_windows_autopilot_device_identity_id(device_id).update_device_properties.post(
        UpdateDevicePropertiesPostRequestBody(group_tag=POWER_USER_TAG)
    )
    changed = await autopilot.by_windows_autopilot_device_identity_id(device_id).get()
    check(changed.group_tag == POWER_USER_TAG, f"group tag {changed.group_tag}")

    # A refusal arrives as Graph's error.
    try:
        await autopilot.by_windows_autopilot_device_identity_id(device_id).update_device_properties.post(
            UpdateDevicePropertiesPostRequestBody(group_tag="NoSuchTag")
        )
        raise AssertionError("an unknown tag was accepted")
    except ODataError as error:
        check(error.response_status_code == 400, f"status {error.response_status_code}")
        check(error.error.code == "BadRequest", error.error.code)
        check(error.error.inner_error.request_id, "innerError has the request id")

    # Delete: the import record of the first device (the device stays), then the third device.
    await imported.by_imported_windows_autopilot_device_identity_id(ids[0]).delete()
    third = states[2].state.device_registration_id
    await autopilot.by_windows_autopilot_device_identity_id(third).delete()
    remaining = {device.id for device in (await autopilot.get()).value}
    check(third not in remaining, "the deleted device is gone from the list")
    check(states[0].state.device_registration_id in remaining, "deleting an import keeps its device")
    try:
        await autopilot.by_windows_autopilot_device_identity_id("00000000-0000-0000-0000-000000000000").get()
        raise AssertionError("a missing device was found")
    except ODataError as error:
        check(error.response_status_code == 404 and error.error.code == "NotFound", str(error.error.code))

    # The customer's profiles. The v1.0 SDK has the model but no request builder for the
    # collection (the beta SDK, msgraph-beta-sdk, has one): the SDK's own adapter sends the
    # request and its JSON parse node reads the models.
    request = RequestInformation(Method.GET, "{+baseurl}/deviceManagement/windowsAutopilotDeploymentProfiles")
    request.path_parameters["baseurl"] = graph.request_adapter.base_url
    raw = await graph.request_adapter.send_primitive_async(request, "bytes", {"XXX": ODataError})
    root = JsonParseNodeFactory().get_root_parse_node("application/json", raw)
    profiles = root.get_child_node("value").get_collection_of_object_values(WindowsAutopilotDeploymentProfile)
    check(profiles and all(profile.display_name and profile.id for profile in profiles), f"profiles: {profiles}")

    # The first-boot lookup of the first imported device: the device's own call, no key.
    request = urllib.request.Request(
        base_url.rstrip("/") + "/api/v1/device-lookup",
        data=json.dumps({"hardware_hash": devices[0]["hardware_hash"]}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request) as answer:
        check(answer.status == 200, f"lookup answered {answer.status}")
        configuration = json.loads(answer.read())
        check(configuration, "the lookup answers a configuration")


def main():
    base_url, key, devices_file = sys.argv[1:4]
    with open(devices_file) as file:
        devices = json.load(file)
    asyncio.run(flow(base_url, key, devices))
    print("GRAPH SDK FLOW PASSED")


if __name__ == "__main__":
    main()
