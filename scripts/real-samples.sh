#!/bin/sh
# Small copies of four public-domain / unrestricted biomedical pictures from scikit-image's data, as Debian ships
# them (python3-skimage), for inference demos in the run panel. Writes public/samples/{cell,microaneurysms,ihc,
# retina}.*; scripts/make-samples.ts lists them in index.json. Sources and licences: public/samples/README.md.
# Needs apt-get (download only, nothing is installed) and /usr/bin/python3 with PIL.
set -eu
out="$(cd "$(dirname "$0")/.." && pwd)/public/samples"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
apt-get download python3-skimage >/dev/null
dpkg-deb -x python3-skimage_*.deb root
data="$(find root -type d -path '*skimage/data' | head -n 1)"
/usr/bin/python3 - "$data" "$out" <<'PY'
import sys
from PIL import Image
data, out = sys.argv[1], sys.argv[2]
def shrink(name, size, target, **save):
    im = Image.open(f"{data}/{name}")
    im = im.resize(size, Image.LANCZOS) if im.size != size else im
    im.save(f"{out}/{target}", **save)
    print(target, im.size, im.mode)
shrink("cell.png", (275, 330), "cell.png", optimize=True)
shrink("microaneurysms.png", (102, 102), "microaneurysms.png", optimize=True)
shrink("ihc.png", (256, 256), "ihc.png", optimize=True)
shrink("retina.jpg", (384, 384), "retina.jpg", quality=85)
PY
