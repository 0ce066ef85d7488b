"""Drives the local cluster with Debian's python3-kubernetes, a client nobody here wrote.

Usage: /usr/bin/python3 conformance.py KUBECONFIG NAMESPACE NAME
Prints one JSON object: what each step observed. The vitest test beside it checks those
observations against what a real kube-apiserver answers.
"""

import json
import sys

from kubernetes import client, config, watch
from kubernetes.client.rest import ApiException

GROUP, VERSION, PLURAL = "amalthea.dev", "v1alpha1", "jupyterservers"


def failure(err):
    body = json.loads(err.body) if err.body else {}
    return {"status": err.status, "reason": body.get("reason"), "kind": body.get("kind")}


def jupyter_server(name):
    """A JupyterServer as a Python service writes it: None wherever a value is unset."""
    return {
        "apiVersion": f"{GROUP}/{VERSION}",
        "kind": "JupyterServer",
        "metadata": {
            "name": name,
            "labels": {"renku.io/safe-username": "pyuser", "renku.io/quota": None},
            "annotations": {"renku.io/username": "pyuser", "renku.io/hibernation": None},
        },
        "spec": {
            "auth": {"token": "py-token", "oidc": {"enabled": False, "clientId": None}},
            "jupyterServer": {
                "image": "renku/py:3.10",
                "hibernated": None,
                "defaultUrl": "/lab",
                "rootDir": "/home/jovyan/work/p/",
                "resources": {"requests": {"cpu": 0.1, "memory": "100Mi"}},
            },
            "routing": {
                "host": "renku.example",
                "path": f"/sessions/{name}",
                "tls": {"enabled": False, "secretName": None},
                "ingressAnnotations": {},
            },
            "storage": {"size": "1G", "pvc": {"enabled": True, "storageClassName": None}},
            "patches": [],
        },
    }


def main():
    kubeconfig, ns, name = sys.argv[1:4]
    config.load_kube_config(config_file=kubeconfig)
    custom = client.CustomObjectsApi()
    core = client.CoreV1Api()
    out = {}

    created = custom.create_namespaced_custom_object(GROUP, VERSION, ns, PLURAL, jupyter_server(name))
    spec = created["spec"]
    out["create"] = {
        "labels": created["metadata"].get("labels"),
        "annotations": created["metadata"].get("annotations"),
        "auth": spec["auth"],
        "hibernated": spec["jupyterServer"].get("hibernated", "absent"),
        "tls": spec["routing"]["tls"],
        "pvc": spec["storage"]["pvc"],
    }

    listed = custom.list_namespaced_custom_object(
        GROUP, VERSION, ns, PLURAL, label_selector="renku.io/safe-username=pyuser,renku.io/quota="
    )
    other = custom.list_namespaced_custom_object(
        GROUP, VERSION, ns, PLURAL, label_selector="renku.io/safe-username=pyuser,renku.io/quota!="
    )
    pods = core.list_namespaced_pod(ns, label_selector=f"amalthea.dev/parent-name={name}")
    out["list"] = {
        "kind": listed["kind"],
        "names": [i["metadata"]["name"] for i in listed["items"]],
        "nonEmptyQuota": [i["metadata"]["name"] for i in other["items"]],
        "pods": [p.metadata.name for p in pods.items],
        "podPhase": [p.status.phase for p in pods.items],
        "podContainers": [[c.name for c in p.spec.containers] for p in pods.items],
    }

    # The generated client sends Python booleans as "True" and "False".
    w = watch.Watch()
    events = [
        (e["type"], e["object"]["metadata"]["name"])
        for e in w.stream(
            custom.list_namespaced_custom_object,
            GROUP,
            VERSION,
            ns,
            PLURAL,
            label_selector="renku.io/safe-username=pyuser",
            allow_watch_bookmarks=True,
            timeout_seconds=1,
        )
    ]
    out["watch"] = events

    pod = f"{name}-0"
    stamped = core.read_namespaced_pod_log(pod, ns, container="jupyter-server", timestamps=True)
    plain = core.read_namespaced_pod_log(pod, ns, container="jupyter-server", timestamps=False)
    try:
        core.read_namespaced_pod_log(pod, ns, container="jupyter-server", previous=True)
        previous = {"status": 200}
    except ApiException as err:
        previous = failure(err)
    out["logs"] = {
        "stamped": stamped.splitlines(),
        "plain": plain.splitlines(),
        "previous": previous,
    }
    pretty = core.api_client.call_api(
        f"/api/v1/namespaces/{ns}/pods/{pod}",
        "GET",
        query_params=[("pretty", "True")],
        auth_settings=["BearerToken"],
        _preload_content=False,
    )[0]
    out["pretty"] = pretty.data.decode().startswith('{\n  "')

    patched = custom.patch_namespaced_custom_object(
        GROUP,
        VERSION,
        ns,
        PLURAL,
        name,
        {
            "metadata": {"annotations": {"renku.io/username": None, "renku.io/note": "x"}},
            "spec": {"jupyterServer": {"hibernated": True}},
        },
    )
    after = custom.get_namespaced_custom_object(GROUP, VERSION, ns, PLURAL, name)
    out["patch"] = {
        "annotations": patched["metadata"]["annotations"],
        "hibernated": patched["spec"]["jupyterServer"]["hibernated"],
        "state": after.get("status", {}).get("state"),
        "pods": [
            p.metadata.name
            for p in core.list_namespaced_pod(ns, label_selector=f"amalthea.dev/parent-name={name}").items
        ],
    }

    deleted = custom.delete_namespaced_custom_object(
        GROUP, VERSION, ns, PLURAL, name, propagation_policy="Foreground"
    )
    out["delete"] = {
        "kind": deleted.get("kind"),
        "deletionTimestamp": bool(deleted["metadata"].get("deletionTimestamp")),
        "finalizers": deleted["metadata"].get("finalizers"),
    }
    try:
        custom.get_namespaced_custom_object(GROUP, VERSION, ns, PLURAL, name)
        out["delete"]["afterwards"] = {"status": 200}
    except ApiException as err:
        out["delete"]["afterwards"] = failure(err)
    out["delete"]["children"] = [
        s.metadata.name
        for s in core.list_namespaced_service(ns, label_selector=f"amalthea.dev/parent-name={name}").items
    ]

    print(json.dumps(out))


if __name__ == "__main__":
    main()
