"""The State Council's holiday schedules (国务院办公厅关于某年部分节假日安排的通知), as data.

Year → every date the notice names: each day off (HOLIDAY, including the weekend days inside a
holiday span) and each weekend day that becomes a working day (WORKDAY, 调休上班), with the
holiday's name. Migration 0002 holds a literal copy (migrations must not import app code);
test_official_data checks the two still agree. Add a year when its notice is published
(usually in November), in a new `fill_*` migration, or let staff enter it at /work/calendar/.
"""

from datetime import date

HOLIDAY = "holiday"
WORKDAY = "workday"

SOURCES = {
    2026: (
        "国务院办公厅关于2026年部分节假日安排的通知, 2025-11-04, "
        "https://www.gov.cn/zhengce/content/202511/content_7047090.htm "
        "(checked against the Xinhua text reprinted by gmw.cn the same day)"
    ),
}

OFFICIAL = {
    2026: [
        # 元旦: 1月1日(周四)至3日(周六)放假调休, 共3天. 1月4日(周日)上班.
        (date(2026, 1, 1), HOLIDAY, "元旦"),
        (date(2026, 1, 2), HOLIDAY, "元旦"),
        (date(2026, 1, 3), HOLIDAY, "元旦"),
        (date(2026, 1, 4), WORKDAY, "元旦"),
        # 春节: 2月15日(周日)至23日(周一)放假调休, 共9天. 2月14日(周六)、2月28日(周六)上班.
        (date(2026, 2, 14), WORKDAY, "春节"),
        (date(2026, 2, 15), HOLIDAY, "春节"),
        (date(2026, 2, 16), HOLIDAY, "春节"),
        (date(2026, 2, 17), HOLIDAY, "春节"),
        (date(2026, 2, 18), HOLIDAY, "春节"),
        (date(2026, 2, 19), HOLIDAY, "春节"),
        (date(2026, 2, 20), HOLIDAY, "春节"),
        (date(2026, 2, 21), HOLIDAY, "春节"),
        (date(2026, 2, 22), HOLIDAY, "春节"),
        (date(2026, 2, 23), HOLIDAY, "春节"),
        (date(2026, 2, 28), WORKDAY, "春节"),
        # 清明节: 4月4日(周六)至6日(周一)放假, 共3天.
        (date(2026, 4, 4), HOLIDAY, "清明节"),
        (date(2026, 4, 5), HOLIDAY, "清明节"),
        (date(2026, 4, 6), HOLIDAY, "清明节"),
        # 劳动节: 5月1日(周五)至5日(周二)放假调休, 共5天. 5月9日(周六)上班.
        (date(2026, 5, 1), HOLIDAY, "劳动节"),
        (date(2026, 5, 2), HOLIDAY, "劳动节"),
        (date(2026, 5, 3), HOLIDAY, "劳动节"),
        (date(2026, 5, 4), HOLIDAY, "劳动节"),
        (date(2026, 5, 5), HOLIDAY, "劳动节"),
        (date(2026, 5, 9), WORKDAY, "劳动节"),
        # 端午节: 6月19日(周五)至21日(周日)放假, 共3天.
        (date(2026, 6, 19), HOLIDAY, "端午节"),
        (date(2026, 6, 20), HOLIDAY, "端午节"),
        (date(2026, 6, 21), HOLIDAY, "端午节"),
        # 中秋节: 9月25日(周五)至27日(周日)放假, 共3天.
        (date(2026, 9, 25), HOLIDAY, "中秋节"),
        (date(2026, 9, 26), HOLIDAY, "中秋节"),
        (date(2026, 9, 27), HOLIDAY, "中秋节"),
        # 国庆节: 10月1日(周四)至7日(周三)放假调休, 共7天. 9月20日(周日)、10月10日(周六)上班.
        (date(2026, 9, 20), WORKDAY, "国庆节"),
        (date(2026, 10, 1), HOLIDAY, "国庆节"),
        (date(2026, 10, 2), HOLIDAY, "国庆节"),
        (date(2026, 10, 3), HOLIDAY, "国庆节"),
        (date(2026, 10, 4), HOLIDAY, "国庆节"),
        (date(2026, 10, 5), HOLIDAY, "国庆节"),
        (date(2026, 10, 6), HOLIDAY, "国庆节"),
        (date(2026, 10, 7), HOLIDAY, "国庆节"),
        (date(2026, 10, 10), WORKDAY, "国庆节"),
    ],
}
