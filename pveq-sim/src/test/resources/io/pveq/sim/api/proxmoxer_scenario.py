"""A VM's whole life driven by proxmoxer (Debian's python3-proxmoxer), a Proxmox API client no one
here wrote, against the simulator's REST API with certificate verification on (trusting the
cluster CA). Prints one JSON line per step; exits non-zero on the first failure.

Environment: PVE_HOST, PVE_PORT, PVE_CA, PVE_IMAGE, PVE_VMID, PVE_IP, and either PVE_TOKEN
(user@realm!name=secret) or PVE_USER + PVE_PASSWORD.
"""
import hashlib
import json
import os
import sys
import time
import urllib.parse

from proxmoxer import ProxmoxAPI
from proxmoxer.core import ResourceException


def step(name, **facts):
    print(json.dumps(dict(step=name, **facts)), flush=True)


def wait(prox, upid, limit=120.0):
    node = upid.split(":")[1]
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        try:
            status = prox.nodes(node).tasks(upid).status.get()
        except ResourceException as e:
            if e.status_code == 400:  # the task is not visible yet: a real node's brief window
                time.sleep(0.05)
                continue
            raise
        if status["status"] == "stopped":
            if status["exitstatus"] != "OK":
                log = prox.nodes(node).tasks(upid).log.get(limit=1000)
                raise SystemExit("task %s failed: %s\n%s" % (upid, status["exitstatus"],
                                                              "\n".join(line["t"] for line in log)))
            return status
        time.sleep(0.05)
    raise SystemExit("task %s did not finish" % upid)


def main():
    env = os.environ
    kwargs = dict(host=env["PVE_HOST"], port=int(env["PVE_PORT"]), verify_ssl=env["PVE_CA"], timeout=30)
    if "PVE_TOKEN" in env:
        ident, secret = env["PVE_TOKEN"].split("=", 1)
        user, name = ident.split("!", 1)
        prox = ProxmoxAPI(user=user, token_name=name, token_value=secret, **kwargs)
        auth = "token"
    else:
        prox = ProxmoxAPI(user=env["PVE_USER"], password=env["PVE_PASSWORD"], **kwargs)
        auth = "ticket"
    vmid = int(env["PVE_VMID"])
    ip = env["PVE_IP"]
    step("version", auth=auth, version=prox.version.get()["version"])

    image = env["PVE_IMAGE"]
    name = os.path.basename(image)
    with open(image, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    with open(image, "rb") as f:
        # proxmoxer sends an open file as the multipart part "filename", named after the file
        upid = prox.nodes("pve1").storage("local").upload.post(content="import", checksum=digest,
                                                              **{"checksum-algorithm": "sha256"}, filename=f)
    wait(prox, upid)
    volumes = [c["volid"] for c in prox.nodes("pve1").storage("local").content.get(content="import")]
    step("upload", volumes=volumes)

    key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGZha2VrZXlmb3J0ZXN0aW5nb25seQ proxmoxer@test"
    upid = prox.nodes("pve1").qemu.post(
        vmid=vmid, name="proxmoxer-%s" % vmid, memory=1024, cores=1, agent=1,
        scsi0="local-lvm:0,import-from=local:import/%s" % name, ide2="local-lvm:cloudinit",
        net0="virtio,bridge=vmbr0", ciuser="debian", ipconfig0="ip=%s/24,gw=127.0.10.1" % ip,
        sshkeys=urllib.parse.quote(key, safe=""))
    log = prox.nodes("pve1").tasks(upid).log.get(limit=1000) if wait(prox, upid) else []
    step("create", transferred=any(line["t"].startswith("transferred ") for line in log),
         scsi0=prox.nodes("pve1").qemu(vmid).config.get()["scsi0"])

    wait(prox, prox.nodes("pve1").qemu(vmid).status.start.post())
    addresses = []
    for _ in range(600):
        try:
            result = prox.nodes("pve1").qemu(vmid).agent("network-get-interfaces").get()["result"]
        except ResourceException as e:
            if e.status_code == 500:  # QEMU guest agent is not running (yet)
                time.sleep(0.05)
                continue
            raise
        addresses = [a["ip-address"] for nic in result for a in nic["ip-addresses"]
                     if a["ip-address-type"] == "ipv4" and not a["ip-address"].startswith("127.0.0.")]
        break
    step("agent", addresses=addresses)

    wait(prox, prox.nodes("pve1").qemu(vmid).snapshot.post(snapname="before_migrate"))
    step("snapshot", snapshots=[s["name"] for s in prox.nodes("pve1").qemu(vmid).snapshot.get()])

    wait(prox, prox.nodes("pve1").qemu(vmid).migrate.post(target="pve2", online=1, **{"with-local-disks": 1}))
    step("migrate", node=[r["node"] for r in prox.cluster.resources.get(type="vm") if r["vmid"] == vmid][0])

    wait(prox, prox.nodes("pve2").qemu(vmid).status.stop.post())
    wait(prox, prox.nodes("pve2").qemu(vmid).delete())
    try:
        prox.nodes("pve2").qemu(vmid).config.get()
        raise SystemExit("VM %s still exists" % vmid)
    except ResourceException as e:
        step("destroy", status=e.status_code, reason=e.content)  # proxmoxer keeps the reason phrase in content


if __name__ == "__main__":
    main()
