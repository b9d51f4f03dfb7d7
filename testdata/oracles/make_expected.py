#!/usr/bin/python3
"""Independent expected values ("oracles") for the seamfire Rust tests.

Run from the repository root:

    /usr/bin/python3 testdata/oracles/make_expected.py

Dependencies: numpy and osgeo.gdal only.  Nothing here imports or calls the
Rust code; the MTL files are parsed by a small ODL reader written below, so
that a bug in the Rust MTL parser cannot leak into the expected values.

Outputs (all in testdata/oracles/):
  pensacola_b10_bt.tif   L8 TIRS B10 brightness temperature [K]
  pensacola_b11_bt.tif   L8 TIRS B11 brightness temperature [K]
  liverpool_st_b10.tif   L8 C2 Level-2 surface temperature ST_B10 [K]
  para_l5_b6_bt.tif      L5 TM B6 brightness temperature [K] (fallback K1/K2)
  pensacola_b4_toa.tif   L8 OLI B4 TOA reflectance, sun-elevation corrected [-]
  pensacola_lst.tif      L8 B10 LST, NDVI-threshold emissivity [K]
  oracles.json           scalar summaries, sample pixels, QA bit counts

Conventions
  * All arithmetic is float64; rasters are cast to float32 only when written.
  * Invalid pixels (fill) are NaN, and the output band's nodata is NaN.
  * Rasters: GTiff, Float32, COMPRESS=DEFLATE (no predictor), same size,
    geotransform and CRS as the input band.
  * Sample pixels use 0-based (row, col) = (line, sample) indices.
  * Statistics (count/min/max/mean/std) are over the valid float64 values.

Formula references
  [HB]  USGS, Landsat 8 (L8) Data Users Handbook, LSDS-1574, section
        ("Using the USGS Landsat Level-1 Data Product": TOA radiance, TOA
        reflectance, at-satellite brightness temperature):  L = ML*Q + AL;  rho' = Mp*Q + Ap;
        rho = rho' / sin(theta_SE);  T = K2 / ln(K1/L + 1).
  [L2]  USGS, Landsat 8-9 Collection 2 Level-2 Science Product Guide:
        ST = 0.00341802*DN + 149.0 K (constants also in the MTL group
        LEVEL2_SURFACE_TEMPERATURE_PARAMETERS); DN 0 = fill.
  [SCI] /work/shared/reference/science.md sections 1.1-1.4 (calibration,
        constants, MTL layout, QA bits) and 1.7 (NDVI-threshold emissivity,
        single-channel LST correction).
"""

import json
import math
import os
import sys
from fractions import Fraction

import numpy as np
from osgeo import gdal

gdal.UseExceptions()

HERE = os.path.dirname(os.path.abspath(__file__))
TESTDATA = os.path.dirname(HERE)

PENSACOLA = os.path.join(TESTDATA, "landsat8-l1t-pensacola-2015")
LIVERPOOL_ID = "LC08_L2SP_204023_20200927_20201006_02_T1"
LIVERPOOL = os.path.join(TESTDATA, LIVERPOOL_ID)
PARA = os.path.join(TESTDATA, "landsat5-tm-para-1988")
PARA_ID = "LT52240631988227CUB02"
CLOUDY_ID = "LC08_L2SP_001062_20201031_20201106_02_T2"
CLOUDY = os.path.join(TESTDATA, CLOUDY_ID)

# Landsat-5 TM band-6 thermal constants, used only when the MTL lacks them
# (science.md 1.2; USGS Landsat 7 / TM handbooks; Chander et al. 2009).
L5_FALLBACK_K1 = 607.76   # W m-2 sr-1 um-1
L5_FALLBACK_K2 = 1260.56  # K

# Single-channel emissivity correction (science.md 1.7, "Artis & Carnahan"):
LST_LAMBDA_M = 10.895e-6   # effective wavelength of L8 B10 [m]
LST_RHO_MK = 1.4388e-2     # h*c/k_B [m K]


