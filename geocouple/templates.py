"""``geocouple init``: a commented configuration and a data template to fill in.

The data template has one row per unit and year (for the Shanxi case the 11 prefecture
codes and names) and one empty column per indicator the configuration reads, so a user
can type in yearbook figures and run. ``geocouple validate`` then lists every cell still
empty.
"""

from __future__ import annotations

import csv
import io
from importlib import resources
from pathlib import Path

from .errors import OutputError

UNITS = {
    "gdp": "100 million yuan (亿元)",
    "va_primary": "亿元",
    "va_secondary": "亿元",
    "va_tertiary": "亿元",
    "gdp_per_capita": "yuan",
    "employed": "10,000 persons",
    "emp_share_primary": "% of employed",
    "emp_share_secondary": "% of employed",
    "emp_share_tertiary": "% of employed",
    "avg_wage": "yuan",
    "fdi_musd": "million USD",
    "road_area_per_capita": "m2 per person",
    "loans": "亿元",
    "deposits": "亿元",
    "population": "10,000 persons",
}
CONFIG_NAME = "geocouple.toml"
DATA_NAME = "data.csv"


def template_config(years=(2003, 2016), data_path: str = DATA_NAME) -> str:
    text = (resources.files("geocouple") / "data" / "configs" / "template.toml").read_text(encoding="utf-8")
    return (
        text.replace("{data_path}", data_path)
        .replace("{years}", "[" + ", ".join(str(int(y)) for y in years) + "]")
        .replace("{config_name}", CONFIG_NAME)
    )


def template_data(columns, years=(2003, 2016)) -> str:
    """CSV text: comment lines with units, a header, one empty row per Shanxi city and year."""
    from .boundaries import load_boundaries

    units = load_boundaries()
    buf = io.StringIO()
    buf.write("# geocouple data template: fill in one value per cell (numbers only; leave no cell empty).\n")
    buf.write("# Units: " + "; ".join(f"{c} = {UNITS[c]}" for c in columns if c in UNITS) + "\n")
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["adcode", "name_zh", "name_en", "year", *columns])
    for code, row in units.iterrows():
        for year in years:
            writer.writerow([code, row["name_zh"], row["name_en"], int(year), *[""] * len(columns)])
    return buf.getvalue()


def init_project(folder, years=(2003, 2016), force: bool = False) -> list[Path]:
    """Write ``geocouple.toml`` and ``data.csv`` into ``folder`` (absent or empty unless ``force``)."""
    from .config import config_from_dict

    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise OutputError(f"{folder}: a folder is needed; a file exists there")
    targets = [folder / CONFIG_NAME, folder / DATA_NAME]
    clash = [p for p in targets if p.exists()]
    if clash and not force:
        raise OutputError(f"{clash[0]}: exists; pass --force to overwrite the template files")
    config_text = template_config(years)
    import tomllib

    config = config_from_dict(tomllib.loads(config_text), folder, str(folder / CONFIG_NAME))
    columns = config.system.raw_columns()
    order = list(UNITS)
    columns = sorted(columns, key=lambda c: (order.index(c) if c in order else len(order), columns.index(c)))
    data_text = template_data(columns, years)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        targets[0].write_text(config_text, encoding="utf-8")
        targets[1].write_text(data_text, encoding="utf-8")
    except OSError as exc:
        raise OutputError(f"{folder}: cannot write the templates here ({exc.strerror})") from None
    return targets
