"""The commission's console through the wire: exports (XLSX and CSV)."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import datetime

from openpyxl import load_workbook

from tests.conftest import ADMIN, ENTERPRISE, GROUP, LIAISON, SHANGHAI, STRANGER, RunningBot
from tests.test_commitments import need_with_promise


def last_document(bot: RunningBot) -> tuple[str, bytes, str]:
    call = [c for c in bot.api.calls if c.method == "sendDocument" and c.status == 200][-1]
    document = call.params["document"]
    return document["filename"], document["data"], str(call.params.get("caption", ""))


async def test_export_xlsx_has_a_sheet_per_table_with_local_times(served: RunningBot) -> None:
    await need_with_promise(served)
    await served.say(LIAISON, "/agreement 1 与青岛天使基金签约，天使轮融资800万元",
                     date=datetime(2026, 11, 27, 11, 0, tzinfo=SHANGHAI))
    await served.say(STRANGER, "/export")
    assert "管理员" in served.last_text()
    assert not [c for c in served.api.calls if c.method == "sendDocument"]

    await served.say(ADMIN, "/export")
    name, data, caption = last_document(served)
    assert name.endswith(".xlsx") and "需求 1 条" in caption and "承诺 1 条" in caption and "成果 1 条" in caption
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["需求", "分派", "承诺", "成果", "记录"]
    needs = list(book["需求"].values)
    assert needs[0][:4] == ("编号", "群ID", "群名称", "需求号")
    assert len(needs) == 2 and "自动驾驶" in needs[1][6] and needs[1][9] == "2026-11-27 10:00"  # local time
    commitments = list(book["承诺"].values)
    assert commitments[1][6] == "两周内开放测试路段" and commitments[1][7] == "2026-12-11"
    agreements = list(book["成果"].values)
    assert agreements[1][3] == "financing" and agreements[1][4] == 8_000_000
    routes = list(book["分派"].values)
    assert any(row[2] == "transport" and row[4] == "lead" for row in routes[1:])
    events = [row[5] for row in list(book["记录"].values)[1:]]
    assert {"need_registered", "claimed", "committed", "agreement_recorded"} <= set(events)


async def test_export_csv_is_a_zip_excel_reads_and_private_chat_exports_every_group(served: RunningBot) -> None:
    await need_with_promise(served)
    await served.say(ADMIN, "/export csv")
    name, data, _ = last_document(served)
    assert name.endswith(".zip")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert sorted(archive.namelist()) == ["agreements.csv", "commitments.csv", "events.csv", "needs.csv",
                                              "routes.csv"]
        raw = archive.read("needs.csv")
    assert raw.startswith("\ufeff".encode())  # BOM: Excel opens UTF-8 Chinese correctly
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][0] == "编号" and len(rows) == 2

    await served.say(ADMIN, "/export pdf")
    assert "用法：/export" in served.last_text()
    # An admin's private chat exports every group.
    await served.say(ENTERPRISE, "需要对接医院开展癌症早筛试点", chat_id=GROUP)
    await served.say(ADMIN, "/export", chat_id=ADMIN["id"])
    _, data, caption = last_document(served)
    assert "全部对接群" in caption and "需求 2 条" in caption


def last_photo(bot: RunningBot) -> bytes:
    call = [c for c in bot.api.calls if c.method == "sendPhoto" and c.status == 200][-1]
    return bytes(call.params["photo"]["data"])


async def test_report_sends_a_summary_and_a_chart(served: RunningBot) -> None:
    from matplotlib.image import imread

    await need_with_promise(served)
    await served.say(LIAISON, "/done 1", date=datetime(2026, 11, 28, 9, 0, tzinfo=SHANGHAI))
    report = next(m for (c, _), m in served.api.messages.items() if c == GROUP and "报告承诺 1" in m.get("text", ""))
    await served.press(ENTERPRISE, report["message_id"], "kept:1:y")
    await served.say(ENTERPRISE, "希望对接医院开展癌症早筛试点，需要脱敏的体检数据",
                     date=datetime(2026, 11, 28, 10, 0, tzinfo=SHANGHAI))
    await served.say(LIAISON, "/agreement 1 与城阳区签订协议，开放5公里测试道路，总投资2亿元")
    served.clock.set_local(2026, 11, 30, 10, 0)

    await served.say(ADMIN, "/report week")
    texts = [str(c.params.get("text")) for c in served.api.calls if c.method == "sendMessage"]
    summary = next(t for t in reversed(texts) if "对接成效报告" in t)
    assert "需求 2 → 已认领 1 → 已承诺 1 → 已兑现 1 → 已解决 0" in summary, summary
    assert "交通运输局 1" in summary and "场景开放" in summary
    assert "按期兑现率 100%" in summary and "成果：1 项（场景开放 1），金额合计 2 亿元" in summary
    png = last_photo(served)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    image = imread(io.BytesIO(png), format="png")
    assert image.shape[:2] == (1200, 1200)  # decodes, 1200 × 1200 pixels

    await served.say(ADMIN, "/report year")
    assert "用法：/report" in served.last_text()
    await served.say(STRANGER, "/report")
    assert "管理员" in served.last_text()
