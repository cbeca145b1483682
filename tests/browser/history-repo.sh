#!/usr/bin/env bash
# Builds a copy of examples/healthcare-saas with four days of history (docs/history.md):
# snapshots of hipaa and pci-dss on 2026-11-19..22; the backup configcrate's HIPAA tags are
# removed on the 20th, a directory tag on the 21st, and the backup tags put back on the 22nd,
# so the trend has days that got worse and better and a regression still open.
#
#   tests/browser/history-repo.sh VIGOCLI OUT_REPO
set -euo pipefail
bin=$1
out=$2
here=$(cd "$(dirname "$0")/../.." && pwd)
rm -rf "$out"
mkdir -p "$(dirname "$out")"
cp -R "$here/examples/healthcare-saas" "$out"
backup="$out/stacks/configcrates/data/backup-restic.vgo"
sssd="$out/stacks/configcrates/security/sssd-directory.vgo"
cp "$backup" "$out/backup.orig"
snap() { "$bin" --repo "$out" --as-of "$1" compliance snapshot --framework hipaa --framework pci-dss 2>/dev/null; }
snap 2026-11-19T18:00:00Z
sed -i -e '/"164.308(a)(7)(ii)(A)"/d' -e '/"164.310(d)(2)(iv)"/d' "$backup"
snap 2026-11-20T18:00:00Z
sed -i '/"164.308(a)(4)(ii)(C)"/d' "$sssd"
snap 2026-11-21T18:00:00Z
mv "$out/backup.orig" "$backup"
snap 2026-11-22T12:00:00Z
