# Drives a Skiff cluster with the official Python client (Debian's python3-kubernetes) the way a
# user's script would, and prints what it observed as one JSON object for the test to assert on.
# Usage: python3 python-client-check.py KUBECONFIG NAMESPACE
import json
import sys
import threading
import time

from kubernetes import client, config, watch
from kubernetes.dynamic import DynamicClient

config.load_kube_config(config_file=sys.argv[1])
ns = sys.argv[2]
out = {}
v1 = client.CoreV1Api()

v1.create_namespace(client.V1Namespace(metadata=client.V1ObjectMeta(name=ns)))

# A watch (watch=True on the wire) in a thread, stopped by the DELETED event.
events = []
seen_added = threading.Event()


def watcher():
    w = watch.Watch()
    try:
        for ev in w.stream(v1.list_namespaced_config_map, ns, label_selector="app=py", timeout_seconds=20):
            events.append([ev["type"], ev["object"].metadata.name, dict(ev["object"].data or {})])
            if ev["type"] == "ADDED":
                seen_added.set()
            if ev["type"] == "DELETED":
                w.stop()
    except Exception as e:  # reported, not raised: the test names it
        events.append(["ERROR", repr(e), {}])
        seen_added.set()


t = threading.Thread(target=watcher)
t.start()

cm = client.V1ConfigMap(metadata=client.V1ObjectMeta(name="py-cm", labels={"app": "py"}), data={"a": "1"})
v1.create_namespaced_config_map(ns, cm)
seen_added.wait(10)
out["listed"] = [c.metadata.name for c in v1.list_namespaced_config_map(ns, label_selector="app=py").items]
v1.patch_namespaced_config_map("py-cm", ns, {"data": {"b": "2"}})
out["patched"] = dict(v1.read_namespaced_config_map("py-cm", ns).data)
v1.delete_namespaced_config_map("py-cm", ns)
t.join(25)
out["events"] = events
try:
    v1.read_namespaced_config_map("py-cm", ns)
    out["after_delete"] = 200
except client.ApiException as e:
    out["after_delete"] = e.status

# A CRD, waited for until Established, then a custom object through CustomObjectsApi.
group, plural = "pyclient.skiff.test", "things"
ext = client.ApiextensionsV1Api()
ext.create_custom_resource_definition(
    {
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": f"{plural}.{group}"},
        "spec": {
            "group": group,
            "scope": "Namespaced",
            "names": {"plural": plural, "singular": "thing", "kind": "Thing"},
            "versions": [
                {
                    "name": "v1",
                    "served": True,
                    "storage": True,
                    "schema": {
                        "openAPIV3Schema": {
                            "type": "object",
                            "properties": {"spec": {"type": "object", "properties": {"size": {"type": "integer"}}}},
                        }
                    },
                }
            ],
        },
    }
)
deadline = time.time() + 10
established = False
while time.time() < deadline and not established:
    crd = ext.read_custom_resource_definition(f"{plural}.{group}")
    established = any(c.type == "Established" and c.status == "True" for c in (crd.status.conditions or []))
    if not established:
        time.sleep(0.1)
out["established"] = established

co = client.CustomObjectsApi()
thing = {"apiVersion": f"{group}/v1", "kind": "Thing", "metadata": {"name": "t1"}, "spec": {"size": 1}}
co.create_namespaced_custom_object(group, "v1", ns, plural, thing)
out["custom_listed"] = [i["metadata"]["name"] for i in co.list_namespaced_custom_object(group, "v1", ns, plural)["items"]]
co.patch_namespaced_custom_object(group, "v1", ns, plural, "t1", {"spec": {"size": 3}})
out["custom_patched"] = co.get_namespaced_custom_object(group, "v1", ns, plural, "t1")["spec"]["size"]

# The dynamic client on the same custom resource, with a server-side apply request. This client
# version sends only a serialized body as apply-patch+yaml (a dict is refused client-side).
dyn = DynamicClient(client.ApiClient())
things = dyn.resources.get(api_version=f"{group}/v1", kind="Thing")
applied = dyn.server_side_apply(
    things,
    body=json.dumps({"apiVersion": f"{group}/v1", "kind": "Thing", "metadata": {"name": "t2"}, "spec": {"size": 5}}),
    name="t2",
    namespace=ns,
    field_manager="python-script",
)
out["applied_managers"] = [m["manager"] for m in applied.metadata.managedFields]
out["dynamic_listed"] = sorted(i.metadata.name for i in things.get(namespace=ns).items)

co.delete_namespaced_custom_object(group, "v1", ns, plural, "t1")
out["custom_after_delete"] = [i["metadata"]["name"] for i in co.list_namespaced_custom_object(group, "v1", ns, plural)["items"]]

print(json.dumps(out))
