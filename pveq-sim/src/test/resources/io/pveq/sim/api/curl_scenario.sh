#!/bin/bash
# The same VM life through curl with nothing but the API token and the certificate fingerprint:
# the server's certificate is fetched, its SHA-256 compared with the fingerprint, and curl then pins
# that certificate's public key (no CA trusted at all). Environment: PVE_URL, PVE_TOKEN,
# PVE_FINGERPRINT, PVE_IMAGE, PVE_VMID, PVE_IP. Leaves the VM running on pve1 with a snapshot.
set -euo pipefail
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
hostport=${PVE_URL#https://}

openssl s_client -connect "$hostport" -servername localhost </dev/null 2>/dev/null \
  | openssl x509 -outform DER >"$work/cert.der"
seen=$(sha256sum "$work/cert.der" | cut -d' ' -f1 | tr 'a-f' 'A-F' | sed 's/../&:/g; s/:$//')
if [ "$seen" != "$PVE_FINGERPRINT" ]; then
  echo "certificate fingerprint $seen is not $PVE_FINGERPRINT" >&2
  exit 3
fi
pin=$(openssl x509 -inform DER -in "$work/cert.der" -pubkey -noout | openssl pkey -pubin -outform DER \
  | openssl dgst -sha256 -binary | base64)

api() {  # api METHOD PATH [curl args...]: prints the data of a 200 answer, fails loudly otherwise
  local method=$1 path=$2
  shift 2
  curl -sS -k --pinnedpubkey "sha256//$pin" -X "$method" -H "Authorization: PVEAPIToken=$PVE_TOKEN" \
    --fail-with-body "$@" "$PVE_URL/api2/json$path" | jq -c '.data'
}

wait_task() {
  local upid=$1 node status
  node=$(cut -d: -f2 <<<"$upid")
  for _ in $(seq 1 2400); do
    status=$(api GET "/nodes/$node/tasks/$upid/status" 2>/dev/null || echo '{}')
    if [ "$(jq -r '.status // empty' <<<"$status")" = stopped ]; then
      [ "$(jq -r '.exitstatus' <<<"$status")" = OK ] || { echo "task $upid: $status" >&2; exit 4; }
      return 0
    fi
    sleep 0.05
  done
  echo "task $upid did not finish" >&2
  exit 5
}

echo "version $(api GET /version | jq -r .version)"
digest=$(sha256sum "$PVE_IMAGE" | cut -d' ' -f1)
upid=$(api POST /nodes/pve1/storage/local/upload -F content=import -F checksum-algorithm=sha256 \
  -F "checksum=$digest" -F "filename=@$PVE_IMAGE;filename=curl-$PVE_VMID.qcow2" | jq -r .)
wait_task "$upid"
echo "upload $(api GET '/nodes/pve1/storage/local/content?content=import' | jq -r 'map(.volid) | join(",")')"
upid=$(api POST /nodes/pve1/qemu --data-urlencode "vmid=$PVE_VMID" --data-urlencode "name=curl-$PVE_VMID" \
  --data-urlencode memory=1024 --data-urlencode agent=1 \
  --data-urlencode "scsi0=local-lvm:0,import-from=local:import/curl-$PVE_VMID.qcow2" \
  --data-urlencode "ide2=local-lvm:cloudinit" --data-urlencode "net0=virtio,bridge=vmbr0" \
  --data-urlencode "ipconfig0=ip=$PVE_IP/24,gw=127.0.10.1" | jq -r .)
wait_task "$upid"
echo "create $(api GET "/nodes/pve1/qemu/$PVE_VMID/config" | jq -r .scsi0)"
wait_task "$(api POST "/nodes/pve1/qemu/$PVE_VMID/status/start" | jq -r .)"
for _ in $(seq 1 600); do
  if interfaces=$(api GET "/nodes/pve1/qemu/$PVE_VMID/agent/network-get-interfaces" 2>/dev/null); then
    break
  fi
  sleep 0.05
done
echo "agent $(jq -r '[.result[] | select(.name != "lo") | ."ip-addresses"[] | select(."ip-address-type" == "ipv4")
  | ."ip-address"] | join(",")' <<<"$interfaces")"
wait_task "$(api POST "/nodes/pve1/qemu/$PVE_VMID/snapshot" --data-urlencode snapname=curl_snap | jq -r .)"
echo "snapshot $(api GET "/nodes/pve1/qemu/$PVE_VMID/snapshot" | jq -r 'map(.name) | join(",")')"
