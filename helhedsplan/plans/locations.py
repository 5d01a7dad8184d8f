"""Where an estate lies: a point and an optional outline, inside Denmark — the rules of ``Estate``'s location,
and the static picture of a plan's estates (an inline SVG, drawn from the coordinates alone: the report's PDF
and print view show it without fetching anything).

Coordinates are WGS 84 degrees. An outline is GeoJSON-like: a list of ``[longitude, latitude]`` pairs, closed
(its last point is its first), at least three corners.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

#: Denmark's bounds, with a margin (Bornholm to the east, Skagen to the north, the border to the south).
MIN_LATITUDE, MAX_LATITUDE = Decimal("54.5"), Decimal("57.8")
MIN_LONGITUDE, MAX_LONGITUDE = Decimal("8.0"), Decimal("15.3")
#: The most corners an outline may have: an estate's outline, not a country's coastline.
MAX_OUTLINE_POINTS = 500

OUTSIDE_DENMARK = _("The coordinates lie outside Denmark. Write latitude and longitude in degrees (WGS 84).")


def inside_denmark(latitude: float | Decimal, longitude: float | Decimal) -> bool:
    return (
        MIN_LATITUDE <= Decimal(str(latitude)) <= MAX_LATITUDE
        and MIN_LONGITUDE <= Decimal(str(longitude)) <= MAX_LONGITUDE
    )


def validate_outline(value: Any) -> None:
    """A closed polygon inside Denmark: ``[[lon, lat], …, [lon, lat]]``, first point repeated last."""
    if value is None:
        return
    not_polygon = ValidationError(
        _(
            "The outline must be a closed polygon: a list of at least four [longitude, latitude] points whose "
            "last point is its first."
        ),
        code="not_closed_polygon",
    )
    if not isinstance(value, list) or not 4 <= len(value) <= MAX_OUTLINE_POINTS:
        raise not_polygon
    for point in value:
        if (
            not isinstance(point, list)
            or len(point) != 2
            or not all(
                isinstance(c, int | float) and not isinstance(c, bool) and math.isfinite(c) for c in point
            )
        ):
            raise not_polygon
    if value[0] != value[-1] or len({tuple(p) for p in value}) < 3:
        raise not_polygon
    if not all(inside_denmark(lat, lon) for lon, lat in value):
        raise ValidationError(OUTSIDE_DENMARK, code="outside_denmark")


# --- The static picture -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MapEstate:
    name: str
    latitude: float
    longitude: float
    outline: list[list[float]] | None
    approved: bool


def _project(points: Iterable[tuple[float, float]], width: int, height: int, margin: int):
    """A function from (lon, lat) to SVG (x, y): equirectangular, scaled by the cosine of the middle latitude,
    fitted to the box with a margin."""
    points = list(points)
    lons = [p[0] for p in points]
    lats = [p[1] for p in points]
    middle = math.radians((min(lats) + max(lats)) / 2)
    x_span = max((max(lons) - min(lons)) * math.cos(middle), 1e-4)
    y_span = max(max(lats) - min(lats), 1e-4)
    scale = min((width - 2 * margin) / x_span, (height - 2 * margin) / y_span)
    x0 = (width - x_span * scale) / 2
    y0 = (height - y_span * scale) / 2

    def project(lon: float, lat: float) -> tuple[float, float]:
        return (
            round(x0 + (lon - min(lons)) * math.cos(middle) * scale, 1),
            round(height - (y0 + (lat - min(lats)) * scale), 1),
        )

    return project


def estates_svg(
    estates: list[MapEstate], *, title: str, width: int = 600, height: int = 400
) -> SafeString | str:
    """The estates as an inline SVG: each outline, each point with its name, and the area's frame (the box
    around them all). Empty when no estate has a location."""
    if not estates:
        return ""
    points = [(e.longitude, e.latitude) for e in estates]
    points += [(lon, lat) for e in estates for lon, lat in (e.outline or [])]
    project = _project(points, width, height, margin=40)
    xs, ys = zip(*(project(lon, lat) for lon, lat in points), strict=True)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'class="estate-map-static" aria-labelledby="estate-map-static-title">',
        f'<title id="estate-map-static-title">{escape(title)}</title>',
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#f8f9fa" stroke="#adb5bd"/>',
        f'<rect x="{min(xs) - 20}" y="{min(ys) - 20}" width="{max(xs) - min(xs) + 40}" '
        f'height="{max(ys) - min(ys) + 40}" fill="none" stroke="#6c757d" stroke-dasharray="6 4"/>',
    ]
    for estate in estates:
        if estate.outline:
            corners = " ".join(f"{x},{y}" for x, y in (project(lon, lat) for lon, lat in estate.outline))
            parts.append(f'<polygon points="{corners}" fill="#cfe2ff" stroke="#0d6efd" stroke-width="1"/>')
    for estate in estates:
        x, y = project(estate.longitude, estate.latitude)
        colour = "#198754" if estate.approved else "#b02a37"
        parts.append(f'<circle cx="{x}" cy="{y}" r="5" fill="{colour}" stroke="#fff" stroke-width="1"/>')
        parts.append(
            f'<text x="{x + 8}" y="{y + 4}" font-size="11" font-family="sans-serif" fill="#212529">'
            f"{escape(estate.name)}</text>"
        )
    parts.append("</svg>")
    # Every text in it is escaped above; the rest is numbers.
    return mark_safe("".join(parts))  # noqa: S308


# --- The map's data ---------------------------------------------------------------------------------------------


def map_estate_rows(states: Iterable[Any]) -> list[dict[str, Any]]:
    """What the map draws of each estate with a location, from rows that carry an ``estate`` and the label of
    its approval (``approvals.summary``'s estate states: ``estate``, ``result``, ``result_label``): JSON-ready
    dicts (name, housing association, approval, point, outline, anchor on the page)."""
    rows = []
    for state in states:
        estate = state.estate
        if estate.latitude is None or estate.longitude is None:
            continue
        association = estate.housing_association
        rows.append(
            {
                "id": estate.pk,
                "name": estate.name,
                "association": association.short_name if association else "",
                "status": capfirst(str(state.result_label)),
                "approved": state.result == "approved",
                "lat": float(estate.latitude),
                "lon": float(estate.longitude),
                "outline": estate.outline or None,
            }
        )
    return rows


def static_map(rows: list[dict[str, Any]], *, title: str) -> SafeString | str:
    """The inline SVG of ``map_estate_rows``' rows (the report's PDF and print view)."""
    return estates_svg(
        [
            MapEstate(
                name=row["name"],
                latitude=row["lat"],
                longitude=row["lon"],
                outline=row["outline"],
                approved=row["approved"],
            )
            for row in rows
        ],
        title=title,
    )
