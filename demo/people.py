"""Synthetic people for demo and benchmark data: Chinese names, mobile numbers, valid ID numbers.

Every app's demo loader uses these so the data set reads like a real street office's. Nothing here
is a real person: names are drawn from common characters, numbers are random but well-formed.
"""

import datetime
import random

from privacy.identity import id_number_with_check_digit

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
    "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴"
)
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂英华建国文辉力红玉兰志军海燕鹏飞丹慧晓东建华"
    "金凤春梅永刚俊杰宇航欣怡子涵浩然梓萱思远佳怡晨阳雨桐嘉豪诗涵一鸣婷婷晓燕小红振华国强秋菊"
)


def chinese_name(rng: random.Random) -> tuple[str, str]:
    """(surname, given name) — given names of one or two characters."""
    surname = rng.choice(SURNAMES)
    length = 1 if rng.random() < 0.3 else 2
    given = "".join(rng.choice(GIVEN) for _ in range(length))
    return surname, given


def mobile_number(rng: random.Random) -> str:
    prefix = rng.choice(
        (
            "130",
            "131",
            "135",
            "136",
            "137",
            "138",
            "139",
            "150",
            "151",
            "158",
            "159",
            "166",
            "177",
            "180",
            "186",
            "188",
            "189",
            "199",
        )
    )
    return prefix + f"{rng.randrange(10**8):08d}"


def birth_date(
    rng: random.Random, *, min_age: int, max_age: int, today: datetime.date | None = None
) -> datetime.date:
    today = today or datetime.date(2026, 1, 1)
    days = rng.randrange(min_age * 365, max_age * 365)
    return today - datetime.timedelta(days=days)


def id_number(
    rng: random.Random, *, area_code: str = "440311", born: datetime.date, male: bool | None = None
) -> str:
    """A well-formed 18-character ID number (GB 11643 check digit) for a synthetic person."""
    sequence = rng.randrange(100)
    sex_digit = (
        rng.choice((1, 3, 5, 7, 9))
        if (male if male is not None else rng.random() < 0.5)
        else rng.choice((0, 2, 4, 6, 8))
    )
    first17 = f"{area_code}{born:%Y%m%d}{sequence:02d}{sex_digit}"
    return id_number_with_check_digit(first17)