# ---------------------------------------------------------------------------
# Minimal, independent MTL (ODL text) reader
# ---------------------------------------------------------------------------
def read_mtl(path):
    """Parse an ODL MTL into {group_name: {key: value_string}}.

    Handles both the C1/pre-collection root (L1_METADATA_FILE) and the C2
    root (LANDSAT_METADATA_FILE): groups are keyed by their own name, which
    is unique inside a Landsat MTL.  NUL padding (the Landsat-5 MTL is
    padded with NUL bytes to 65535 bytes) and CRLF are stripped; quoted
    strings lose their quotes.  Reading stops at the bare END line.
    """
    with open(path, "rb") as fh:
        text = fh.read().replace(b"\x00", b"").decode("ascii")
    groups = {}
    stack = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if line == "END":
            break
        key, sep, value = line.partition("=")
        if not sep:
            raise ValueError(f"{path}: unparseable MTL line {raw!r}")
        key, value = key.strip(), value.strip()
        if key == "GROUP":
            stack.append(value)
            groups.setdefault(value, {})
        elif key == "END_GROUP":
            if not stack or stack[-1] != value:
                raise ValueError(f"{path}: END_GROUP {value} does not close {stack}")
            stack.pop()
        else:
            if len(value) >= 2 and value[0] == value[-1] == '"':
                value = value[1:-1]
            groups[stack[-1]][key] = value
    if stack:
        raise ValueError(f"{path}: unclosed groups {stack}")
    return groups


def mtl_float(mtl, group, key):
    """Float value of KEY inside GROUP; raise if the group or key is absent.

    Reading from the named group matters: an L2SP MTL carries Level-1
    radiance rescaling *and* Level-2 ST scaling (science.md 1.3 "Trap")."""
    try:
        return float(mtl[group][key])
    except KeyError as err:
        raise KeyError(f"MTL has no {group}/{key}") from err


# ---------------------------------------------------------------------------
# Raster I/O
# ---------------------------------------------------------------------------
def read_band(path):
    """Return (array as stored, nodata value or None, gdal dataset)."""
    ds = gdal.Open(path)
    band = ds.GetRasterBand(1)
    return band.ReadAsArray(), band.GetNoDataValue(), ds


def write_float32(path, values64, like_ds, description, metadata):
    """Write a float64 array as a Float32 DEFLATE GeoTIFF georeferenced
    like `like_ds`, nodata = NaN, with the formula/constants as metadata."""
    drv = gdal.GetDriverByName("GTiff")
    rows, cols = values64.shape
    out = drv.Create(path, cols, rows, 1, gdal.GDT_Float32,
                     options=["COMPRESS=DEFLATE"])
    out.SetGeoTransform(like_ds.GetGeoTransform())
    out.SetProjection(like_ds.GetProjection())
    band = out.GetRasterBand(1)
    band.SetNoDataValue(float("nan"))
    band.SetDescription(description)
    band.WriteArray(values64.astype(np.float32))
    out.SetMetadata({k: str(v) for k, v in metadata.items()})
    out.FlushCache()
    out = None


