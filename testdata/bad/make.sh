#!/usr/bin/env bash
# How the files of testdata/bad/ were made (GDAL 3.6.2). Every case of cases.toml starts from a
# copy of base/<product>/ and edits it as the case says; files/ holds the replacement rasters.
set -euo pipefail
cd "$(dirname "$0")"
P=LC08_L1GT_089074_20220506_20220512_02_T2
S=../landsat-tiny-formats/$P            # 60 x 60 px decimated USGS product (see testdata/README.md)
export GDAL_PAM_ENABLED=NO
q="-q -co COMPRESS=DEFLATE"
mkdir -p base/$P files
for s in MTL.txt MTL.json B10.TIF B4.TIF B5.TIF QA_PIXEL.TIF; do cp "$S/${P}_$s" base/$P/; done
# A thermal band file with three bands (band 1 three times).
gdal_translate $q -b 1 -b 1 -b 1 "$S/${P}_B10.TIF" files/three_bands_B10.TIF
# QA and red bands 10 columns narrower than B10 (50 x 60 px).
gdal_translate $q -srcwin 0 0 50 60 "$S/${P}_QA_PIXEL.TIF" files/cropped_QA_PIXEL.TIF
gdal_translate $q -srcwin 0 0 50 60 "$S/${P}_B4.TIF" files/cropped_B4.TIF
# QA of the same size, origin one pixel (3860.5 m) east.
gdal_translate $q -a_ullr 598145.5 -2121285 829775.5 -2355915 "$S/${P}_QA_PIXEL.TIF" files/shifted_QA_PIXEL.TIF
# B10 as Float32 (not a DN band), and an 8 x 8 Float32 raster without a unit tag.
gdal_translate $q -ot Float32 "$S/${P}_B10.TIF" files/float32_B10.TIF
gdal_translate $q -ot Float32 -srcwin 0 0 8 8 "$S/${P}_B10.TIF" files/generic_no_unit.tif
# An 8 x 8 Float32 raster without any georeferencing (a thermal export without geotransform or
# CRS: plain TIFF tags only).
gdal_translate $q -ot Float32 -srcwin 0 0 8 8 -co PROFILE=BASELINE "$S/${P}_B10.TIF" files/no_georef.tif
# B10 with every DN scaled to 0 (all fill).
gdal_translate $q -scale 0 65535 0 0 -ot UInt16 "$S/${P}_B10.TIF" files/all_fill_B10.TIF
# B10 whose header declares 2 000 000 x 2 000 000 px (8 TB of UInt16) in 7.5 kB: ImageWidth and
# ImageLength rewritten as LONG 2000000, RowsPerStrip 1 (found while fuzzing: the read used to
# abort the process on the allocation).
python3 - "$S/${P}_B10.TIF" files/huge_dims_B10.TIF <<'PY'
import struct, sys
b = bytearray(open(sys.argv[1], 'rb').read())
ifd = struct.unpack('<I', b[4:8])[0]
for i in range(struct.unpack('<H', b[ifd:ifd + 2])[0]):
    e = ifd + 2 + 12 * i
    tag = struct.unpack('<H', b[e:e + 2])[0]
    if tag in (256, 257, 278):
        b[e + 2:e + 4] = struct.pack('<H', 4)
        b[e + 8:e + 12] = struct.pack('<I', 1 if tag == 278 else 2000000)
open(sys.argv[2], 'wb').write(b)
PY
