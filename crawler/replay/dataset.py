"""Synthetic replay data: made-up articles in the shapes of sources.md.

Deterministic for a given seed, so the bundled dataset, the tests and the benchmark all
see the same bytes. Nothing here is real news.
"""

from __future__ import annotations

import json
import random
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

MEDIA = [
    "石家庄日报", "21世纪经济报道", "长江日报", "上海证券报", "中国证券报", "证券时报",
    "经济参考报", "新华社", "人民日报", "华尔街见闻", "财联社", "东方财富网", "乐居财经",
    "中国银行保险报", "重庆晨报", "安信国际证券(香港)", "Wind", "36氪", "界面新闻",
    "每日经济新闻", "第一财经", "经济日报", "证券日报", "中国经营报",
]
_SUBJECTS = ["新能源车企", "多家银行", "光伏龙头", "券商板块", "央行", "港股科技股", "锂电材料",
             "半导体设备", "白酒股", "地方债", "消费电子", "储能项目", "航运指数", "稀土价格"]
_VERBS = ["集体走强", "明显回落", "再创新高", "宣布扩产", "获机构调研", "发布三季报",
          "迎来政策利好", "持续净流入", "加快布局", "签署合作协议"]
_TAILS = ["市场关注度提升", "业内人士解读后市", "全年目标有望完成", "成交额放大", "产业链迎来机遇",
          "多地出台配套措施", "机构看好长期空间"]
_SENTENCES = ["记者从相关部门获悉，相关工作正在有序推进。", "分析人士认为，短期波动不改长期趋势。",
              "数据显示，前三季度累计规模同比增长明显。", "多家机构表示，将持续关注行业供需变化。",
              "公司相关负责人介绍，项目建成后将带动上下游协同发展。",
              "业内预计，随着政策落地，市场信心将逐步恢复。"]
BASE_TIME = datetime(2026, 11, 20, 9, 0, 0)


def _title(rng: random.Random) -> str:
    return f"{rng.choice(_SUBJECTS)}{rng.choice(_VERBS)} {rng.choice(_TAILS)}"


def _paragraphs(rng: random.Random, n: int) -> list[str]:
    return ["".join(rng.sample(_SENTENCES, 2)) for _ in range(n)]


def body_html(rng: random.Random, media: str) -> str:
    """Article HTML as the sources serve it: full-width indents, CRLF between paragraphs."""
    paras = [f"<p>\u3000\u3000{p}</p>" for p in _paragraphs(rng, rng.randint(2, 5))]
    paras.append(f'<p class="em_media">（文章来源：{media}）</p>')
    return "\r\n".join(paras)


def page_2026(title: str, when: datetime, media: str, body: str) -> str:
    return f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{title}_东方财富网</title></head>
<body><div class="mainleft">
<div class="title">{title}</div>
<div class="infos"><div class=" item">{when:%Y年%m月%d日 %H:%M}</div><div class="item">来源：{media}</div></div>
<div class="txtinfos" id="ContentBody">
<p class="toplink"><a class="toplink" href="https://acttg.eastmoney.com/">下载APP，看全部行情</a></p>
{body}
<div class="ad_context3">广告位</div>
<script>var adConfig = 1;</script>
</div></div></body></html>"""


def page_legacy(title: str, when: datetime, media: str, body: str) -> str:
    return f"""<html><head><meta charset="utf-8"><title>{title}</title></head>
