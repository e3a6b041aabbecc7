"""Chinese names and mobile numbers for demo residents, drawn from a seeded random.Random."""

# Surnames in tiers of rough frequency (weight per surname); 孙 and 姚 are among them.
SURNAME_TIERS = [
    (70, "王李张"),
    (50, "刘陈"),
    (25, "杨黄赵吴周"),
    (14, "徐孙马朱胡郭何林高罗郑"),
    (8, "梁谢宋唐许韩冯邓曹彭曾肖田"),
    (4, "董袁潘余蒋蔡杜叶程魏苏吕丁任沈姚卢钟姜崔谭陆汪范廖石金熊"),
    (2, "万邹夏严雷喻涂柯晏"),
]

# Given names by generation (born before 1966, 1966–1989, from 1990) and sex.
GIVEN_NAMES = {
    ("elder", "m"): "建国 国强 建华 志刚 德明 永福 国华 卫东 振华 保国 春生 长林 文斌 光明 金贵 "
    "有才 宝山 树林 德胜 明山 庆丰 汉生 江华 家发".split(),
    ("elder", "f"): "桂英 秀兰 秀英 玉兰 桂兰 凤英 淑珍 秀珍 玉珍 翠兰 素芳 桂芳 美华 爱华 冬梅 "
    "金凤 月娥 春兰 淑芬 丽华 秋菊 兰英 菊香 汉英".split(),
    ("middle", "m"): "伟 强 磊 军 勇 杰 涛 斌 超 明 刚 平 辉 鹏 华 飞 波 海涛 建军 志强 俊 亮 "
    "晓东 立新 红军 文杰 武 汉军".split(),
    ("middle", "f"): "丽 敏 静 艳 娟 霞 燕 芳 玲 婷 红 琴 晓燕 丽娟 海燕 雪梅 春燕 慧 颖 晶 "
    "丹 莉 小红 文静 秀梅 琳".split(),
    ("young", "m"): "浩然 子轩 宇航 俊杰 皓轩 梓豪 博文 一鸣 天宇 子豪 思远 嘉豪 家乐 泽宇 "
    "明轩 晨阳 逸飞 宇轩 瑞 昊 铭 凯 旭 楚恒".split(),
    ("young", "f"): "子涵 欣怡 梓涵 雨萱 诗涵 佳怡 思琪 梦琪 雨涵 可欣 紫萱 一诺 欣妍 晓彤 "
    "若曦 语桐 佳琪 嘉怡 悦 璐 楠 瑶 萌 楚楚".split(),
}

# Prefixes of the three carriers; 138 and 139 are left to the memorable demo logins.
MOBILE_PREFIXES = (
    "130 131 132 133 134 135 136 137 150 151 152 153 155 156 157 158 159 166 173 176 177 "
    "180 181 182 183 185 186 187 188 189 191 198 199"
).split()

_SURNAMES = [s for _w, chars in SURNAME_TIERS for s in chars]
_WEIGHTS = [w for w, chars in SURNAME_TIERS for _s in chars]


def generation(age):
    """The naming generation of someone `age` years old (in 2026)."""
    if age >= 60:
        return "elder"
    return "middle" if age >= 36 else "young"


def pick_surname(rng):
    """A surname, weighted by how common it is."""
    return rng.choices(_SURNAMES, weights=_WEIGHTS)[0]


def full_name(rng, age, sex, surname=None):
    """A full name typical of the generation; `surname` keeps a family's name."""
    return (surname or pick_surname(rng)) + rng.choice(GIVEN_NAMES[(generation(age), sex)])


def new_phone(rng, taken):
    """A mainland mobile number not yet in `taken`, which it joins."""
    while True:
        phone = rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"
        if phone not in taken:
            taken.add(phone)
            return phone