# ---------------------------------------------------------------------------
# Summaries for oracles.json
# ---------------------------------------------------------------------------
def summary(values64, dn, extra_sample_fields=None):
    """count/min/max/mean/std over valid (finite) pixels + 5 sample pixels.

    Samples: first pixel (0,0), image centre, last pixel, and the
    arg-min / arg-max of the product (first occurrence in row-major order).
    `expected` is the float64 value; `expected_f32` the value stored in the
    GeoTIFF."""
    valid = np.isfinite(values64)
    rows, cols = values64.shape
    out = {
        "shape_rows_cols": [rows, cols],
        "count_valid": int(valid.sum()),
        "count_invalid": int((~valid).sum()),
    }
    if valid.any():
        v = values64[valid]
        out.update(min=float(v.min()), max=float(v.max()),
                   mean=float(v.mean()), std=float(v.std()))
        masked_lo = np.where(valid, values64, np.inf)
        masked_hi = np.where(valid, values64, -np.inf)
        amin = np.unravel_index(int(np.argmin(masked_lo)), values64.shape)
        amax = np.unravel_index(int(np.argmax(masked_hi)), values64.shape)
        points = [("first", (0, 0)), ("centre", (rows // 2, cols // 2)),
                  ("last", (rows - 1, cols - 1)), ("argmin", amin),
                  ("argmax", amax)]
        out["samples"] = [sample(values64, dn, r, c, why, extra_sample_fields)
                          for why, (r, c) in points]
    return out


def sample(values64, dn, r, c, why, extra=None):
    r, c = int(r), int(c)
    val = float(values64[r, c])
    s = {"row": r, "col": c, "dn": int(dn[r, c]),
         "expected": val if math.isfinite(val) else None,
         "expected_f32": float(np.float32(val)) if math.isfinite(val) else None,
         "why": why}
    if extra:
        for name, arr in extra.items():
            x = arr[r, c]
            s[name] = int(x) if np.issubdtype(np.asarray(x).dtype, np.integer) else float(x)
    return s


# ---------------------------------------------------------------------------
# Products
# ---------------------------------------------------------------------------
def brightness_temperature(dn, ml, al, k1, k2, invalid):
    """[HB] L = ML*Q + AL ; T = K2 / ln(K1/L + 1), float64, NaN where invalid."""
    q = dn.astype(np.float64)
    radiance = ml * q + al
    with np.errstate(divide="ignore", invalid="ignore"):
        bt = k2 / np.log(k1 / radiance + 1.0)
    return np.where(invalid, np.nan, bt), np.where(invalid, np.nan, radiance)


def toa_reflectance(dn, mp, ap, sun_elev_deg):
    """[HB] rho = (Mp*Q + Ap) / sin(SUN_ELEVATION), float64, NaN where Q==0."""
    q = dn.astype(np.float64)
    rho = (mp * q + ap) / math.sin(math.radians(sun_elev_deg))
    return np.where(dn == 0, np.nan, rho)


def main():
    results = {"generator": "testdata/oracles/make_expected.py",
               "gdal_version": gdal.__version__, "numpy_version": np.__version__}
    consts = {}

    # ---- (a) Pensacola B10/B11 brightness temperature ---------------------
    mtl_p = read_mtl(os.path.join(PENSACOLA, "l8_MTL.txt"))
    # pre-collection layout: RADIOMETRIC_RESCALING + TIRS_THERMAL_CONSTANTS
    for b in (10, 11):
        c = {
            "ML": mtl_float(mtl_p, "RADIOMETRIC_RESCALING", f"RADIANCE_MULT_BAND_{b}"),
            "AL": mtl_float(mtl_p, "RADIOMETRIC_RESCALING", f"RADIANCE_ADD_BAND_{b}"),
            "K1": mtl_float(mtl_p, "TIRS_THERMAL_CONSTANTS", f"K1_CONSTANT_BAND_{b}"),
            "K2": mtl_float(mtl_p, "TIRS_THERMAL_CONSTANTS", f"K2_CONSTANT_BAND_{b}"),
        }
        consts[f"pensacola_b{b}_bt"] = c
        dn, _, ds = read_band(os.path.join(PENSACOLA, f"l8_B{b}.tif"))
        bt, rad = brightness_temperature(dn, c["ML"], c["AL"], c["K1"], c["K2"],
                                         invalid=(dn == 0))
        name = f"pensacola_b{b}_bt"
        write_float32(os.path.join(HERE, name + ".tif"), bt, ds,
                      f"Landsat-8 TIRS B{b} brightness temperature [K]",
                      {"FORMULA": "L=ML*DN+AL; BT=K2/ln(K1/L+1); NaN where DN==0",
                       **c, "SOURCE": f"landsat8-l1t-pensacola-2015/l8_B{b}.tif"})
        results[name] = {"source": f"landsat8-l1t-pensacola-2015/l8_B{b}.tif",
                         "units": "K", "constants": c,
                         **summary(bt, dn, {"radiance": rad})}
        if b == 10:
            bt10, dn10, ds_p = bt, dn, ds

    # ---- (b) Liverpool Level-2 surface temperature ------------------------
    mtl_l = read_mtl(os.path.join(LIVERPOOL, LIVERPOOL_ID + "_MTL.txt"))
    c = {
        "MULT": mtl_float(mtl_l, "LEVEL2_SURFACE_TEMPERATURE_PARAMETERS",
                          "TEMPERATURE_MULT_BAND_ST_B10"),
        "ADD": mtl_float(mtl_l, "LEVEL2_SURFACE_TEMPERATURE_PARAMETERS",
                         "TEMPERATURE_ADD_BAND_ST_B10"),
    }
    consts["liverpool_st_b10"] = c
    src = os.path.join(LIVERPOOL, LIVERPOOL_ID + "_ST_B10.TIF")
    dn, _, ds = read_band(src)
    st = np.where(dn == 0, np.nan, c["MULT"] * dn.astype(np.float64) + c["ADD"])  # [L2]
    write_float32(os.path.join(HERE, "liverpool_st_b10.tif"), st, ds,
                  "Landsat-8 C2 L2 surface temperature ST_B10 [K]",
                  {"FORMULA": "ST=MULT*DN+ADD; NaN where DN==0", **c,
                   "SOURCE": f"{LIVERPOOL_ID}/{LIVERPOOL_ID}_ST_B10.TIF"})
    results["liverpool_st_b10"] = {
        "source": f"{LIVERPOOL_ID}/{LIVERPOOL_ID}_ST_B10.TIF", "units": "K",
        "constants": c, **summary(st, dn)}

    # ---- (c) Para Landsat-5 TM B6 brightness temperature ------------------
    mtl_5 = read_mtl(os.path.join(PARA, PARA_ID + "_MTL.txt"))
    tc = mtl_5.get("TIR_THERMAL_CONSTANTS", {})  # absent in this MTL
    if "K1_CONSTANT_BAND_6" in tc and "K2_CONSTANT_BAND_6" in tc:
        k1, k2, ksrc = float(tc["K1_CONSTANT_BAND_6"]), float(tc["K2_CONSTANT_BAND_6"]), "MTL"
    else:
        k1, k2, ksrc = L5_FALLBACK_K1, L5_FALLBACK_K2, "fallback (MTL lacks K1/K2)"
    c = {
        "ML": mtl_float(mtl_5, "RADIOMETRIC_RESCALING", "RADIANCE_MULT_BAND_6"),
        "AL": mtl_float(mtl_5, "RADIOMETRIC_RESCALING", "RADIANCE_ADD_BAND_6"),
        "K1": k1, "K2": k2, "K_source": ksrc,
    }
    dn, nodata, ds = read_band(os.path.join(PARA, PARA_ID + "_B6.TIF"))
    c["band_nodata"] = nodata
    consts["para_l5_b6_bt"] = c
    invalid = dn == 0
    if nodata is not None:
        invalid |= dn == nodata
    bt5, rad5 = brightness_temperature(dn, c["ML"], c["AL"], k1, k2, invalid)
    write_float32(os.path.join(HERE, "para_l5_b6_bt.tif"), bt5, ds,
                  "Landsat-5 TM B6 brightness temperature [K]",
                  {"FORMULA": "L=ML*DN+AL; BT=K2/ln(K1/L+1); NaN where DN==0 or DN==nodata",
                   **c, "SOURCE": f"landsat5-tm-para-1988/{PARA_ID}_B6.TIF"})
    results["para_l5_b6_bt"] = {
        "source": f"landsat5-tm-para-1988/{PARA_ID}_B6.TIF", "units": "K",
        "constants": c, **summary(bt5, dn, {"radiance": rad5})}

    # ---- (d) Pensacola B4 TOA reflectance (sun-elevation corrected) -------
    sun_elev = mtl_float(mtl_p, "IMAGE_ATTRIBUTES", "SUN_ELEVATION")
    refl = {}
    for b in (4, 5):
        refl[b] = {
            "MP": mtl_float(mtl_p, "RADIOMETRIC_RESCALING", f"REFLECTANCE_MULT_BAND_{b}"),
            "AP": mtl_float(mtl_p, "RADIOMETRIC_RESCALING", f"REFLECTANCE_ADD_BAND_{b}"),
        }
    dn4, _, ds4 = read_band(os.path.join(PENSACOLA, "l8_B4.tif"))
    dn5, _, _ = read_band(os.path.join(PENSACOLA, "l8_B5.tif"))
    r4 = toa_reflectance(dn4, refl[4]["MP"], refl[4]["AP"], sun_elev)
    r5 = toa_reflectance(dn5, refl[5]["MP"], refl[5]["AP"], sun_elev)
    c = {**refl[4], "SUN_ELEVATION": sun_elev,
         "sin_sun_elevation": math.sin(math.radians(sun_elev))}
    consts["pensacola_b4_toa"] = c
    write_float32(os.path.join(HERE, "pensacola_b4_toa.tif"), r4, ds4,
                  "Landsat-8 OLI B4 TOA reflectance, sun-elevation corrected",
                  {"FORMULA": "rho=(MP*DN+AP)/sin(radians(SUN_ELEVATION)); NaN where DN==0",
                   **c, "SOURCE": "landsat8-l1t-pensacola-2015/l8_B4.tif"})
    results["pensacola_b4_toa"] = {
        "source": "landsat8-l1t-pensacola-2015/l8_B4.tif", "units": "1",
        "constants": c, **summary(r4, dn4)}

    # ---- (e) Pensacola LST, NDVI-threshold emissivity ([SCI] 1.7) ---------
    invalid = (dn10 == 0) | (dn4 == 0) | (dn5 == 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        ndvi = (r5 - r4) / (r5 + r4)
    # Exact-threshold ties.  With identical MP/AP for B4 and B5 (true for OLI)
    # NDVI = (Q5-Q4) / (Q5+Q4 + 2*AP/MP) exactly (the sun term cancels), so
    # NDVI == 0.2 <=> 5*(Q5-Q4) == den and NDVI == 0.5 <=> 2*(Q5-Q4) == den in
    # integers.  Floating point puts such pixels on either side of the
    # threshold depending on the formula's evaluation order; here they take
    # the branch the exact maths gives (0.2 <= NDVI <= 0.5 is "mixed") and
    # they are listed in oracles.json so tests can skip or special-case them.
    tie02 = tie05 = np.zeros(dn4.shape, dtype=bool)
    ratio = None
    if (mtl_p["RADIOMETRIC_RESCALING"]["REFLECTANCE_MULT_BAND_4"]
            == mtl_p["RADIOMETRIC_RESCALING"]["REFLECTANCE_MULT_BAND_5"]
            and mtl_p["RADIOMETRIC_RESCALING"]["REFLECTANCE_ADD_BAND_4"]
            == mtl_p["RADIOMETRIC_RESCALING"]["REFLECTANCE_ADD_BAND_5"]):
        ratio = (Fraction(mtl_p["RADIOMETRIC_RESCALING"]["REFLECTANCE_ADD_BAND_4"])
                 / Fraction(mtl_p["RADIOMETRIC_RESCALING"]["REFLECTANCE_MULT_BAND_4"]))
    if ratio is not None and ratio.denominator == 1:
        num = dn5.astype(np.int64) - dn4.astype(np.int64)
        den = dn5.astype(np.int64) + dn4.astype(np.int64) + 2 * int(ratio)
        tie02, tie05 = (5 * num == den), (2 * num == den)
    pv = ((ndvi - 0.2) / 0.3) ** 2
    soil_m = (ndvi < 0.2) & ~tie02
    veg_m = (ndvi > 0.5) & ~tie05
    eps = np.where(soil_m, 0.973 - 0.047 * r4,                 # bare soil (B10)
          np.where(veg_m, 0.99,                                # vegetation
                   0.004 * pv + 0.986))                        # mixed, 0.2<=NDVI<=0.5
    # LST = BT / (1 + (lambda*BT/rho) * ln(eps)); BT is the float64 B10 BT of (a).
    lst = bt10 / (1.0 + (LST_LAMBDA_M * bt10 / LST_RHO_MK) * np.log(eps))
    lst = np.where(invalid, np.nan, lst)  # no capping of hot pixels, ever
    ndvi = np.where(invalid, np.nan, ndvi)
    eps = np.where(invalid, np.nan, eps)
    c = {"B10": consts["pensacola_b10_bt"], "B4": refl[4], "B5": refl[5],
         "SUN_ELEVATION": sun_elev, "lambda_m": LST_LAMBDA_M, "rho_mK": LST_RHO_MK,
         "emissivity": "NDVI<0.2: 0.973-0.047*rho_red; NDVI>0.5: 0.99; "
                       "else Pv=((NDVI-0.2)/0.3)^2, eps=0.004*Pv+0.986"}
    consts["pensacola_lst"] = c
    write_float32(os.path.join(HERE, "pensacola_lst.tif"), lst, ds_p,
                  "Landsat-8 B10 land-surface temperature (NDVI-threshold emissivity) [K]",
                  {"FORMULA": "LST=BT/(1+(lambda*BT/rho)*ln(eps)); NaN where any DN==0",
                   "lambda_m": LST_LAMBDA_M, "rho_mK": LST_RHO_MK,
                   "EMISSIVITY": c["emissivity"], "SUN_ELEVATION": sun_elev,
                   "SOURCE": "landsat8-l1t-pensacola-2015/l8_B10.tif,l8_B4.tif,l8_B5.tif"})
    extra = {"dn_b4": dn4, "dn_b5": dn5, "bt": bt10, "rho_red": r4, "rho_nir": r5,
             "ndvi": ndvi, "emissivity": eps}
    lst_summary = summary(lst, dn10, extra)
    valid = ~invalid
    soil, veg = valid & soil_m, valid & veg_m
    mixed = valid & ~soil & ~veg
    branch = {}
    for nm, m in (("soil_ndvi_lt_0.2", soil), ("mixed", mixed), ("veg_ndvi_gt_0.5", veg)):
        entry = {"count": int(m.sum())}
        if m.any():
            r, cc = np.argwhere(m)[0]  # first pixel of the branch, row-major
            entry["first_sample"] = sample(lst, dn10, r, cc, "first pixel of branch", extra)
        branch[nm] = entry
    # pixels whose NDVI lies within 1e-9 of a threshold (tie-sensitive)
    near = valid & ((np.abs(ndvi - 0.2) < 1e-9) | (np.abs(ndvi - 0.5) < 1e-9))
    # exact ties: the LST each emissivity branch would give, for test writers
    ties = []
    for thr, m in ((0.2, tie02 & valid), (0.5, tie05 & valid)):
        for r, cc in np.argwhere(m):
            t = bt10[r, cc]
            alt = {}
            for nm, e in (("soil", 0.973 - 0.047 * r4[r, cc]), ("mixed", 0.004 * pv[r, cc] + 0.986),
                          ("veg", 0.99)):
                alt[nm] = float(t / (1.0 + (LST_LAMBDA_M * t / LST_RHO_MK) * math.log(e)))
            ties.append({"row": int(r), "col": int(cc), "threshold": thr,
                         "dn": int(dn10[r, cc]), "dn_b4": int(dn4[r, cc]), "dn_b5": int(dn5[r, cc]),
                         "ndvi_float64": float(ndvi[r, cc]), "expected": float(lst[r, cc]),
                         "branch_used": "mixed", "lst_if_branch": alt})
    results["pensacola_lst"] = {
        "source": "landsat8-l1t-pensacola-2015/l8_B10.tif + l8_B4.tif + l8_B5.tif",
        "units": "K", "constants": c,
        "note": "dn in samples is the B10 DN; BT is taken in float64 (not the "
                "float32 raster of pensacola_b10_bt.tif)",
        **lst_summary,
        "emissivity_branches": branch,
        "ndvi_within_1e-9_of_threshold": int(near.sum()),
        "ndvi_exact_ties": {
            "rule": "exact NDVI == 0.2 or == 0.5 (integer test 5*(Q5-Q4)==Q5+Q4+2*AP/MP, "
                    "2*(Q5-Q4)==...) -> mixed branch; float NDVI may land either side. "
                    "At 0.5 all branches agree (eps 0.99); at 0.2 soil and mixed differ.",
            "count_0.2": int((tie02 & valid).sum()), "count_0.5": int((tie05 & valid).sum()),
            "pixels": ties},
        "ndvi_stats": {"min": float(np.nanmin(ndvi)), "max": float(np.nanmax(ndvi)),
                       "mean": float(np.nanmean(ndvi))},
        "emissivity_stats": {"min": float(np.nanmin(eps)), "max": float(np.nanmax(eps)),
                             "mean": float(np.nanmean(eps))},
        "lst_minus_bt_stats": {"min": float(np.nanmin(lst - bt10)),
                               "max": float(np.nanmax(lst - bt10)),
                               "mean": float(np.nanmean(lst - bt10))},
    }

    # ---- QA bit counts ([SCI] 1.4) ----------------------------------------
    qa, _, _ = read_band(os.path.join(CLOUDY, CLOUDY_ID + "_QA_PIXEL.TIF"))
    qa = qa.astype(np.uint16)
    c2_bits = {"fill": 0, "dilated_cloud": 1, "cirrus": 2, "cloud": 3,
               "cloud_shadow": 4, "snow": 5, "clear": 6, "water": 7}
    c2 = {n: int(np.count_nonzero((qa >> b) & 1)) for n, b in c2_bits.items()}
    c2_conf = {}
    for n, b in (("cloud_conf", 8), ("shadow_conf", 10), ("snow_ice_conf", 12), ("cirrus_conf", 14)):
        field = (qa >> b) & 3
        c2_conf[n] = {str(v): int(np.count_nonzero(field == v)) for v in range(4)}
    st_dn, _, _ = read_band(os.path.join(CLOUDY, CLOUDY_ID + "_ST_B10.TIF"))
    qa_counts = {
        f"{CLOUDY_ID}_QA_PIXEL": {
            "layout": "Collection-2 QA_PIXEL: bit0 fill, 1 dilated cloud, 2 cirrus, "
                      "3 cloud, 4 cloud shadow, 5 snow, 6 clear, 7 water, "
                      "8-9 cloud conf, 10-11 shadow conf, 12-13 snow/ice conf, 14-15 cirrus conf",
            "expression": "int(np.count_nonzero((qa >> bit) & 1))  # qa = uint16 array",
            "total_pixels": int(qa.size),
            "bit_set_counts": c2,
            "conf_expression": "int(np.count_nonzero(((qa >> shift) & 3) == v))",
            "conf_value_counts": c2_conf,
            "gee_clear_count": int(np.count_nonzero((qa & 0b11111) == 0)),
            "gee_clear_expression": "np.count_nonzero((qa & 0b11111) == 0)",
            "st_b10_dn_nonzero": int(np.count_nonzero(st_dn)),
            "st_b10_valid_and_gee_clear": int(np.count_nonzero((st_dn != 0) & ((qa & 0b11111) == 0))),
        }
    }
    bqa, _, _ = read_band(os.path.join(PENSACOLA, "l8_BQA.tif"))
    bqa = bqa.astype(np.uint16)
    two = lambda shift: (bqa >> shift) & 3  # noqa: E731  2-bit confidence field
    qa_counts["pensacola_l8_BQA"] = {
        "layout": "pre-collection L8 BQA: bit0 designated fill, 1 dropped frame, "
                  "2 terrain occlusion, 4-5 water conf, 10-11 snow/ice conf, "
                  "12-13 cirrus conf, 14-15 cloud conf (2-bit 0..3)",
        "total_pixels": int(bqa.size),
        "fill": int(np.count_nonzero(bqa & 1)),
        "dropped_frame": int(np.count_nonzero((bqa >> 1) & 1)),
        "terrain_occlusion": int(np.count_nonzero((bqa >> 2) & 1)),
        "cloud_conf_high": int(np.count_nonzero(two(14) == 3)),
        "cirrus_conf_high": int(np.count_nonzero(two(12) == 3)),
        "water_conf_high": int(np.count_nonzero(two(4) == 3)),
        "expressions": {
            "fill": "np.count_nonzero(bqa & 1)",
            "cloud_conf_high": "np.count_nonzero(((bqa >> 14) & 3) == 3)",
            "cirrus_conf_high": "np.count_nonzero(((bqa >> 12) & 3) == 3)",
            "water_conf_high": "np.count_nonzero(((bqa >> 4) & 3) == 3)",
        },
        "conf_value_counts": {
            n: {str(v): int(np.count_nonzero(two(s) == v)) for v in range(4)}
            for n, s in (("water_conf", 4), ("snow_ice_conf", 10),
                         ("cirrus_conf", 12), ("cloud_conf", 14))},
        "distinct_values": {str(int(v)): int(k) for v, k in
                            zip(*np.unique(bqa, return_counts=True))},
    }
    results["qa_counts"] = qa_counts
    results["constants"] = consts

    with open(os.path.join(HERE, "oracles.json"), "w") as fh:
        json.dump(results, fh, indent=2, allow_nan=False)
        fh.write("\n")

    # ---- report -----------------------------------------------------------
    print("Constants used (read from the MTLs unless marked fallback):")
    for k, v in consts.items():
        print(f"  {k}: {json.dumps(v)}")
    print("Products:")
    for k in ("pensacola_b10_bt", "pensacola_b11_bt", "liverpool_st_b10",
              "para_l5_b6_bt", "pensacola_b4_toa", "pensacola_lst"):
        r = results[k]
        print(f"  {k:18s} valid={r['count_valid']:7d} min={r['min']:.6f} "
              f"max={r['max']:.6f} mean={r['mean']:.6f}")
    print("LST emissivity branches:",
          {k: v["count"] for k, v in results["pensacola_lst"]["emissivity_branches"].items()})
    print("QA counts:", json.dumps({k: {kk: vv for kk, vv in v.items()
                                        if kk in ("bit_set_counts", "fill", "cloud_conf_high",
                                                  "cirrus_conf_high", "water_conf_high")}
                                    for k, v in qa_counts.items()}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