<body><div class="newsContent">
<h1>{title}</h1>
<div class="time-source"><div class="time">{when:%Y年%m月%d日 %H:%M}</div>
<div class="source data-source" data-source="{media}">来源：{media}</div></div>
<div id="ContentBody" class="Body">
{body}
<script type="text/javascript">loadStock();</script>
</div></div></body></html>"""


def emnews_rows(rng: random.Random, n: int, start: datetime, pages: dict[str, str]) -> list[dict]:
    rows = []
    for i in range(n):
        when = start - timedelta(minutes=7 * i, seconds=rng.randint(0, 59))
        newsid = f"{when:%Y%m%d}{rng.randint(10**9, 10**10 - 1)}"
        title = _title(rng)
        digest = f"【{title}】{''.join(_paragraphs(rng, 1))}（{rng.choice(MEDIA)}）"
        old_style = rng.random() < 0.2
        url_w = (f"http://finance.eastmoney.com/news/1354,{newsid}.html" if old_style
                 else f"http://finance.eastmoney.com/a/{newsid}.html")
        kind = rng.random()
        if kind >= 0.6:  # 40 % have an article page; the rest are flashes (404)
            media = rng.choice(MEDIA)
            render = page_legacy if kind >= 0.9 else page_2026
            pages[url_w.split("://", 1)[1]] = render(title, when, media, body_html(rng, media))
        showtime = f"{when:%Y-%m-%d %H:%M:%S}"
        rows.append({
            "id": newsid, "newsid": newsid, "sort": str(int(when.timestamp() * 1000)),
            "title": title, "simtitle": title, "digest": digest, "simdigest": digest,
            "url_w": url_w, "url_unique": url_w, "url_m": f"https://wap.eastmoney.com/a/{newsid}.html",
            "showtime": showtime, "ordertime": showtime, "column": "100,102", "newstype": "1",
        })
    return rows


def media_rows(rng: random.Random, n: int, start: datetime, textapi: dict, pages: dict) -> list[dict]:
    rows = []
    for i in range(n):
        when = start - timedelta(minutes=13 * i, seconds=rng.randint(0, 59))
        code = f"{when:%Y%m%d}{rng.randint(10**9, 10**10 - 1)}"
        media, title = rng.choice(MEDIA), _title(rng)
        url = f"http://finance.eastmoney.com/a/{code}.html"
        html = body_html(rng, media)
        if rng.random() < 0.8:
            textapi[f"NW{code}"] = {"text": html}
        else:  # text API has nothing: the spider falls back to the source page
            textapi[f"NW{code}"] = {"text": ""}
        pages[url.split("://", 1)[1]] = page_2026(title, when, media, html)
        rows.append({
            "code": code, "showTime": f"{when:%Y-%m-%d %H:%M:%S}", "title": title,
            "mediaName": media, "summary": _paragraphs(rng, 1)[0], "image": "",
            "url": url, "uniqueUrl": url, "Np_dst": "",
        })
    return rows


def market_records(rng: random.Random, n: int, start: datetime, textapi: dict) -> list[dict]:
    records = []
    for i in range(n):
        when = start - timedelta(minutes=29 * i, seconds=rng.randint(0, 59))
        code = f"NW{when:%Y%m%d}{rng.randint(10**9, 10**10 - 1)}"
        media = rng.choice(MEDIA)
        textapi[code] = {"text": body_html(rng, media)}
        records.append({"infoCode": code, "title": _title(rng), "medianame": media,
                        "datetime": f"{when:%Y-%m-%d %H:%M:%S}"})
    return records


def fastnews_rows(kuaixun: list[dict]) -> list[dict]:
    """Kuaixun rows as getFastNewsList shows the same flashes (sources.md §6.1): ``code`` is
    the id, ``summary`` the digest, ``url`` only when the row has a link; ``realSort`` is the
    row's ``sort``, else a number decreasing down the list."""
    rows = []
    for i, row in enumerate(kuaixun):
        fast = {"code": row.get("id") or row.get("newsid", ""),
                "title": row.get("title") or row.get("simtitle", ""),
                "summary": row.get("digest") or row.get("simdigest", ""),
                "showTime": row.get("showtime") or row.get("ordertime", ""),
                "realSort": str(row.get("sort") or len(kuaixun) - i)}
        link = row.get("url_w") or row.get("url_unique")
        if link:
            fast["url"] = link
        rows.append(fast)
    return rows


# List fields holding a Beijing wall-clock time, per dataset key (see rebase).
_TIME_FIELDS = {"kuaixun": ("showtime", "ordertime"), "fastnews": ("showTime",), "columns": ("showTime",),
                "market": ("datetime",)}
_TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
BEIJING = ZoneInfo("Asia/Shanghai")


def _list_rows(data: dict[str, Any]):
    for key, fields in _TIME_FIELDS.items():
        value = data.get(key, [])
        groups = value.values() if isinstance(value, dict) else [value]
        for rows in groups:
            for row in rows:
                yield row, fields


def beijing_day(now: date) -> date:
    """The Beijing calendar day of ``now``; a naive time is Beijing wall-clock already."""
    if isinstance(now, datetime):
        return (now.astimezone(BEIJING) if now.tzinfo else now).date()
    return now


def newest_day(data: dict[str, Any]) -> date | None:
    """The day of the dataset's newest list row (Beijing wall clock); None without rows."""
    times = [datetime.strptime(row[f], _TIME_FORMAT) for row, fields in _list_rows(data)
             for f in fields[:1] if row.get(f)]
    return max(times).date() if times else None


def rebase(data: dict[str, Any], now: date) -> dict[str, Any]:
    """The dataset with every list time moved by whole days so its newest row is on the day
    before ``now``'s Beijing day.

    Only the day counts, never the hour: every run on one day sees the same rows, so a
    second run fetches nothing. The day before is the latest day that is past at every hour
    of today (the crawler drops future rows, a Jekyll build skips future posts); the demo's
    rows, under a day of them, stay inside the retention window.
    """
    data = json.loads(json.dumps(data))
    newest = newest_day(data)
    if newest is None:
        return data
    days = (beijing_day(now) - newest).days - 1
    shift = timedelta(days=days)
    for row, fields in _list_rows(data):
        for f in fields:
            if row.get(f):
                row[f] = f"{datetime.strptime(row[f], _TIME_FORMAT) + shift:{_TIME_FORMAT}}"
        if str(row.get("sort", "")).isdigit():
            row["sort"] = str(int(row["sort"]) + days * 86_400_000)
    return data


def generate(seed: int = 2026, emnews: int = 120, media: int = 60, market: int = 10,
             columns: tuple[str, ...] = ("350",), market_types: tuple[str, ...] = ("37", "38", "39"),
             start: datetime = BASE_TIME) -> dict[str, Any]:
    """A whole replay dataset (see ``crawler.replay.server`` for its keys)."""
    rng = random.Random(seed)
    pages: dict[str, str] = {}
    textapi: dict[str, dict] = {}
    data: dict[str, Any] = {"kuaixun": emnews_rows(rng, emnews, start, pages)}
    per_column = max(1, media // len(columns))
    data["columns"] = {c: media_rows(rng, per_column, start, textapi, pages) for c in columns}
    data["market"] = {t: market_records(rng, market, start, textapi) for t in market_types}
    data["textapi"] = textapi
    data["pages"] = pages
    return data


def main() -> None:
    out = Path(__file__).with_name("data") / "demo.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(generate(), ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
