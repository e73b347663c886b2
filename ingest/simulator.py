"""A local feed simulator: departmental feeds served over HTTP on localhost, at the present time.

``manage.py feed_simulator`` serves it; the demo sources pull from it, and the tests use it as the
"other bureau's server" (a real HTTP server, not a mock). Feeds:

- ``/water/rain.csv``      rain gauges, CSV, Beijing time without offsets (project-written data)
- ``/water/levels.xlsx``   river, tide and reservoir levels in cm, Excel, Beijing time (project-written)
- ``/weather/wind.json``   wind in km/h, JSON, UTC without offsets (project-written)
- ``/cap/zhuhai.xml``      CAP 1.2 warnings for Zhuhai in an Atom feed (project-written exercise
                            messages: a typhoon warning updated hourly and cancelled, a rainstorm
                            warning that expires)
- ``/cap/examples.xml``    the two real CAP examples of ../shared/data, moved to today
- ``/usgs/all_day.geojson`` the real USGS day of ../shared/data, moved to today; events appear as
                            their (moved) time passes
- ``/hko/monthly.json``    the real HKO monthly climate file of ../shared/data, as it is

Generated values are a pure function of station and time, so pulling twice within a step returns
the same rows (and the platform stores them once).

Faults, for the demo (random, ``fault_rate``) and for tests (``?fault=<kind>``, optionally
``&times=N`` for only the first N requests of that address): ``500``, ``timeout`` (answers only after
``stall_seconds``), ``truncate`` (closes the connection halfway through the declared body),
``duplicate`` (repeats records), ``garbage`` (adds bad records among the good ones), ``junk`` (an HTML
error page with status 200 instead of the payload).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import logging
import math
import random
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

from lxml import etree
from openpyxl import Workbook

logger = logging.getLogger(__name__)

FAULTS = ("500", "timeout", "truncate", "duplicate", "garbage", "junk")
BEIJING = ZoneInfo("Asia/Shanghai")
CAP_NS = "urn:oasis:names:tc:emergency:cap:1.2"
ATOM_NS = "http://www.w3.org/2005/Atom"
STEP = timedelta(minutes=5)

# Station codes of the demo stations (sanfang.demo); each feed reports its own kind.
RAIN_STATIONS = ("ZH-R01", "ZH-R02", "ZH-R03", "ZH-R04", "ZH-R05")
# (code, element, base level in cm, daily amplitude in cm)
LEVEL_STATIONS = (
    ("ZH-H01", "WL", 240.0, 35.0),
    ("ZH-H02", "WL", 180.0, 25.0),
    ("ZH-G01", "WL", 150.0, 20.0),
    ("ZH-T01", "TL", 60.0, 110.0),
    ("ZH-K01", "RL", 4520.0, 3.0),
)
WIND_STATIONS = ("ZH-W01", "ZH-W02")

CAP_SENDER = "44040041600000"
# Drawn by the project around Zhuhai's mainland and near islands (lat,lon; not an official boundary).
ZHUHAI_POLYGON = "22.44,113.10 22.44,113.62 22.20,113.65 21.95,113.45 21.95,113.15 22.20,113.05 22.44,113.10"
DOUMEN_CIRCLE = "22.22,113.28 15"
TYPHOON_CYCLE = (  # severity and colour for the hours of a 6-hour cycle; the last hour cancels
    ("Minor", "蓝色"),
    ("Moderate", "黄色"),
    ("Severe", "橙色"),
    ("Severe", "橙色"),
    ("Moderate", "黄色"),
)


def _seeded(*parts) -> random.Random:
    digest = hashlib.sha256("|".join(map(str, parts)).encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))  # noqa: S311  (simulated data)


def floor_time(moment: datetime, step: timedelta) -> datetime:
    epoch = datetime(2000, 1, 1, tzinfo=UTC)
    return moment - ((moment - epoch) % step)


def recent_steps(now: datetime, *, count: int, step: timedelta = STEP) -> list[datetime]:
    last = floor_time(now, step)
    return [last - step * k for k in range(count - 1, -1, -1)]


# --- project-written observation tables --------------------------------------------------------


def rain_rows(now: datetime) -> list[list[str]]:
    rows = []
    for moment in recent_steps(now, count=12):
        for code in RAIN_STATIONS:
            rng = _seeded("rain", code, moment.isoformat())
            # Mostly dry, showers now and then: a day-long wet spell every third day.
            wet = (moment.timetuple().tm_yday % 3 == 0) or rng.random() < 0.2
            amount = round(max(rng.gammavariate(0.7, 2.2) - 0.8, 0.0), 1) if wet else 0.0
            rows.append([code, moment.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M"), f"{amount:.1f}"])
    return rows


def level_rows(now: datetime) -> list[list[str]]:
    rows = []
    for moment in recent_steps(now, count=6, step=timedelta(minutes=10)):
        hours = moment.timestamp() / 3600
        for code, element, base, amplitude in LEVEL_STATIONS:
            tide = math.sin(2 * math.pi * hours / 12.42)  # semidiurnal tide
            noise = _seeded("level", code, moment.isoformat()).uniform(-2, 2)
            rows.append(
                [
                    code,
                    moment.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M"),
                    element,
                    f"{base + amplitude * tide + noise:.0f}",
                ]
            )
    return rows


def wind_records(now: datetime) -> list[dict]:
    records = []
    for moment in recent_steps(now, count=6, step=timedelta(minutes=10)):
        for code in WIND_STATIONS:
            rng = _seeded("wind", code, moment.isoformat())
            speed = round(abs(rng.gauss(18, 8)), 1)
            records.append(
                {
                    "stationId": code,
                    "obsTime": moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S"),
                    "windSpeed": speed,
                    "windDir": rng.randrange(0, 360),
                    "gust": round(speed * rng.uniform(1.3, 1.8), 1),
                }
            )
    return records


def csv_bytes(header: list[str], rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def xlsx_bytes(header: list[str], rows: list[list]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "水位"
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# --- CAP ------------------------------------------------------------------------------------------


def cap_time(moment: datetime) -> str:
    """CAP date-time: offset always written, never "Z" (CAP 1.2 §3.3.2)."""
    return moment.astimezone(BEIJING).isoformat(timespec="seconds")


def _el(parent, name: str, text: str | None = None):
    child = etree.SubElement(parent, f"{{{CAP_NS}}}{name}")
    if text is not None:
        child.text = text
    return child


def cap_alert(
    *,
    identifier: str,
    sent: datetime,
    msg_type: str,
    references: str = "",
    info: dict | None = None,
    status: str = "Exercise",
):
    alert = etree.Element(f"{{{CAP_NS}}}alert", nsmap={None: CAP_NS})
    _el(alert, "identifier", identifier)
    _el(alert, "sender", CAP_SENDER)
    _el(alert, "sent", cap_time(sent))
    _el(alert, "status", status)
    _el(alert, "msgType", msg_type)
    _el(alert, "scope", "Public")
    _el(alert, "note", "演示数据：由平台的模拟数据源生成，不是真实预警。")
    if references:
        _el(alert, "references", references)
    if info:
        block = _el(alert, "info")
        _el(block, "language", "zh-CN")
        _el(block, "category", "Met")
        _el(block, "event", info["event"])
        _el(block, "responseType", info.get("response", "Prepare"))
        _el(block, "urgency", "Expected")
        _el(block, "severity", info["severity"])
        _el(block, "certainty", "Likely")
        _el(block, "effective", cap_time(sent))
        _el(block, "expires", cap_time(info["expires"]))
        _el(block, "senderName", "珠海市气象台（演示）")
        _el(block, "headline", info["headline"])
        _el(block, "description", info["description"])
        parameter = _el(block, "parameter")
        _el(parameter, "valueName", "预警颜色")
        _el(parameter, "value", info["colour"])
        area = _el(block, "area")
        _el(area, "areaDesc", info["area"])
        if info.get("polygon"):
            _el(area, "polygon", info["polygon"])
        if info.get("circle"):
            _el(area, "circle", info["circle"])
        geocode = _el(area, "geocode")
        _el(geocode, "valueName", "GB/T 2260")
        _el(geocode, "value", info["adcode"])
    return alert


def _typhoon(hour: datetime):
    """The typhoon message of one hour (Beijing time) of the 6-hour cycle."""
    step = int(hour.astimezone(BEIJING).hour) % 6
    identifier = f"{CAP_SENDER}_{hour.astimezone(BEIJING):%Y%m%d%H%M%S}_1"
    previous = hour - timedelta(hours=1)
    references = ""
    if step:
        references = (
            f"{CAP_SENDER},{CAP_SENDER}_{previous.astimezone(BEIJING):%Y%m%d%H%M%S}_1,{cap_time(previous)}"
        )
    if step == 5:
        return cap_alert(identifier=identifier, sent=hour, msg_type="Cancel", references=references)
    severity, colour = TYPHOON_CYCLE[step]
    return cap_alert(
        identifier=identifier,
        sent=hour,
        msg_type="Update" if step else "Alert",
        references=references,
        info={
            "event": "台风",
            "severity": severity,
            "colour": colour,
            "expires": hour + timedelta(hours=3),
            "headline": f"珠海市气象台发布台风{colour}预警（演示）",
            "description": "受热带气旋影响，预计未来24小时内本市将出现大风天气，请做好防风准备。（演示）",
            "area": "珠海市",
            "polygon": ZHUHAI_POLYGON,
            "adcode": "440400",
        },
    )


def _rainstorm(hour: datetime):
    """A rainstorm warning issued every third hour for 斗门区; it expires after two hours."""
    identifier = f"{CAP_SENDER}_{hour.astimezone(BEIJING):%Y%m%d%H%M%S}_2"
    return cap_alert(
        identifier=identifier,
        sent=hour,
        msg_type="Alert",
        info={
            "event": "暴雨",
            "severity": "Moderate",
            "colour": "黄色",
            "expires": hour + timedelta(hours=2),
            "headline": "珠海市气象台发布斗门区暴雨黄色预警（演示）",
            "description": "斗门区未来3小时内可能出现50毫米以上降雨，请注意防范。（演示）",
            "area": "斗门区",
            "circle": DOUMEN_CIRCLE,
            "adcode": "440403",
        },
    )


def zhuhai_cap_alerts(now: datetime) -> list:
    """The messages of the last three hours (a late puller still sees what it missed), oldest first."""
    this_hour = floor_time(now, timedelta(hours=1))
    alerts = []
    for k in (2, 1, 0):
        hour = this_hour - timedelta(hours=k)
        alerts.append(_typhoon(hour))
        if int(hour.astimezone(BEIJING).hour) % 3 == 0:
            alerts.append(_rainstorm(hour))
    return alerts


def atom_feed(alerts: list, now: datetime) -> bytes:
    feed = etree.Element(f"{{{ATOM_NS}}}feed", nsmap={None: ATOM_NS})
    etree.SubElement(feed, f"{{{ATOM_NS}}}title").text = "珠海市预警信息（演示）"
    etree.SubElement(feed, f"{{{ATOM_NS}}}updated").text = now.astimezone(UTC).isoformat(timespec="seconds")
    for alert in alerts:
        entry = etree.SubElement(feed, f"{{{ATOM_NS}}}entry")
        etree.SubElement(entry, f"{{{ATOM_NS}}}id").text = alert.findtext(f"{{{CAP_NS}}}identifier")
        content = etree.SubElement(entry, f"{{{ATOM_NS}}}content", type="application/cap+xml")
        content.append(alert)
    return etree.tostring(feed, xml_declaration=True, encoding="UTF-8")


def shift_cap_document(data: bytes, now: datetime):
    """A real CAP document moved by whole days so that it was sent today (before ``now``)."""
    root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
    sent = datetime.fromisoformat(root.findtext(f"{{{CAP_NS}}}sent"))
    days = (now - sent).days
    shift = timedelta(days=days)
    for name in ("sent", "effective", "onset", "expires"):
        for element in root.iter(f"{{{CAP_NS}}}{name}"):
            moment = datetime.fromisoformat(element.text.strip()) + shift
            element.text = moment.isoformat(timespec="seconds")
    return root


# --- USGS --------------------------------------------------------------------------------------


def shift_usgs(data: bytes, now: datetime) -> dict:
    """The USGS day moved by whole days so that it ends in the coming 24 hours; only the events whose
    moved time has passed are served, so new ones appear as the day goes on."""
    feed = json.loads(data)
    generated = datetime.fromtimestamp(feed["metadata"]["generated"] / 1000, tz=UTC)
    days = math.ceil((now - generated) / timedelta(days=1))
    shift_ms = int(timedelta(days=days).total_seconds() * 1000)
    now_ms = int(now.timestamp() * 1000)
    features = []
    for feature in feed["features"]:
        props = dict(feature["properties"])
        props["time"] += shift_ms
        if props["time"] > now_ms:
            continue
        props["updated"] = min(props["updated"] + shift_ms, now_ms)
        features.append({**feature, "properties": props})
    feed["features"] = features
    feed["metadata"] = {**feed["metadata"], "generated": now_ms, "count": len(features)}
    return feed


# --- the feeds ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Feed:
    path: str
    content_type: str
    description: str
    # (now, fault or None) -> body; fault is "duplicate" or "garbage" when asked for
    render: Callable[[datetime, str | None], bytes | None]


class FeedSimulator:
    def __init__(
        self,
        *,
        shared_data_dir: Path | None = None,
        faults: tuple[str, ...] = (),
        fault_rate: float = 0.0,
        seed: int | None = None,
        stall_seconds: float = 60.0,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        unknown = set(faults) - set(FAULTS)
        if unknown:
            raise ValueError(f"unknown faults {sorted(unknown)}; known: {', '.join(FAULTS)}")
        self.shared = shared_data_dir
        self.faults = tuple(faults)
        self.fault_rate = fault_rate
        self.random = random.Random(seed)  # noqa: S311  (simulated faults)
        self.stall_seconds = stall_seconds
        self.clock = clock or (lambda: datetime.now(UTC))
        self.requests: Counter[str] = Counter()
        self._lock = threading.Lock()
        self.feeds = {feed.path: feed for feed in self._feeds()}

    def _shared(self, relative: str) -> bytes | None:
        if self.shared is None:
            return None
        path = self.shared / relative
        return path.read_bytes() if path.is_file() else None

    def _feeds(self) -> list[Feed]:
        return [
            Feed("/water/rain.csv", "text/csv; charset=utf-8", "rain gauges, CSV, Beijing time", self._rain),
            Feed(
                "/water/levels.xlsx",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "water levels (cm), Excel, Beijing time",
                self._levels,
            ),
            Feed("/weather/wind.json", "application/json", "wind (km/h), JSON, UTC", self._wind),
            Feed(
                "/cap/zhuhai.xml",
                "application/atom+xml",
                "CAP warnings for Zhuhai (exercise)",
                self._cap_zhuhai,
            ),
            Feed(
                "/cap/examples.xml",
                "application/xml",
                "the real CAP examples, moved to today",
                self._cap_examples,
            ),
            Feed(
                "/usgs/all_day.geojson",
                "application/geo+json",
                "the real USGS day, moved to today",
                self._usgs,
            ),
            Feed("/hko/monthly.json", "application/json", "the real HKO monthly climate file", self._hko),
        ]

    # Each renderer: (now, "duplicate" | "garbage" | None) -> bytes, or None when unavailable.

    def _rain(self, now: datetime, fault: str | None) -> bytes:
        rows = rain_rows(now)
        if fault == "duplicate":
            rows = rows + rows[: len(rows) // 3]
        elif fault == "garbage":
            stamp = now.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")
            rows = [
                *rows[:5],
                ["ZH-R01", stamp, "abc"],
                ["ZH-R02", "yesterday", "1.0"],
                ["ZH-XX9", stamp, "2.0"],
                *rows[5:],
            ]
        return csv_bytes(["站码", "时间", "雨量"], rows)

    def _levels(self, now: datetime, fault: str | None) -> bytes:
        rows = level_rows(now)
        if fault == "duplicate":
            rows = rows + rows[:4]
        elif fault == "garbage":
            rows = [*rows, ["ZH-H01", "", "WL", "250"], ["ZH-H02", rows[0][1], "WL", "-99999"]]
        return xlsx_bytes(["站码", "观测时间", "要素", "水位"], rows)

    def _wind(self, now: datetime, fault: str | None) -> bytes:
        records = wind_records(now)
        if fault == "duplicate":
            records = records + records[:3]
        elif fault == "garbage":
            records = [
                *records,
                {"stationId": "ZH-W01", "obsTime": records[0]["obsTime"], "windSpeed": "n/a"},
            ]
        return json.dumps({"data": {"obs": records}}, ensure_ascii=False).encode()

    def _cap_zhuhai(self, now: datetime, fault: str | None) -> bytes:
        alerts = zhuhai_cap_alerts(now)
        if fault == "duplicate":
            alerts = [*alerts, etree.fromstring(etree.tostring(alerts[-1]))]
        elif fault == "garbage":
            broken = etree.fromstring(etree.tostring(alerts[-1]))
            broken.remove(broken.find(f"{{{CAP_NS}}}scope"))  # a required element is missing
            broken.find(f"{{{CAP_NS}}}identifier").text += "-broken"
            alerts = [*alerts, broken]
        return atom_feed(alerts, now)

    def _cap_examples(self, now: datetime, fault: str | None) -> bytes | None:
        documents = [
            self._shared("cap/example_au_nsw_rfs_fire.cap.xml"),
            self._shared("cap/example_oasis_spec_hsas_43b080713727.cap.xml"),
        ]
        if not all(documents):
            return None
        batch = etree.Element("alerts")
        for data in documents:
            batch.append(shift_cap_document(data, now))
        if fault == "duplicate":
            batch.append(etree.fromstring(etree.tostring(batch[0])))
        return etree.tostring(batch, xml_declaration=True, encoding="UTF-8")

    def _usgs(self, now: datetime, fault: str | None) -> bytes | None:
        data = self._shared("observations/usgs_earthquakes_all_day_2019-01-30.geojson")
        if data is None:
            return None
        feed = shift_usgs(data, now)
        if fault == "duplicate":
            feed["features"] = feed["features"] + feed["features"][:10]
        elif fault == "garbage":
            feed["features"] = [
                *feed["features"],
                {"type": "Feature", "id": "xx0000bad", "properties": {"mag": 3}},
            ]
        return json.dumps(feed).encode()

    def _hko(self, now: datetime, fault: str | None) -> bytes | None:
        return self._shared("observations/hko_hq_monthly_climate_elements_1884-2025.json")

    # --- answering ------------------------------------------------------------------------------

    def choose_fault(self, path: str, query: dict[str, list[str]]) -> str | None:
        key = path + "?" + "&".join(f"{k}={v[0]}" for k, v in sorted(query.items()))
        with self._lock:
            self.requests[key] += 1
            count = self.requests[key]
        if "fault" in query:
            fault = query["fault"][0]
            times = int(query.get("times", ["0"])[0] or 0)
            return fault if not times or count <= times else None
        if self.faults and self.random.random() < self.fault_rate:
            return self.random.choice(self.faults)
        return None

    def index(self) -> bytes:
        return json.dumps(
            {
                "feeds": [{"path": f.path, "description": f.description} for f in self.feeds.values()],
                "faults": FAULTS,
            },
            ensure_ascii=False,
            indent=2,
        ).encode()

    def server(self, host: str = "127.0.0.1", port: int = 8765) -> ThreadingHTTPServer:
        simulator = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, fmt, *args):
                logger.info("%s %s", self.address_string(), fmt % args)

            def _send(self, status: int, body: bytes, content_type: str, *, declared: int | None = None):
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body) if declared is None else declared))
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(body)
                self.close_connection = True

            def do_GET(self):
                url = urlsplit(self.path)
                query = parse_qs(url.query)
                if url.path in ("", "/"):
                    return self._send(200, simulator.index(), "application/json")
                feed = simulator.feeds.get(url.path)
                if feed is None:
                    return self._send(404, b"no such feed\n", "text/plain")
                fault = simulator.choose_fault(url.path, query)
                if fault == "500":
                    return self._send(500, b"Internal Server Error\n", "text/plain")
                if fault == "junk":
                    page = (
                        b"<html><head><title>502 Bad Gateway</title></head><body>upstream error</body></html>"
                    )
                    return self._send(200, page, "text/html")
                if fault == "timeout":
                    time.sleep(simulator.stall_seconds)
                body = feed.render(simulator.clock(), fault if fault in ("duplicate", "garbage") else None)
                if body is None:
                    return self._send(404, b"this feed needs ../shared/data\n", "text/plain")
                if fault == "truncate":
                    return self._send(200, body[: len(body) // 2], feed.content_type, declared=len(body))
                return self._send(200, body, feed.content_type)

        httpd = ThreadingHTTPServer((host, port), Handler)
        httpd.daemon_threads = True
        return httpd
